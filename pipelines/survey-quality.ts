import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import { message, type Locale } from './messages';
import type { KindSchema } from '$lib/shared/schema';

/**
 * Quality checks of survey responses, reported as warnings (the rows still load): answers the engine
 * accepts but a quality officer should look at. Runs on the temp view `final` (the rows a load would
 * write, typed as `t_<column>`, `_i` = data row index), for CLI and browser loads alike.
 *
 * - straight-lining: the same answer to every scored item (at least MIN_ITEMS answered), e.g. all 3s;
 * - all blank: no score at all (no item, no NPS): an impossible completion;
 * - duplicate respondents: two or more responses of one wave identical in everything but their id.
 * Out-of-scale answers (6 on a 1-5 item) are not here: they are errors and reject the row.
 */

/** Fewer answered items than this cannot show a pattern. */
const MIN_ITEMS = 5;
/** Row numbers named in a warning; the count says how many there are in all. */
const ROWS_NAMED = 10;

const SCORED = ['overall', 'environment', 'product_quality', 'service_quality', 'price'];
const DESCRIBING = ['wave', 'submitted_at', 'method', 'store', 'channel', 'staff_id', 'nps', 'comment'];

/** The first rows of a warning by number, and "…" when there are more. */
export function namedRows(rows: readonly number[], locale: Locale): string {
	const shown = rows.slice(0, ROWS_NAMED).map(Number).join('、');
	return rows.length > ROWS_NAMED ? message('warning_rows_more', { rows: shown }, locale) : shown;
}

/** `rowNo` turns a data row index into the spreadsheet row number (see rowNumber in decode.ts). */
export async function surveyQualityWarnings(
	conn: DuckDBConnection,
	schema: KindSchema,
	locale: Locale,
	rowNo: (index: number) => number = (i) => i + 2
): Promise<string[]> {
	if (schema.kind !== 'surveys') return [];
	const extra = schema.extraAnswersColumn ? `t_${schema.extraAnswersColumn}` : null;
	const items = `list_filter([${SCORED.map((c) => `CAST(t_${c} AS DOUBLE)`).join(', ')}]${extra ? ` || coalesce(map_values(${extra}), [])` : ''}, x -> x IS NOT NULL)`;
	// Counts, and the first rows by number of each finding: a list of every row would not spill to disk,
	// and a 10M-row file would not fit the memory limit (core/config.ts).
	const straightIf = `len(items) >= ${MIN_ITEMS} AND len(list_distinct(items)) = 1`;
	const blankIf = 'len(items) = 0 AND t_nps IS NULL';
	const [r] = await queryRows<{ n: number; straight_n: number; blank_n: number }>(
		conn,
		`WITH r AS (SELECT ${items} AS items, t_nps FROM final)
		 SELECT count(*) AS n, count(*) FILTER (WHERE ${straightIf}) AS straight_n, count(*) FILTER (WHERE ${blankIf}) AS blank_n FROM r`
	);
	const firstRows = async (condition: string, n: number) =>
		n === 0
			? []
			: (
					await queryRows<{ _i: number }>(
						conn,
						`SELECT _i FROM (SELECT _i, ${items} AS items, t_nps FROM final) WHERE ${condition} ORDER BY _i LIMIT ${ROWS_NAMED}`
					)
				).map((x) => Number(x._i));
	const groupCols = [...SCORED, ...DESCRIBING].map((c) => `t_${c}`);
	if (extra) groupCols.push(`CAST(${extra} AS VARCHAR)`);
	const answered = [...SCORED, 'nps'].map((c) => `t_${c} IS NOT NULL`).join(' OR ') + (extra ? ` OR cardinality(${extra}) > 0` : '');
	// Rows alike in every column: first the hashes seen more than once (a grouping that spills to disk), then
	// only those rows grouped by their values (a hash collision is no duplicate).
	const dups = await queryRows<{ rows: number[] }>(
		conn,
		`WITH twice AS (SELECT hash(${groupCols.join(', ')}) AS h FROM final WHERE ${answered} GROUP BY h HAVING count(*) > 1)
		 SELECT list(_i ORDER BY _i) AS rows FROM final
		 WHERE (${answered}) AND hash(${groupCols.join(', ')}) IN (SELECT h FROM twice)
		 GROUP BY ${groupCols.join(', ')} HAVING count(*) > 1 ORDER BY min(_i)`
	);

	const out: string[] = [];
	const toRows = (indexes: number[] | null | undefined) => (indexes ?? []).map((i) => rowNo(Number(i)));
	const named = (rows: number[]) => namedRows(rows, locale);
	const total = Number(r?.n ?? 0);
	/** the first rows of a finding, named with "…" when it has more */
	const namedFirst = (rows: number[], count: number) =>
		rows.length < count ? message('warning_rows_more', { rows: rows.join('、') }, locale) : named(rows);
	const straightN = Number(r?.straight_n ?? 0);
	if (straightN > 0) {
		const share = Math.round((straightN / Math.max(1, total)) * 1000) / 10;
		const rows = toRows(await firstRows(straightIf, straightN));
		out.push(message('warning_straight_lining', { count: straightN, share, items: MIN_ITEMS, rows: namedFirst(rows, straightN) }, locale));
	}
	const blankN = Number(r?.blank_n ?? 0);
	if (blankN > 0) {
		const rows = toRows(await firstRows(blankIf, blankN));
		out.push(message('warning_all_blank', { count: blankN, rows: namedFirst(rows, blankN) }, locale));
	}
	if (dups.length > 0) {
		const rows = dups.flatMap((d) => toRows(d.rows));
		const groups = dups
			.slice(0, ROWS_NAMED)
			.map((d) => toRows(d.rows).join('/'))
			.join('、');
		out.push(
			message(
				'warning_duplicate_respondents',
				{ count: rows.length, groups: dups.length > ROWS_NAMED ? message('warning_rows_more', { rows: groups }, locale) : groups },
				locale
			)
		);
	}
	return out;
}
