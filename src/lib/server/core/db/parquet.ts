import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { migrations } from './migrations';

/**
 * The Parquet layout written by `npm run export-parquet` (src/lib/server/core/db/export-parquet.ts), and the
 * views that let the metric SQL run over it unchanged: one folder per table, the big tables split
 * into Hive partitions (`complaints/month=2025-01/data_0.parquet`), the small ones one file each,
 * and `manifest.json` with every table's row count, partition column and column types. The types are
 * what the database declares (Parquet keeps ENUMs as text): each view casts its columns back, so the
 * same SQL sees the same types, and the partition column (always text: `2025` must not become a
 * number) is read only for pruning, never shown.
 */
export const PARQUET_LAYOUT_FORMAT = 1 as const;
export const MANIFEST_FILE = 'manifest.json';

export interface ParquetColumn {
	name: string;
	/** the database's type, e.g. VARCHAR, TIMESTAMP, MAP(VARCHAR, DOUBLE), ENUM('一般', '重大') */
	type: string;
}

export interface ParquetTable {
	rows: number;
	/** the Hive partition column (a folder level), or null for a table written as one file */
	partition: string | null;
	columns: ParquetColumn[];
}

export interface ParquetManifest {
	format: typeof PARQUET_LAYOUT_FORMAT;
	created_at: string;
	/** the database file exported */
	database: string;
	/** the highest schema migration applied to it, and all of them */
	schema_version: number;
	migrations: number[];
	/** 'masked': customer names masked, phones left out (only their keyed hash), phones in free text masked */
	customer_data: 'masked';
	tables: Record<string, ParquetTable>;
}

export class ParquetLayoutError extends Error {
	constructor(
		readonly code: 'export_path_invalid' | 'parquet_not_an_export' | 'parquet_schema_mismatch',
		readonly params: Record<string, string | number>
	) {
		super(`${code} ${JSON.stringify(params)}`);
	}
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/u;
// A column type as DuckDB spells it: names, sizes, nesting, STRUCT field names, and ENUM labels as quoted strings.
const TYPE = /^(?:[A-Z][A-Z0-9_]*|[a-z_][a-z0-9_]*|[(), [\]0-9]|'(?:[^'\u0000-\u001f]|'')*')+$/u;

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * A folder path as an SQL string literal (COPY … TO and read_parquet take no parameter for it).
 * The path comes from the operator on this machine; control characters are refused, and so are glob
 * characters, which read_parquet would expand.
 */
export function literalPath(path: string): string {
	checkPath(path);
	return sqlString(path);
}

export function checkPath(path: string): void {
	if (/[\u0000-\u001f*?[\]{}]/u.test(path)) throw new ParquetLayoutError('export_path_invalid', { path });
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

export function readParquetManifest(dir: string): ParquetManifest {
	const path = join(resolve(dir), MANIFEST_FILE);
	if (!existsSync(path)) throw new ParquetLayoutError('parquet_not_an_export', { dir: resolve(dir) });
	const manifest = JSON.parse(readFileSync(path, 'utf8')) as ParquetManifest;
	if (manifest.format !== PARQUET_LAYOUT_FORMAT || typeof manifest.tables !== 'object')
		throw new ParquetLayoutError('parquet_not_an_export', { dir: resolve(dir) });
	// the metric SQL of this build reads the tables and columns of its own schema: an export of another schema
	// version would fail inside a query (a missing column) or, worse, answer from tables of another shape
	const expected = Math.max(...migrations.map((m) => m.version));
	if (manifest.schema_version !== expected)
		throw new ParquetLayoutError('parquet_schema_mismatch', { dir: resolve(dir), version: String(manifest.schema_version), expected });
	return manifest;
}

/** The SELECT of one table's view: its files (all partitions), each column cast to the database's type. */
export function parquetViewSql(dir: string, table: string, spec: ParquetTable): string {
	if (!IDENTIFIER.test(table)) throw new ParquetLayoutError('parquet_not_an_export', { dir, table });
	for (const c of spec.columns) {
		if (!IDENTIFIER.test(c.name) || !TYPE.test(c.type))
			throw new ParquetLayoutError('parquet_not_an_export', { dir, table, column: c.name });
	}
	if (spec.partition !== null && !IDENTIFIER.test(spec.partition)) throw new ParquetLayoutError('parquet_not_an_export', { dir, table });
	const cols = spec.columns.map((c) => `${quoteIdent(c.name)}::${c.type} AS ${quoteIdent(c.name)}`).join(', ');
	// an empty table has no files to read (a partitioned COPY of no rows writes none): the same columns, no rows
	if (spec.rows === 0) return `SELECT ${spec.columns.map((c) => `NULL::${c.type} AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`;
	checkPath(resolve(dir));
	// the folder is checked above; the glob is ours: one folder level per partition
	const files = sqlString(join(resolve(dir), table, spec.partition ? '*' : '', '*.parquet'));
	const options = spec.partition ? `hive_partitioning = true, hive_types = {'${spec.partition}': VARCHAR}` : 'hive_partitioning = false';
	return `SELECT ${cols} FROM read_parquet(${files}, ${options})`;
}

/** Creates, on `conn`, one view per table of the export in `dir`, named as the database's tables. */
export async function createParquetViews(conn: DuckDBConnection, dir: string): Promise<ParquetManifest> {
	const manifest = readParquetManifest(dir);
	for (const [table, spec] of Object.entries(manifest.tables)) {
		await conn.run(`CREATE VIEW ${quoteIdent(table)} AS ${parquetViewSql(dir, table, spec)}`);
	}
	return manifest;
}
