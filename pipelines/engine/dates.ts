import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import type { KindSchema } from '$lib/shared/schema';
import type { Mapping } from '$lib/shared/schema/mapping';
import { rawExpr, stageCol, type ColumnSource } from '$pipelines/sql/compile';

/** Formats tried on a sample of each date column; the one that reads most of it goes first in the SQL. */
const USUAL_DATE_FORMATS = [
	'%Y-%m-%d %H:%M:%S',
	'%Y-%m-%d %H:%M',
	'%Y-%m-%d',
	'%Y/%m/%d %H:%M:%S',
	'%Y/%m/%d %H:%M',
	'%Y/%m/%d',
	'%Y年%m月%d日 %H:%M',
	'%Y年%m月%d日',
	'%Y.%m.%d'
];

/** The rows a sample is taken from: the staging table, or read_csv of the file (its parameters bound). */
export interface RowsToSample {
	sql: string;
	params: unknown[];
}

/** Rows of a sample: as many as the probe reads of a column; a column with fewer non-empty cells was read whole. */
const SAMPLE_ROWS = 2000;

/**
 * Each date column's usual format (the one that reads most of a sample of its non-empty cells), and the columns
 * read whole by the sample whose every cell that format reads: those are typed with that format alone, without
 * the general parser, whose planning is the largest part of a small file's typing statement. The sample reads the
 * cleaned cell the typing statement reads (`rawExpr`), so "every cell" holds there too; a column with a value map
 * (a table made later) is sampled trimmed, as written, and never counted complete.
 */
export async function usualDateFormats(
	conn: DuckDBConnection,
	schema: KindSchema,
	sources: Record<string, ColumnSource>,
	rows: RowsToSample
): Promise<{ formats: Record<string, string | null>; complete: Set<string> }> {
	const formats: Record<string, string | null> = {};
	const complete = new Set<string>();
	for (const c of schema.columns) {
		const src = sources[c.name];
		if ((c.type !== 'date' && c.type !== 'timestamp') || src?.from !== 'column') continue;
		const x = stageCol(src.index);
		const cell = src.valueMap ? `trim(${x})` : rawExpr(c, src);
		const counts = USUAL_DATE_FORMATS.map((f, i) => `count(try_strptime(${cell}, '${f}')) AS f${i}`).join(', ');
		const [row] = await queryRows<Record<string, number>>(
			conn,
			`SELECT ${counts}, count(*) AS sampled, count(${cell}) AS cells FROM (SELECT ${x} FROM ${rows.sql} WHERE ${x} <> '' LIMIT ${SAMPLE_ROWS})`,
			rows.params
		);
		let best = -1;
		let bestCount = 0;
		USUAL_DATE_FORMATS.forEach((_, i) => {
			const n = Number(row?.[`f${i}`] ?? 0);
			if (n > bestCount) [best, bestCount] = [i, n];
		});
		formats[c.name] = best >= 0 ? USUAL_DATE_FORMATS[best]! : null;
		const wholeColumn = Number(row?.sampled ?? SAMPLE_ROWS) < SAMPLE_ROWS;
		if (best >= 0 && !src.valueMap && wholeColumn && bestCount === Number(row?.cells ?? -1)) complete.add(c.name);
	}
	return { formats, complete };
}

/**
 * The date columns whose order (D/M/Y or M/D/Y) is to be decided. Columns whose sample reads with a
 * year-first format need no scan: a stray 3/4/2025 among them is reported as ambiguous (the mapping's
 * date_order settles it).
 */
function orderedDateColumns(
	schema: KindSchema,
	sources: Record<string, ColumnSource>,
	mapping: Mapping,
	usual: Record<string, string | null>
) {
	return schema.columns.filter(
		(c) => (c.type === 'date' || c.type === 'timestamp') && sources[c.name]?.from === 'column' && (!usual[c.name] || !!mapping.date_order)
	);
}

/** Whether deciding the date order needs a scan of every row (of the staging table). */
export function needsDateOrderScan(
	schema: KindSchema,
	sources: Record<string, ColumnSource>,
	mapping: Mapping,
	usual: Record<string, string | null>
): boolean {
	return !mapping.date_order && orderedDateColumns(schema, sources, mapping, usual).length > 0;
}

/** Which date columns hold D/M/Y or M/D/Y slashed dates, decided from the values when unambiguous. */
export async function dayFirstOrders(
	conn: DuckDBConnection,
	schema: KindSchema,
	sources: Record<string, ColumnSource>,
	mapping: Mapping,
	usual: Record<string, string | null>
) {
	const out: Record<string, boolean | null> = {};
	const dateCols = orderedDateColumns(schema, sources, mapping, usual);
	if (dateCols.length === 0) return out;
	if (mapping.date_order) {
		for (const c of dateCols) out[c.name] = mapping.date_order === 'dmy';
		return out;
	}
	const parts = dateCols.map((c) => {
		const src = sources[c.name] as { index: number };
		const x = stageCol(src.index);
		const pat = `'^\\s*(\\d{1,2})/(\\d{1,2})/\\d{4}'`;
		// substr tests first, so the regular expression runs only on cells shaped like 3/4/2025
		const slashed = `(substr(${x}, 2, 1) = '/' OR substr(${x}, 3, 1) = '/')`;
		return `max(TRY_CAST(regexp_extract(${x}, ${pat}, 1) AS INTEGER)) FILTER (WHERE ${slashed}) AS a_${c.name}, max(TRY_CAST(regexp_extract(${x}, ${pat}, 2) AS INTEGER)) FILTER (WHERE ${slashed}) AS b_${c.name}`;
	});
	const [row] = await queryRows<Record<string, number | null>>(conn, `SELECT ${parts.join(', ')} FROM stage`);
	// One order for the whole file: the evidence of any column decides it.
	let first = 0;
	let second = 0;
	for (const c of dateCols) {
		first = Math.max(first, Number(row?.[`a_${c.name}`] ?? 0));
		second = Math.max(second, Number(row?.[`b_${c.name}`] ?? 0));
	}
	const dayFirst = first > 12 && second <= 12 ? true : second > 12 && first <= 12 ? false : null;
	for (const c of dateCols) out[c.name] = dayFirst;
	return out;
}
