import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import type { PhoneHasher } from '$lib/server/core/db/phone-hash';
import type { KindSchema } from '$lib/shared/schema';
import { normalizeHeader, type HeaderMatch, type Mapping } from '$lib/shared/schema/mapping';
import { notice, type Locale, type Notice } from '$pipelines/messages';
import { readCsvSql, stageCol, type ColumnSource, type CompileInput } from '$pipelines/sql/compile';
import { dayFirstOrders, needsDateOrderScan, usualDateFormats, type RowsToSample } from './dates';

export interface PlanInput {
	schema: KindSchema;
	header: readonly string[];
	mapping: Mapping;
	match: HeaderMatch;
	/** per canonical column: whether its cells need cleaning */
	dirty: Record<string, boolean | null>;
	hasher: PhoneHasher | null;
	locale: Locale;
	/** generated keys are this prefix and the row number */
	keyPrefix: string;
	/** read the rows straight from this file instead of the staging table */
	file?: { path: string; delimiter: string };
}

/** The compiled typing of one file and its bound parameters, and the warnings found on the way. */
export interface Plan {
	input: CompileInput;
	params: unknown[];
	warnings: Notice[];
}

/**
 * Everything the SQL that types the rows needs: where each column comes from, constants and value maps
 * (temp tables), extra survey questions, the keyed hash's parameters, each date column's usual format
 * and order. Null when reading from the file and the date order needs a scan of every row (the staged
 * path does that scan).
 */
export async function plan(conn: DuckDBConnection, p: PlanInput): Promise<Plan | null> {
	const { schema, mapping, match } = p;
	await conn.run('CREATE OR REPLACE TEMP TABLE ingest_constants (name VARCHAR, value VARCHAR)');
	for (const [name, value] of match.constants) await conn.run('INSERT INTO ingest_constants VALUES ($1, $2)', [name, value]);
	await conn.run('CREATE OR REPLACE TEMP TABLE ingest_value_map (source_index INTEGER, source_value VARCHAR, target VARCHAR)');
	const maps = valueMaps(p.header, mapping);
	for (const [index, pairs] of maps)
		for (const [from, to] of pairs) await conn.run('INSERT INTO ingest_value_map VALUES ($1, $2, $3)', [index, from, to]);

	const sources: Record<string, ColumnSource> = {};
	for (const c of schema.columns) {
		const index = match.columns.get(c.name);
		if (index !== undefined) sources[c.name] = { from: 'column', index, dirty: !!p.dirty[c.name], valueMap: maps.has(index) };
		else if (match.constants.has(c.name)) sources[c.name] = { from: 'constant' };
		else if (match.generatedKey === c.name) sources[c.name] = { from: 'generated' };
		else sources[c.name] = { from: 'absent' };
	}

	// Surveys and inspections: unknown columns whose every value is a number are extra questions (checklist items); others are reported.
	const warnings: Notice[] = [];
	let unknown = match.unknown;
	const params: unknown[] = [p.keyPrefix];
	const extraQuestions: { index: number; param: number; name: string }[] = [];
	if (schema.extraAnswersColumn && unknown.length > 0) {
		if (p.file) return null;
		const checks = unknown.map(
			(u) =>
				`bool_and(${stageCol(u.index)} IS NULL OR trim(${stageCol(u.index)}) = '' OR regexp_full_match(trim(${stageCol(u.index)}), '[+-]?\\d+(\\.\\d+)?')) AS n${u.index}`
		);
		const [row] = await queryRows<Record<string, boolean | null>>(conn, `SELECT ${checks.join(', ')} FROM stage`);
		const numeric = unknown.filter((u) => row?.[`n${u.index}`] && u.header.trim() !== '');
		for (const u of numeric) {
			params.push(u.header.trim());
			extraQuestions.push({ index: u.index, param: params.length, name: u.header.trim() });
		}
		const known = await knownExtraNames(conn, schema);
		const reported = known ? numeric.filter((u) => !known.has(u.header.trim())) : numeric;
		const warning = schema.extraKnown?.unknownWarning ?? 'warning_extra_questions';
		if (reported.length) warnings.push(notice(warning, { columns: reported.map((u) => u.header) }));
		const questions = new Set(numeric);
		unknown = unknown.filter((u) => !questions.has(u));
	}
	if (unknown.length) warnings.push(notice('warning_unknown_columns', { columns: unknown.map((u) => u.header || `#${u.index + 1}`) }));

	// The keyed phone hash: its key is bound as parameters, never written into the SQL text.
	let keyedHash: CompileInput['keyedHash'];
	if (p.hasher) {
		const first = params.length + 1;
		params.push(...p.hasher.sql('x', first).params);
		keyedHash = (column) => p.hasher!.sql(column, first).sql;
	}
	const rows: CompileInput['rows'] = p.file
		? { from: 'file', pathParam: params.length + 1, delimiterParam: params.length + 2 }
		: { from: 'stage' };
	if (p.file) params.push(p.file.path, p.file.delimiter);
	const nCols = p.header.length;
	// A sample of the first rows is read by one thread: the parallel reader would start on the whole file.
	const source: RowsToSample = p.file
		? { sql: readCsvSql(nCols, '$1', '$2', false), params: [p.file.path, p.file.delimiter] }
		: { sql: 'stage', params: [] };
	const { formats: dateFormats, complete: completeDates } = await usualDateFormats(conn, schema, sources, source);
	if (p.file && needsDateOrderScan(schema, sources, mapping, dateFormats)) return null;
	const input: CompileInput = {
		schema,
		sources,
		rows,
		dayFirst: await dayFirstOrders(conn, schema, sources, mapping, dateFormats),
		dateFormats,
		completeDates,
		stageColumns: nCols,
		extraQuestions,
		generatedKeyParam: 1,
		keyedHash
	};
	return { input, params, warnings };
}

/** The extra columns a kind expects by name (inspections: every checklist's items), or null when it names none. */
async function knownExtraNames(conn: DuckDBConnection, schema: KindSchema): Promise<Set<string> | null> {
	if (!schema.extraKnown) return null;
	const rows = await queryRows<{ name: string }>(conn, schema.extraKnown.sql);
	return new Set(rows.map((r) => r.name));
}

/** The mapping's value maps by source column index; headers match as in the column mapping, values match the trimmed cell. */
export function valueMaps(header: readonly string[], mapping: Mapping): Map<number, [string, string][]> {
	const out = new Map<number, [string, string][]>();
	const entries = Object.entries(mapping.values);
	if (entries.length === 0) return out;
	// the first column of each normalised header, found once rather than per value map
	const indexOf = new Map<string, number>();
	header.forEach((h, i) => {
		const n = normalizeHeader(h);
		if (!indexOf.has(n)) indexOf.set(n, i);
	});
	for (const [srcHeader, pairs] of entries) {
		const index = indexOf.get(normalizeHeader(srcHeader));
		if (index === undefined || out.has(index)) continue;
		out.set(
			index,
			Object.entries(pairs).map(([from, to]) => [from.trim(), to])
		);
	}
	return out;
}
