import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { migrations } from './migrations';
import { createParquetViews } from './parquet';

export type { DuckDBConnection };

export const DEFAULT_DATABASE_PATH = 'data/quality.duckdb';

export function databasePath(explicit?: string): string {
	return resolve(explicit ?? process.env.DATABASE_PATH ?? DEFAULT_DATABASE_PATH);
}

/**
 * DuckDB invalidates a database after an internal error: every later statement on it fails until the
 * process opens the file again (committed data is safe in the file and its WAL).
 */
export function isFatal(e: unknown): boolean {
	return /database has been invalidated|^(FATAL|INTERNAL) Error/u.test(e instanceof Error ? e.message : String(e));
}

/** One opened database file: the single DuckDB instance of this process for that file. */
export class Database {
	private writeQueue: Promise<unknown> = Promise.resolve();
	private writes = 0;
	private readonly writeListeners = new Set<() => void>();
	private readonly fatalListeners = new Set<(e: unknown) => void>();
	private fatal = false;

	private constructor(
		readonly path: string,
		readonly instance: DuckDBInstance
	) {}

	static async open(path: string): Promise<Database> {
		if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
		const instance = await DuckDBInstance.create(path);
		const db = new Database(path, instance);
		await db.withConnection((conn) => applyMigrations(conn));
		return db;
	}

	/**
	 * An in-memory database whose tables are views over a Parquet export (`npm run export-parquet`):
	 * the same metric SQL runs over it unchanged, read-only (see db/parquet.ts). `path` is the folder.
	 */
	static async openParquet(dir: string): Promise<Database> {
		const instance = await DuckDBInstance.create(':memory:');
		const db = new Database(resolve(dir), instance);
		try {
			await db.withConnection((conn) => createParquetViews(conn, dir));
		} catch (e) {
			instance.closeSync();
			throw e;
		}
		return db;
	}

	/** A connection for one unit of work, closed afterwards. */
	async withConnection<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
		const conn = await this.instance.connect();
		try {
			return await work(conn);
		} catch (e) {
			if (isFatal(e) && !this.fatal) {
				this.fatal = true;
				for (const listener of this.fatalListeners) listener(e);
			}
			throw e;
		} finally {
			conn.closeSync();
		}
	}

	/**
	 * Calls `listener` once, the first time work on this database fails with an error after which DuckDB
	 * refuses every statement (see isFatal). The server exits then, so its supervisor starts it afresh.
	 */
	onFatal(listener: (e: unknown) => void): void {
		this.fatalListeners.add(listener);
	}

	/**
	 * Runs write work one at a time in this process (loads, rollbacks): DuckDB would let two
	 * transactions conflict on the same rows; queuing them keeps every batch whole.
	 */
	withWriteLock<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
		const run = this.writeQueue.then(() => this.withConnection(work)).finally(() => {
			this.writes++;
			for (const listener of this.writeListeners) listener();
		});
		this.writeQueue = run.catch(() => undefined);
		return run;
	}

	/**
	 * Calls `listener` each time write work under the lock has finished (after the data version changed);
	 * the quality alerts are evaluated this way when a batch commits. Returns the unsubscribe function.
	 */
	onWritesDone(listener: () => void): () => void {
		this.writeListeners.add(listener);
		return () => this.writeListeners.delete(listener);
	}

	/**
	 * Changes whenever write work under the lock has finished (a load committed or failed, a rollback,
	 * a retention purge): cached query results are keyed by it, so a new batch is never hidden.
	 */
	get dataVersion(): number {
		return this.writes;
	}

	close(): void {
		this.instance.closeSync();
	}
}

export async function applyMigrations(conn: DuckDBConnection): Promise<number[]> {
	await conn.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`);
	const reader = await conn.runAndReadAll('SELECT version FROM schema_migrations');
	const applied = new Set(reader.getRowObjectsJS().map((r) => Number(r.version)));
	const done: number[] = [];
	for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
		if (applied.has(m.version)) continue;
		await conn.run('BEGIN TRANSACTION');
		try {
			await conn.run(m.sql);
			await conn.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
			await conn.run('COMMIT');
		} catch (e) {
			await conn.run('ROLLBACK');
			throw e;
		}
		done.push(m.version);
	}
	return done;
}

/** Rows of a query as plain objects (BigInt counts turned into numbers where safe). */
export async function queryRows<T = Record<string, unknown>>(
	conn: DuckDBConnection,
	sql: string,
	params: unknown[] = []
): Promise<T[]> {
	const reader = await conn.runAndReadAll(sql, params as never);
	return reader.getRowObjectsJS().map((row) => {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(row)) {
			out[k] = typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
		}
		return out as T;
	});
}
