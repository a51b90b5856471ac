import { m } from '$lib/paraglide/messages.js';
import type { CsvValue } from '$lib/shared/csv';
import { EVAL_DIMENSIONS } from '$lib/features/evaluations/model';
import { dimensionLabel, verdictLabel } from '$lib/features/evaluations/labels';
import type { EvaluationView } from '$lib/features/evaluations/types';
import type { UiLocale } from '$lib/shared/views';

/**
 * The evaluation tables as header + rows, shared by the Excel and CSV exports so both carry the same
 * columns. Only what the view holds for this user: a role without individual scores gets no rows of people.
 */
export interface ExportTable {
	id: 'ranking' | 'warnings' | 'stars' | 'distribution' | 'stores' | 'reviewers';
	title: string;
	header: string[];
	/** 'number' columns become number cells in Excel */
	types: ('text' | 'number')[];
	rows: CsvValue[][];
	widths: number[];
}

export function exportTables(v: EvaluationView, locale: UiLocale): ExportTable[] {
	const L = { locale };
	const dims = EVAL_DIMENSIONS.map((d) => dimensionLabel(d));
	const out: ExportTable[] = [];
	if (v.individual) {
		out.push({
			id: 'ranking',
			title: m.eval_ranking({}, L),
			header: [
				m.eval_col_group({}, L),
				m.eval_col_rank({}, L),
				m.eval_col_rank_change({}, L),
				m.eval_col_staff_id({}, L),
				m.eval_col_name({}, L),
				m.eval_store({}, L),
				m.eval_col_department({}, L),
				m.eval_col_position({}, L),
				...dims,
				m.eval_col_total({}, L),
				m.eval_col_grade({}, L),
				m.eval_col_previous({}, L),
				m.eval_col_months({}, L),
				m.eval_col_reviewer({}, L)
			],
			types: [
				'text',
				'number',
				'number',
				'text',
				'text',
				'text',
				'text',
				'text',
				...dims.map(() => 'number' as const),
				'number',
				'text',
				'number',
				'number',
				'text'
			],
			rows: v.ranking.map((r) => [
				(v.group === 'store' ? r.store : v.group === 'department' ? r.department : '') ?? '',
				r.rank,
				r.rankChange,
				r.staffId,
				r.staffName,
				r.store,
				r.department,
				r.position,
				...EVAL_DIMENSIONS.map((d) => r[d]),
				r.total,
				r.grade,
				r.previousTotal,
				r.months,
				r.reviewers.join('、')
			]),
			widths: [16, 8, 10, 10, 10, 16, 12, 12, ...dims.map(() => 10), 9, 7, 10, 8, 14]
		});
		out.push({
			id: 'warnings',
			title: m.eval_warnings({ threshold: v.settings.warningThreshold }, L),
			header: [m.eval_col_staff_id({}, L), m.eval_col_name({}, L), m.eval_store({}, L), m.eval_col_total({}, L), m.eval_col_streak({}, L)],
			types: ['text', 'text', 'text', 'number', 'number'],
			rows: v.warnings.map((w) => [w.staffId, w.staffName, w.store, w.total, w.warningStreak]),
			widths: [10, 10, 16, 9, 14]
		});
		out.push({
			id: 'stars',
			title: m.eval_stars({}, L),
			header: [m.eval_col_staff_id({}, L), m.eval_col_name({}, L), m.eval_store({}, L), m.eval_col_total({}, L), 'CSAT %', 'n'],
			types: ['text', 'text', 'text', 'number', 'number', 'number'],
			rows: v.stars.map((s) => [s.staffId, s.staffName, s.store, s.total, s.csat, s.responses]),
			widths: [10, 10, 16, 9, 9, 6]
		});
	}
	out.push({
		id: 'distribution',
		title: m.eval_distribution({}, L),
		header: [m.eval_col_grade({}, L), m.eval_col_count({}, L), m.eval_share({}, L)],
		types: ['text', 'number', 'number'],
		rows: v.distribution.map((d) => [d.grade, d.count, d.share]),
		widths: [8, 8, 10]
	});
	out.push({
		id: 'stores',
		title: m.eval_store_compare({}, L),
		header: [
			m.eval_store({}, L),
			'n',
			m.eval_tile_mean({}, L),
			m.eval_col_rest({}, L),
			m.eval_col_diff({}, L),
			'p',
			m.eval_col_verdict({}, L)
		],
		types: ['text', 'number', 'number', 'number', 'number', 'number', 'text'],
		rows: v.stores.map((s) => [s.label, s.n, s.mean, s.otherMean, s.diff, s.p, verdictLabel(s.verdict)]),
		widths: [16, 6, 9, 10, 9, 9, 14]
	});
	if (v.fairness) {
		out.push({
			id: 'reviewers',
			title: m.eval_leniency({}, L),
			header: [
				m.eval_col_reviewer({}, L),
				'n',
				m.eval_tile_mean({}, L),
				'SD',
				m.eval_col_rest({}, L),
				m.eval_col_diff({}, L),
				'p',
				m.eval_col_verdict({}, L)
			],
			types: ['text', 'number', 'number', 'number', 'number', 'number', 'number', 'text'],
			rows: v.fairness.reviewers.map((r) => [
				r.reviewer,
				r.n,
				r.mean,
				r.sd,
				r.restMean,
				r.diff,
				r.p,
				r.verdict === 'higher' ? m.eval_lenient({}, L) : r.verdict === 'lower' ? m.eval_strict({}, L) : verdictLabel(r.verdict)
			]),
			widths: [12, 6, 9, 8, 10, 9, 9, 14]
		});
	}
	return out;
}
