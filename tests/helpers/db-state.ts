import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryRows, type Database, type DuckDBConnection } from '../../src/lib/server/core/db';
import { tempDir } from './db';
import type { RunningServer } from './server';

/**
 * The content of the data tables (every source table and its `_replaced` history): per table the row
 * count and an order-free checksum of every row, so "the database is exactly as before" is one
 * comparison. The customer phone hash is left out: its key differs per database file, and the phone
 * it is made from is in the checksum anyway.
 */
export const DATA_TABLES = ['complaints', 'surveys', 'appraisals', 'traffic', 'staff', 'contacts'].flatMap((t) => [t, `${t}_replaced`]);

export type TableSums = Record<string, { n: number; sum: string }>;

async function sumsOn(conn: DuckDBConnection): Promise<TableSums> {
	// one query for all tables; identifiers from the fixed list above; the row struct's hash covers every column
	const found = await queryRows<{ i: number; n: number; sum: unknown }>(
		conn,
		DATA_TABLES.map(
			(t, i) =>
				`SELECT ${i} AS i, count(*) AS n, coalesce(sum(hash(s))::VARCHAR, '0') AS sum FROM (SELECT COLUMNS(c -> c <> 'customer_phone_hash') FROM ${t}) s`
		).join(' UNION ALL ')
	);
	const out: TableSums = {};
	for (const r of [...found].sort((a, b) => a.i - b.i)) out[DATA_TABLES[r.i]!] = { n: Number(r.n), sum: String(r.sum) };
	return out;
}

/** The data tables of a database this process has open. */
export function localSums(db: Database): Promise<TableSums> {
	return db.withConnection(sumsOn);
}

/** Batches and rejected rows of a database this process has open. */
export async function localLog(db: Database): Promise<{ batches: number; rejected_rows: number }> {
	return db.withConnection(async (conn) => {
		const [r] = await queryRows<{ b: number; r: number }>(
			conn,
			'SELECT (SELECT count(*) FROM batches) AS b, (SELECT count(*) FROM rejected_rows) AS r'
		);
		return { batches: Number(r?.b ?? 0), rejected_rows: Number(r?.r ?? 0) };
	});
}

export interface ServerState {
	sums: TableSums;
	batches: number;
	rejected_rows: number;
	/** runs SQL over the snapshot (tables as views of its Parquet files) */
	query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
	close: () => void;
}

/** Sends a command to the running server the way `npm run ingest` does while the server owns the file. */
export async function serverCommand<T>(server: RunningServer, cmd: Record<string, unknown>): Promise<T> {
	const { token } = JSON.parse(readFileSync(`${server.dbPath}.server.json`, 'utf8')) as { token: string };
	const res = await fetch(`${server.base}/api/internal/cli`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify(cmd)
	});
	if (!res.ok) throw new Error(`internal cli ${res.status}: ${await res.text()}`);
	return ((await res.json()) as { json: T }).json;
}

/**
 * The server's database as it is now: the server owns the file, so it is read through a backup (taken
 * under the write lock, as Parquet) opened in an in-memory DuckDB.
 */
export async function serverState(server: RunningServer): Promise<ServerState> {
	const { dir, cleanup } = tempDir('sqa-state-');
	const snap = join(dir, 'snap');
	await serverCommand(server, { command: 'backup', dir: snap, as: 'vitest', locale: 'zh-CN' });
	const instance = await DuckDBInstance.create(':memory:');
	const conn = await instance.connect();
	for (const t of [...DATA_TABLES, 'batches', 'rejected_rows']) {
		const file = join(snap, `${t}.parquet`);
		// an empty table may be exported without rows; an empty view of the same name stands in
		if (existsSync(file)) await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
		else throw new Error(`backup lacks ${t}`);
	}
	const sums = await sumsOn(conn);
	const [log] = await queryRows<{ b: number; r: number }>(
		conn,
		'SELECT (SELECT count(*) FROM batches) AS b, (SELECT count(*) FROM rejected_rows) AS r'
	);
	return {
		sums,
		batches: Number(log?.b ?? 0),
		rejected_rows: Number(log?.r ?? 0),
		query: (sql, params = []) => queryRows(conn, sql, params),
		close: () => {
			conn.closeSync();
			instance.closeSync();
			cleanup();
		}
	};
}
