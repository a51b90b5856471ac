import { m } from '$lib/paraglide/messages.js';
import { pick, tableData, type TableData } from '$lib/shared/table';
import { RANKING_EXPORT_IDS, REVIEWER_COLUMNS, rankingColumns } from '$lib/features/evaluations/columns';
import { exportP, verdictLabel } from '$lib/features/evaluations/labels';
import type { EvaluationView } from '$lib/features/evaluations/types';

/**
 * The evaluation tables as header + rows, shared by the Excel and CSV exports so both carry the same
 * columns. Only what the view holds for this user: a role without individual scores gets no rows of people.
 */
export interface ExportTable extends TableData {
	id: 'ranking' | 'warnings' | 'stars' | 'distribution' | 'stores' | 'reviewers';
	title: string;
}

export function exportTables(v: EvaluationView): ExportTable[] {
	const out: ExportTable[] = [];
	if (v.individual) {
		out.push({ id: 'ranking', title: m.eval_ranking(), ...tableData(pick(rankingColumns(v.group), RANKING_EXPORT_IDS), v.ranking) });
		out.push({
			id: 'warnings',
			title: m.eval_warnings({ threshold: v.settings.warningThreshold }),
			header: [m.eval_col_staff_id(), m.eval_col_name(), m.eval_store(), m.eval_col_total(), m.eval_col_streak()],
			types: ['text', 'text', 'text', 'number', 'number'],
			rows: v.warnings.map((w) => [w.staffId, w.staffName, w.store, w.total, w.warningStreak]),
			widths: [10, 10, 16, 9, 14]
		});
		out.push({
			id: 'stars',
			title: m.eval_stars(),
			header: [m.eval_col_staff_id(), m.eval_col_name(), m.eval_store(), m.eval_col_total(), 'CSAT %', 'n'],
			types: ['text', 'text', 'text', 'number', 'number', 'number'],
			rows: v.stars.map((s) => [s.staffId, s.staffName, s.store, s.total, s.csat, s.responses]),
			widths: [10, 10, 16, 9, 9, 6]
		});
	}
	out.push({
		id: 'distribution',
		title: m.eval_distribution(),
		header: [m.eval_col_grade(), m.eval_col_count(), m.eval_share()],
		types: ['text', 'number', 'number'],
		rows: v.distribution.map((d) => [d.grade, d.count, d.share]),
		widths: [8, 8, 10]
	});
	out.push({
		id: 'stores',
		title: m.eval_store_compare(),
		header: [m.eval_store(), 'n', m.eval_tile_mean(), m.eval_col_rest(), m.eval_col_diff(), 'p', m.eval_col_q(), m.eval_col_verdict()],
		types: ['text', 'number', 'number', 'number', 'number', 'number', 'number', 'text'],
		// p and q past double precision read "< 1e-16", as on the page, never 0
		rows: v.stores.map((s) => [s.label, s.n, s.mean, s.otherMean, s.diff, exportP(s.p), exportP(s.q), verdictLabel(s.verdict)]),
		widths: [16, 6, 9, 10, 9, 9, 9, 14]
	});
	if (v.fairness) {
		out.push({ id: 'reviewers', title: m.eval_leniency(), ...tableData(REVIEWER_COLUMNS, v.fairness.reviewers) });
	}
	return out;
}
