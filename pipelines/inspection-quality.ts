import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import type { KindSchema } from '$lib/shared/schema';
import { notice, type Notice } from './messages';
import { namedRows } from './survey-quality';

/**
 * Checks of inspection rows reported as warnings (the rows still load), on the temp view `final` like the
 * survey checks: a given total (总分) that is not the score the checklist in force gives the items (the
 * computed score is what the product uses: a total is never trusted as written), and items a row carries
 * that are not on its day's checklist (kept, not scored: an older checklist's items stay readable).
 */

/** a given total may differ from the computed score by rounding only */
const TOTAL_TOLERANCE = 0.5;

export async function inspectionQualityWarnings(
	conn: DuckDBConnection,
	schema: KindSchema,
	rowNo: (index: number) => number = (i) => i + 2
): Promise<Notice[]> {
	if (schema.kind !== 'inspections') return [];
	const [r] = await queryRows<{ mismatch: number[] | null; outside: number | null; items: string[] | null }>(
		conn,
		`WITH r AS (
		   SELECT _i, t_total, t_fatal, sq_qa_checklist(t_inspected_at) AS c, coalesce(t_item_points, MAP {}::MAP(VARCHAR, DOUBLE)) AS p FROM final),
		 s AS (
		   SELECT _i, t_total, CASE WHEN t_fatal AND c.fatal_zero THEN 0 ELSE list_sum(list_transform(c.items, x -> coalesce(p[x.item], 0))) END AS score,
		     list_filter(map_keys(p), k -> NOT list_contains(list_transform(c.items, x -> x.item), k)) AS outside FROM r)
		 SELECT list(_i ORDER BY _i) FILTER (WHERE t_total IS NOT NULL AND abs(t_total - score) > ${TOTAL_TOLERANCE}) AS mismatch,
		   count(*) FILTER (WHERE len(outside) > 0) AS outside,
		   list_sort(list_distinct(flatten(list(outside)))) AS items
		 FROM s`
	);
	const out: Notice[] = [];
	const mismatch = (r?.mismatch ?? []).map((i) => rowNo(Number(i)));
	if (mismatch.length > 0) out.push(notice('warning_inspection_total_mismatch', { count: mismatch.length, rows: namedRows(mismatch) }));
	const outside = Number(r?.outside ?? 0);
	if (outside > 0) out.push(notice('warning_inspection_items_outside', { count: outside, items: [...(r?.items ?? [])] }));
	return out;
}
