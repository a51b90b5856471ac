import { getLocale } from '$lib/paraglide/runtime.js';
import { m } from '$lib/paraglide/messages.js';
import type { Column } from '$lib/shared/table';
import { EVAL_DIMENSIONS, type EvalDimension, type RankGroup, type RankedRow } from './model';
import { dimensionLabel, fmt1, fmtP, verdictLabel } from './labels';
import type { ReviewerCheck } from '$lib/shared/quality/leniency';

/**
 * The ranking's columns, declared once: the ranking table on the page, its "download what you see" CSV and
 * the server's CSV / Excel export all take theirs from here (each a selection, in its own order).
 */
export type RankingColumnId =
	| 'group'
	| 'rank'
	| 'rankChange'
	| 'staffId'
	| 'name'
	| 'store'
	| 'department'
	| 'position'
	| EvalDimension
	| 'total'
	| 'grade'
	| 'previous'
	| 'months'
	| 'reviewers'
	| 'flags';

/** The group a row is ranked in: its store, its department, or nothing for one company-wide ranking. */
export const rankingGroupOf = (group: RankGroup, r: RankedRow) =>
	(group === 'store' ? r.store : group === 'department' ? r.department : null) ?? '';

/** The flags behind a number: a warning (and its streak), a swing, too few data, a file total that disagrees. */
export function rankingFlags(r: RankedRow): string[] {
	const locale = getLocale();
	return [
		...(r.warning ? [r.warningStreak >= 2 ? m.eval_repeated({ n: r.warningStreak }) : m.eval_flag_warning()] : []),
		...(r.swing !== null ? [m.eval_flag_swing({ diff: r.swing > 0 ? `+${fmt1(r.swing, locale)}` : fmt1(r.swing, locale) })] : []),
		...(r.fewData ? [m.eval_flag_few()] : []),
		...(r.fileTotalMismatch !== null ? [m.eval_flag_mismatch({ total: fmt1(r.fileTotalMismatch, locale) })] : [])
	];
}

/** A score: a number in exports, one decimal on screen. */
const score = <Row>(id: string, label: () => string, value: (r: Row) => number | null, width = 10): Column<Row> => ({
	id,
	label,
	value,
	type: 'number',
	align: 'end',
	format: (r) => fmt1(value(r), getLocale()),
	width
});

export function rankingColumns(group: RankGroup): Record<RankingColumnId, Column<RankedRow>> {
	const dims = Object.fromEntries(
		EVAL_DIMENSIONS.map((d) => [
			d,
			score<RankedRow>(
				d,
				() => dimensionLabel(d),
				(r) => r[d]
			)
		])
	) as Record<EvalDimension, Column<RankedRow>>;
	return {
		group: { id: 'group', label: () => m.eval_col_group(), value: (r) => rankingGroupOf(group, r), width: 16 },
		rank: { id: 'rank', label: () => m.eval_col_rank(), value: (r) => r.rank, type: 'number', align: 'end', width: 8 },
		rankChange: {
			id: 'rankChange',
			label: () => m.eval_col_rank_change(),
			value: (r) => r.rankChange,
			type: 'number',
			format: (r) =>
				r.rankChange === null ? m.eval_new() : r.rankChange > 0 ? `▲${r.rankChange}` : r.rankChange < 0 ? `▼${-r.rankChange}` : '–'
		},
		staffId: { id: 'staffId', label: () => m.eval_col_staff_id(), value: (r) => r.staffId },
		name: { id: 'name', label: () => m.eval_col_name(), value: (r) => r.staffName, format: (r) => r.staffName ?? r.staffId },
		store: { id: 'store', label: () => m.eval_store(), value: (r) => r.store, width: 16 },
		department: { id: 'department', label: () => m.eval_col_department(), value: (r) => r.department, width: 12 },
		position: { id: 'position', label: () => m.eval_col_position(), value: (r) => r.position, width: 12 },
		...dims,
		total: score<RankedRow>(
			'total',
			() => m.eval_col_total(),
			(r) => r.total,
			9
		),
		grade: { id: 'grade', label: () => m.eval_col_grade(), value: (r) => r.grade, width: 7 },
		previous: score<RankedRow>(
			'previous',
			() => m.eval_col_previous(),
			(r) => r.previousTotal
		),
		months: { id: 'months', label: () => m.eval_col_months(), value: (r) => r.months, type: 'number', align: 'end', width: 8 },
		reviewers: { id: 'reviewers', label: () => m.eval_col_reviewer(), value: (r) => r.reviewers.join('、'), width: 14 },
		flags: { id: 'flags', label: () => m.eval_col_flags(), value: (r) => rankingFlags(r).join('; ') }
	};
}

/** The columns of the table on the page: the group only when ranked in groups, the store only when not ranked by store. */
export const rankingScreenIds = (group: RankGroup): RankingColumnId[] => [
	...(group !== 'all' ? (['group'] as const) : []),
	'rank',
	'rankChange',
	'name',
	...(group !== 'store' ? (['store'] as const) : []),
	'position',
	...EVAL_DIMENSIONS,
	'total',
	'grade',
	'flags'
];

const RANKING_FULL: RankingColumnId[] = [
	'group',
	'rank',
	'rankChange',
	'staffId',
	'name',
	'store',
	'department',
	'position',
	...EVAL_DIMENSIONS,
	'total',
	'grade',
	'previous'
];
/** What the page's CSV button downloads: every column of the ranking, with the flags as text. */
export const RANKING_CSV_IDS: RankingColumnId[] = [...RANKING_FULL, 'flags'];
/** What the server's CSV / Excel export writes: every column, with the months and reviewers behind a total. */
export const RANKING_EXPORT_IDS: RankingColumnId[] = [...RANKING_FULL, 'months', 'reviewers'];

/** A reviewer's verdict in words: lenient or strict rather than higher or lower. */
export const reviewerVerdictText = (v: ReviewerCheck['verdict']) =>
	v === 'higher' ? m.eval_lenient() : v === 'lower' ? m.eval_strict() : verdictLabel(v);

const gradeCount = (g: 'A' | 'B' | 'C' | 'D'): Column<ReviewerCheck> => ({
	id: g,
	label: () => g,
	value: (r) => r.grades[g] ?? 0,
	type: 'number'
});

/** The reviewers' leniency table (fairness): on the page, in its CSV (with the grade counts) and in the export. */
export const REVIEWER_COLUMNS: readonly Column<ReviewerCheck>[] = [
	{ id: 'reviewer', label: () => m.eval_col_reviewer(), value: (r) => r.reviewer, width: 12 },
	{ id: 'n', label: () => 'n', value: (r) => r.n, type: 'number', align: 'end', width: 6 },
	score<ReviewerCheck>(
		'mean',
		() => m.eval_tile_mean(),
		(r) => r.mean,
		9
	),
	score<ReviewerCheck>(
		'sd',
		() => 'SD',
		(r) => r.sd,
		8
	),
	score<ReviewerCheck>(
		'rest',
		() => m.eval_col_rest(),
		(r) => r.restMean,
		10
	),
	score<ReviewerCheck>(
		'diff',
		() => m.eval_col_diff(),
		(r) => r.diff,
		9
	),
	{ id: 'p', label: () => 'p', value: (r) => r.p, type: 'number', align: 'end', format: (r) => fmtP(r.p), width: 9 },
	{ id: 'verdict', label: () => m.eval_col_verdict(), value: (r) => reviewerVerdictText(r.verdict), width: 14 }
];
/** The grade counts, one column each in the page's CSV, one cell "A / B / C / D" on the page. */
export const REVIEWER_GRADE_COLUMNS: readonly Column<ReviewerCheck>[] = (['A', 'B', 'C', 'D'] as const).map(gradeCount);
