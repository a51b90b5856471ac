import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import type { DecodedInput } from './decode';
import type { RowError } from '$lib/shared/schema/errors';
import type { KindId, KindSchema } from '$lib/shared/schema';
import { recordTouched, refreshTouched } from './rollups/maintain';
import { profiler } from './engine/profile';
import type { Notice } from './messages';

/** A rejected row as it is kept: the error and the row's raw cells. */
export type StoredError = RowError & { cells: (string | null)[] | null };

export interface BatchRecord {
	/** the batch already on record as 'running' (batch-record.ts), completed here; else a new one */
	batchId?: number;
	kind: KindId;
	fileName: string;
	decoded: DecodedInput;
	source: 'cli' | 'web';
	createdBy: string;
	started: Date;
	status: 'committed' | 'rejected';
	acceptPartial: boolean;
	counts: { read: number; loaded: number; rejected: number; collapsed: number; replaced: number };
	mapping: unknown;
	/** stored as notices, put in words in the reader's language when shown */
	warnings: Notice[];
	errors: StoredError[];
	/** the stores the file's rows name (null: unknown, some row has none); the stores of replaced rows are added */
	stores: string[] | null;
	/** the day the data describes (`--as-of`), YYYY-MM-DD; null: the data's own last day */
	asOf: string | null;
	/** present when rows are to be loaded from the temp table `final` */
	schema: { schema: KindSchema; outputs: string[] } | null;
}

const keyMatch = (schema: KindSchema, a: string, b: string, prefixB = '') =>
	schema.key.map((k) => `${a}.${k} = ${b}.${prefixB}${k}`).join(' AND ');

/**
 * Records a batch and, for a committed one, replaces rows by natural key — in ONE transaction, so a
 * crash at any point leaves the database at the previous committed batch. Rows a batch replaces are
 * kept in `<table>_replaced` so a rollback can restore them.
 */
export async function writeBatch(conn: DuckDBConnection, b: BatchRecord): Promise<number> {
	const prof = profiler(b.kind);
	await conn.run('BEGIN TRANSACTION');
	try {
		let stores = b.stores;
		const id =
			b.batchId ?? (await queryRows<{ id: number }>(conn, 'SELECT coalesce(max(batch_id), 0)::INTEGER + 1 AS id FROM batches'))[0]!.id;
		if (b.schema) {
			const { schema, outputs } = b.schema;
			const t = schema.table;
			// A first load into an empty table has nothing to replace: skip the key join.
			const [{ present = 0 } = {}] = await queryRows<{ present: number }>(
				conn,
				`SELECT count(*) AS present FROM (SELECT 1 FROM ${t} LIMIT 1)`
			);
			let replaced = 0;
			if (present > 0) {
				// the rows with a key of the batch's, found once by a semi-join (a correlated EXISTS over the view
				// `final` was not decorrelated: 1 s to count 1,000 keys in 5M complaints, 8 s to move one row)
				await conn.run(
					`CREATE OR REPLACE TEMP TABLE replacing AS SELECT x.rowid AS rid FROM ${t} x SEMI JOIN final f ON ${keyMatch(schema, 'x', 'f', 't_')}`
				);
				[{ n: replaced = 0 } = {}] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM replacing`);
				prof('rows to replace');
				if (replaced > 0) {
					const cols = (await tableColumns(conn, t)).join(', ');
					const picked = 'rowid IN (SELECT rid FROM replacing)';
					await conn.run(`INSERT INTO ${t}_replaced (${cols}, replaced_by) SELECT ${cols}, $1 FROM ${t} WHERE ${picked}`, [id]);
					await conn.run(`DELETE FROM ${t} WHERE ${picked}`);
					prof('rows replaced');
				}
				await conn.run('DROP TABLE IF EXISTS replacing');
			}
			// Rows go in in file order: registers are exported in time order, which lets DuckDB's per-block
			// min/max skip blocks for date filters; sorting here would cost more than the load's reading.
			await conn.run(
				`INSERT INTO ${t} (${outputs.join(', ')}, batch_id) SELECT ${outputs.map((o) => `t_${o}`).join(', ')}, $1 FROM final`,
				[id]
			);
			prof('rows written');
			// the rollups of the days and stores this batch changed, in the same transaction as its rows
			if (await recordTouched(conn, b.kind, t, id, 'load')) await refreshTouched(conn, b.kind);
			prof('rollups kept current');
			b.counts.replaced = replaced;
			if (replaced > 0 && stores !== null && schema.storeColumn) {
				const [r] = await queryRows<{ named: string[] | null; storeless: number }>(
					conn,
					`SELECT list(DISTINCT ${schema.storeColumn}) FILTER (WHERE ${schema.storeColumn} IS NOT NULL) AS named, count(*) FILTER (WHERE ${schema.storeColumn} IS NULL) AS storeless
					 FROM ${t}_replaced WHERE replaced_by = $1`,
					[id]
				);
				stores = Number(r?.storeless ?? 0) > 0 ? null : [...new Set([...stores, ...(r?.named ?? [])])].sort();
			}
		}
		const d = b.decoded;
		// started_at and finished_at both in the database's local time, as now() gives it (not UTC vs local).
		const recorded = await conn.runAndReadAll(
			b.batchId === undefined
				? `INSERT INTO batches (batch_id, kind, file_name, sha256, size_bytes, encoding, delimiter, source, created_by, started_at, finished_at,
			   status, accept_partial, rows_read, rows_loaded, rows_rejected, rows_collapsed, rows_replaced, mapping, warnings, stores, sheet, as_of)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::TIMESTAMPTZ::TIMESTAMP, now()::TIMESTAMP, $11, $12, $13, $14, $15, $16, $17, $18::JSON, $19::JSON, CAST($20::JSON AS VARCHAR[]), $21, $22::DATE)`
				: `UPDATE batches SET kind = $2, file_name = $3, sha256 = $4, size_bytes = $5, encoding = $6, delimiter = $7, source = $8, created_by = $9,
			   started_at = $10::TIMESTAMPTZ::TIMESTAMP, finished_at = now()::TIMESTAMP, status = $11, accept_partial = $12, rows_read = $13,
			   rows_loaded = $14, rows_rejected = $15, rows_collapsed = $16, rows_replaced = $17, mapping = $18::JSON, warnings = $19::JSON,
			   stores = CAST($20::JSON AS VARCHAR[]), sheet = $21, as_of = $22::DATE
			 WHERE batch_id = $1 AND status = 'running' RETURNING batch_id`,
			[
				id,
				b.kind,
				b.fileName,
				d.sha256,
				d.sizeBytes,
				d.workbook ? 'xlsx' : d.encoding,
				d.workbook ? null : d.delimiter,
				b.source,
				b.createdBy,
				b.started.toISOString(),
				b.status,
				b.acceptPartial,
				b.counts.read,
				b.counts.loaded,
				b.counts.rejected,
				b.counts.collapsed,
				b.counts.replaced,
				JSON.stringify({ header: d.header, mapping: b.mapping }),
				JSON.stringify(b.warnings),
				stores === null ? null : JSON.stringify(stores),
				d.workbook?.sheet ?? null,
				b.asOf
			] as never
		);
		// rows never commit without their batch saying so: a 'running' record gone missing fails the load instead
		if (b.batchId !== undefined && recorded.currentRowCount !== 1) throw new Error(`batch ${b.batchId} is no longer on record as running`);
		if (b.errors.length > 0) {
			const appender = await conn.createAppender('rejected_rows');
			for (const e of b.errors) {
				appender.appendInteger(id);
				if (e.row === null) appender.appendNull();
				else appender.appendInteger(e.row);
				if (e.column === null) appender.appendNull();
				else appender.appendVarchar(e.column);
				if (e.value === null) appender.appendNull();
				else appender.appendVarchar(e.value);
				appender.appendVarchar(e.code);
				appender.appendVarchar(JSON.stringify(e.params));
				appender.appendVarchar(e.reason);
				if (e.cells === null) appender.appendNull();
				else appender.appendVarchar(JSON.stringify(e.cells));
				appender.endRow();
			}
			appender.flushSync();
			appender.closeSync();
		}
		await conn.run('COMMIT');
		return id;
	} catch (e) {
		await conn.run('ROLLBACK');
		throw e;
	}
}

/** A table's columns in order, so history copies name them instead of relying on positions. */
export async function tableColumns(conn: DuckDBConnection, table: string): Promise<string[]> {
	const rows = await queryRows<{ column_name: string }>(
		conn,
		`SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = 'main' ORDER BY ordinal_position`,
		[table]
	);
	return rows.map((r) => `"${r.column_name}"`);
}
