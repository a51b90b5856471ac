import type { DuckDBConnection } from '@duckdb/node-api';
import { Bool, Dictionary, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import type { Database } from '../db';
import { compileMetric, type Column, type CompiledQuery } from './compile';

/** One result row: period, group (with `by`), value, and for ratios numerator/denominator (+ n, moe, low_sample). */
export type MetricRow = Record<string, string | number | boolean | null>;

export interface MetricResult {
	columns: Column[];
	rows: MetricRow[];
}

const plain = (v: unknown): string | number | boolean | null => {
	if (v === null || v === undefined) return null;
	if (typeof v === 'bigint') return Number(v);
	if (typeof v === 'number') return Number.isFinite(v) ? v : null;
	if (typeof v === 'boolean' || typeof v === 'string') return v;
	return String(v);
};

/** Runs a compiled metric query; numbers come back as JS numbers (never BigInt), NaN/Infinity as null. */
export async function runMetric(conn: DuckDBConnection, compiled: CompiledQuery): Promise<MetricResult> {
	const reader = await conn.runAndReadAll(compiled.sql, compiled.params);
	const names = compiled.columns.map((c) => c.name);
	const rows = reader.getRowObjectsJS().map((r) => {
		const out: MetricRow = {};
		for (const n of names) out[n] = plain(r[n]);
		return out;
	});
	return { columns: compiled.columns, rows };
}

/**
 * Arrow IPC stream of a result. Period and group are dictionary-encoded (few distinct values, many
 * rows); numbers are Float64 (counts stay exact up to 2^53); flags Bool. The schema is the same for
 * an empty result.
 */
export function toArrow(result: MetricResult): Uint8Array {
	const vectors: Record<string, Vector> = {};
	for (const c of result.columns) {
		const vals = result.rows.map((r) => r[c.name] ?? null);
		if (c.type === 'string') vectors[c.name] = vectorFromArray(vals as (string | null)[], new Dictionary(new Utf8(), new Int32()));
		else if (c.type === 'number') vectors[c.name] = vectorFromArray(vals as (number | null)[], new Float64());
		else vectors[c.name] = vectorFromArray(vals as (boolean | null)[], new Bool());
	}
	return tableToIPC(new Table(vectors), 'stream');
}

const FORMULA_START = /^[=+\-@\t\r]/u;

/** One CSV cell: numbers as numbers; text starting with = + - @ tab CR gets a leading apostrophe (no formula in Excel). */
export function csvCell(v: string | number | boolean | null | undefined): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
	if (typeof v === 'boolean') return v ? 'true' : 'false';
	const text = FORMULA_START.test(v) ? `'${v}` : v;
	return /[",\r\n]/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV with a header row, CRLF line ends and a UTF-8 BOM (so Excel reads the Chinese). */
export function toCsv(result: MetricResult): string {
	const lines = [result.columns.map((c) => csvCell(c.name)).join(',')];
	for (const r of result.rows) lines.push(result.columns.map((c) => csvCell(r[c.name])).join(','));
	return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Validates, compiles and runs one metric request on a fresh connection of the database. */
export async function queryMetric(db: Database, input: unknown, options: { asOf?: string } = {}): Promise<MetricResult> {
	const compiled = compileMetric(input, options);
	return db.withConnection((conn) => runMetric(conn, compiled));
}
