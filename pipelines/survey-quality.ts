import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import { notice, type Notice, type NoticeParam } from './messages';
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
/** Row numbers named of one group of identical responses (the first ROWS_NAMED groups are named). */
const GROUP_ROWS_NAMED = 20;

const SCORED = ['overall', 'environment', 'product_quality', 'service_quality', 'price'];
const DESCRIBING = ['wave', 'submitted_at', 'method', 'store', 'channel', 'staff_id', 'nps', 'comment'];

/** The first rows of a warning by number, and "…" when there are more. */
export function namedRows(rows: readonly number[]): NoticeParam {
	const shown = rows.slice(0, ROWS_NAMED).map(Number);
	return rows.length > ROWS_NAMED ? notice('warning_rows_more', { rows: shown }) : shown;
}

/** `rowNo` turns a data row index into the spreadsheet row number (see rowNumber in decode.ts). */
export async function surveyQualityWarnings(
	conn: DuckDBConnection,
	schema: KindSchema,
	rowNo: (index: number) => number = (i) => i + 2
): Promise<Notice[]> {
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
	// Rows alike in every column: first the hashes seen more than once (a grouping that spills to disk), then only
	// those rows grouped by their values (a hash collision is no duplicate), counted. Only the first ROWS_NAMED groups
	// have their rows listed, by a second read that finds the rows equal to each group's first: listing every group's
	// rows (the lists of a grouping do not spill, and every list came to JS) took a 10M-response file with 2M duplicate
	// rows to 1.29 GB, outside DuckDB's memory limit.
	const alike = groupCols.map((c, i) => `${c} AS g${i}`).join(', ');
	const keys = groupCols.map((_, i) => `g${i}`).join(', ');
	const [dup] = await queryRows<{ groups: number; rows: number | null; firsts: number[] | null }>(
		conn,
		`WITH twice AS (SELECT hash(${groupCols.join(', ')}) AS h FROM final WHERE ${answered} GROUP BY h HAVING count(*) > 1),
		 alike AS (SELECT _i, ${alike} FROM final WHERE (${answered}) AND hash(${groupCols.join(', ')}) IN (SELECT h FROM twice)),
		 groups AS (SELECT min(_i) AS first, count(*) AS n FROM alike GROUP BY ${keys} HAVING count(*) > 1)
		 SELECT count(*) AS groups, sum(n) AS rows, min(first, ${ROWS_NAMED}) AS firsts FROM groups`
	);
	const dupRows = Number(dup?.rows ?? 0);
	const dupGroups = Number(dup?.groups ?? 0);
	const firsts = [...(dup?.firsts ?? [])].map(Number);
	const shown =
		firsts.length === 0
			? []
			: await queryRows<{ rows: number[]; n: number }>(
					conn,
					`WITH shown AS (SELECT _i AS first, ${alike} FROM final WHERE list_contains(CAST($1::JSON AS BIGINT[]), _i)),
					 rows AS (SELECT _i, ${alike} FROM final)
					 SELECT list(r._i ORDER BY r._i)[1:${GROUP_ROWS_NAMED}] AS rows, count(*) AS n FROM shown s JOIN rows r ON ${groupCols.map((_, i) => `r.g${i} IS NOT DISTINCT FROM s.g${i}`).join(' AND ')}
					 GROUP BY s.first ORDER BY s.first`,
					[JSON.stringify(firsts)]
				);

	const out: Notice[] = [];
	const toRows = (indexes: number[] | null | undefined) => (indexes ?? []).map((i) => rowNo(Number(i)));
	const total = Number(r?.n ?? 0);
	/** the first rows of a finding, named with "…" when it has more */
	const namedFirst = (rows: number[], count: number) => (rows.length < count ? notice('warning_rows_more', { rows }) : namedRows(rows));
	const straightN = Number(r?.straight_n ?? 0);
	if (straightN > 0) {
		const share = Math.round((straightN / Math.max(1, total)) * 1000) / 10;
		const rows = toRows(await firstRows(straightIf, straightN));
		out.push(notice('warning_straight_lining', { count: straightN, share, items: MIN_ITEMS, rows: namedFirst(rows, straightN) }));
	}
	const blankN = Number(r?.blank_n ?? 0);
	if (blankN > 0) {
		const rows = toRows(await firstRows(blankIf, blankN));
		out.push(notice('warning_all_blank', { count: blankN, rows: namedFirst(rows, blankN) }));
	}
	if (dupGroups > 0) {
		// (a group's first rows, and "…" when it has more)
		const listed = (d: { rows: number[]; n: number }): NoticeParam => {
			const rows = toRows(d.rows).join('/');
			return Number(d.n) > d.rows.length ? notice('warning_rows_more', { rows }) : rows;
		};
		const groups = shown.map(listed);
		out.push(
			notice('warning_duplicate_respondents', {
				count: dupRows,
				groups: dupGroups > ROWS_NAMED ? notice('warning_rows_more', { rows: groups }) : groups
			})
		);
	}
	return out;
}
