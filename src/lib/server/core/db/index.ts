import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { closeInterruptedBatches, WriteAborted } from './interrupted';
import { migrations } from './migrations';
import { log } from '$lib/server/core/log';
import { createParquetViews } from './parquet';
import { assertPrivate, createPrivateFiles } from './file-modes';
import { config, databasePath, DEFAULT_DATABASE_PATH } from '$lib/server/core/config';
import { ReadSlots } from './read-slots';

export type { DuckDBConnection };
export { WriteAborted, type AbortReason } from './interrupted';

/**
 * What write work does to the rollups (pipelines/rollups): 'keeps' them current or leaves what they count
 * alone (loads, rollbacks, retention, backups), 'rebuilds' them whole, may change counted rows behind
 * their back ('unknown', the default: from then on this process reads raw rows until a rebuild), or only
 * rewrites their rows without changing any answer ('compacts': the data version stays, and no write listener runs).
 */
export type RollupEffect = 'unknown' | 'keeps' | 'rebuilds' | 'compacts';

/** The write work running under the lock, and whether it has been told to stop. */
interface RunningWrite {
	conn: DuckDBConnection;
	aborted: WriteAborted | null;
}

export { DEFAULT_DATABASE_PATH, databasePath };

/**
 * DuckDB invalidates a database after an internal error: every later statement on it fails until the
 * process opens the file again (committed data is safe in the file and its WAL).
 */
export function isFatal(e: unknown): boolean {
	return /database has been invalidated|^(FATAL|INTERNAL) Error/u.test(e instanceof Error ? e.message : String(e));
}

/** How many values `Database.keptUntilWrite` keeps at most per data version. */
const KEPT_MAX = 1000;

/** One opened database file: the single DuckDB instance of this process for that file. */
export class Database {
	private writeQueue: Promise<unknown> = Promise.resolve();
	private writes = 0;
	private pending = 0;
	private readonly writeListeners = new Set<() => void>();
	private readonly fatalListeners = new Set<(e: unknown) => void>();
	private fatal = false;
	private running: RunningWrite | null = null;
	private abortReason: WriteAborted['reason'] | null = null;
	private rollupsTrusted = true;
	private readonly readSlots: ReadSlots;
	private kept: { version: number; values: Map<string, Promise<unknown>> } = { version: -1, values: new Map() };

	private constructor(
		readonly path: string,
		readonly instance: DuckDBInstance,
		readers: number,
		/** a command-line tool with the file to itself: no users' reads share it (`open`'s `alone`) */
		readonly alone = false
	) {
		this.readSlots = new ReadSlots(readers);
	}

	/**
	 * `readers`: how many reads run at once (default DUCKDB_READERS, core/config.ts); the others wait their turn.
	 * `alone`: a command-line tool with the file to itself (no server running): DuckDB's pool is the tools' (core/config.ts).
	 */
	static async open(path: string, opts: { readers?: number; alone?: boolean } = {}): Promise<Database> {
		if (path !== ':memory:') {
			createPrivateFiles();
			assertPrivate(path);
			assertPrivate(`${path}.wal`);
			mkdirSync(dirname(path), { recursive: true });
		}
		const instance = await DuckDBInstance.create(path, duckdbOptions(path, opts.alone));
		const db = new Database(path, instance, opts.readers ?? config().duckdb.readers, !!opts.alone);
		await db.withConnection(async (conn) => {
			await applyMigrations(conn);
			const interrupted = await closeInterruptedBatches(conn);
			if (interrupted.batches.length) {
				log('db').warn(
					{ batches: interrupted.batches, stray_rows: interrupted.strayRows },
					'batches left running by a process that ended mid-load: marked aborted, nothing of them kept'
				);
			}
		});
		return db;
	}

	/**
	 * An in-memory database whose tables are views over a Parquet export (`npm run export-parquet`):
	 * the same metric SQL runs over it unchanged, read-only (see db/parquet.ts). `path` is the folder.
	 */
	static async openParquet(dir: string): Promise<Database> {
		const instance = await DuckDBInstance.create(':memory:', duckdbOptions(':memory:'));
		const db = new Database(resolve(dir), instance, config().duckdb.readers);
		try {
			await db.withConnection((conn) => createParquetViews(conn, dir));
		} catch (e) {
			instance.closeSync();
			throw e;
		}
		return db;
	}

	/**
	 * A connection for one unit of work, closed afterwards. At most DUCKDB_READERS such units run at once
	 * (first come, first served; see read-slots.ts); work under the write lock, and connections nested in
	 * work that already runs, do not wait. `lookup`: a read by key that costs next to nothing (a session,
	 * the schema version) runs at once too, so signing in and /healthz answer while pages queue.
	 */
	withConnection<T>(
		work: (conn: DuckDBConnection) => Promise<T>,
		opts: { lookup?: boolean; onWait?: (promote: () => void) => void } = {}
	): Promise<T> {
		return opts.lookup ? this.readSlots.exempt(() => this.connected(work)) : this.readSlots.run(() => this.connected(work), opts.onWait);
	}

	/**
	 * Runs `work` with DuckDB's worker threads at most `threads` (null: as they are) — a setting of the whole instance,
	 * so every query meanwhile — and sets them back to what they were after it, whatever its end. Set and set back on a
	 * connection of their own (`lookup`): a write the server stops refuses its own connection's statements.
	 */
	async withThreadsAtMost<T>(threads: number | null, work: () => Promise<T>): Promise<T> {
		if (threads === null) return work();
		const setting = (sql: string) => this.withConnection((c) => queryRows<{ threads: number }>(c, sql), { lookup: true });
		const before = Math.trunc(Number((await setting(`SELECT current_setting('threads') AS threads`))[0]?.threads));
		if (!(before > threads)) return work();
		await setting(`SET threads = ${Math.trunc(threads)}`);
		try {
			return await work();
		} finally {
			await setting(`SET threads = ${before}`);
		}
	}

	/** Whether the work running here is background work (`background`). */
	get inBackground(): boolean {
		return this.readSlots.inBackground;
	}

	/**
	 * Runs `work` as background work (the 总览 views computed ahead after a commit): its reads run one at a
	 * time, each in its turn with users' reads (read-slots.ts).
	 */
	background<T>(work: () => Promise<T>): Promise<T> {
		return this.readSlots.background(work);
	}

	/** Reads running and waiting for a slot. */
	get reads(): { running: number; waiting: number } {
		return this.readSlots.state;
	}

	private async connected<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
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
	withWriteLock<T>(work: (conn: DuckDBConnection) => Promise<T>, rollups: RollupEffect = 'unknown'): Promise<T> {
		this.pending++;
		const run = this.writeQueue
			.then(() => {
				if (this.abortReason) throw new WriteAborted(this.abortReason);
				// never behind reads waiting for a slot: a load must not wait for fifty users' pages
				return this.readSlots.exempt(() =>
					this.connected(async (conn) => {
						const slot: RunningWrite = { conn, aborted: null };
						this.running = slot;
						try {
							const result = await work(abortable(conn, slot));
							if (rollups === 'rebuilds') this.rollupsTrusted = true;
							return result;
						} catch (e) {
							// an interrupted statement surfaces as whatever the work made of it; say what it was
							throw slot.aborted ?? e;
						} finally {
							this.running = null;
						}
					})
				);
			})
			.finally(() => {
				this.pending--;
				if (rollups === 'unknown') this.rollupsTrusted = false;
				if (rollups === 'compacts') return;
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
	 * A value read from the database, kept until write work under the lock has finished (`dataVersion`): the rollup
	 * state, the data's spans and as-of day, and the reads pages make beside their metrics — the last day with data in
	 * a user's stores, the stores and departments to pick from — each a scan of a register that no rollup answers (at
	 * 5M complaints under the load bench's users, 20–75 ms of the cores each, on every request). `key` names the read and all it depends on (the scope); a read that fails
	 * is not kept, and past KEPT_MAX keys (as many scopes as users, at most) the kept values start over.
	 */
	keptUntilWrite<T>(key: string, read: () => Promise<T>): Promise<T> {
		if (this.kept.version !== this.dataVersion || this.kept.values.size >= KEPT_MAX)
			this.kept = { version: this.dataVersion, values: new Map() };
		const values = this.kept.values;
		const hit = values.get(key);
		if (hit) return hit as Promise<T>;
		const value = read();
		values.set(key, value);
		value.catch(() => values.get(key) === value && values.delete(key));
		return value;
	}

	/** Write work running or queued under the lock: background reads (the dashboards' warm-up) give way to it. */
	get writesPending(): number {
		return this.pending;
	}

	/**
	 * Changes whenever write work under the lock has finished (a load committed or failed, a rollback,
	 * a retention purge): cached query results are keyed by it, so a new batch is never hidden.
	 */
	get dataVersion(): number {
		return this.writes;
	}

	/** False once write work that may change counted rows without keeping the rollups has run (until a rebuild). */
	get rollupsKept(): boolean {
		return this.rollupsTrusted;
	}

	/**
	 * Stops write work: the running work's statement is interrupted and every later statement of it
	 * fails with `WriteAborted` (its ROLLBACK still runs, so its transaction is undone); work still
	 * queued, or queued from now on, fails with `WriteAborted` without starting. Resolves when the
	 * queue is empty.
	 */
	abortWrites(reason: WriteAborted['reason']): Promise<void> {
		this.abortReason ??= reason;
		const running = this.running;
		if (running && !running.aborted) {
			running.aborted = new WriteAborted(this.abortReason);
			running.conn.interrupt();
		}
		return this.idle();
	}

	/** The stop the running write work was told, if it was: an error it catches may be the interrupted statement's. */
	get writeAbort(): WriteAborted | null {
		return this.running?.aborted ?? null;
	}

	/** Resolves once no write work is running or queued. */
	async idle(): Promise<void> {
		let seen: Promise<unknown>;
		do {
			seen = this.writeQueue;
			await seen;
		} while (seen !== this.writeQueue);
	}

	/** Writes everything to the database file (so the next open replays no WAL) and closes it. */
	async checkpointAndClose(): Promise<void> {
		try {
			await this.withConnection((conn) => conn.run('CHECKPOINT'));
		} finally {
			this.close();
		}
	}

	close(): void {
		this.instance.closeSync();
	}
}

/**
 * DuckDB's settings for a database file (core/config.ts): its memory limit, its threads, and where it
 * spills what does not fit — a folder beside the file (`<file>.tmp`), private like the file itself,
 * since spilled pages hold customers' rows (the umask of createPrivateFiles applies to it).
 */
export function duckdbOptions(path: string, alone = false): Record<string, string> {
	const { memoryLimit, toolMemoryLimit, threads } = config().duckdb;
	return {
		memory_limit: alone ? toolMemoryLimit : memoryLimit,
		// DuckDB's late materialization (a LIMIT of up to 50 rows picked by rowid, then those rows fetched) scanned the
		// table's rowids in full: a drill-down page of a store's low-score comments, read at once, cost 44 ms of CPU with
		// it and 13 without. Drill-downs pick big pages by their keys themselves (compileRows).
		late_materialization_max_rows: '0',
		...(path === ':memory:' ? {} : { temp_directory: `${path}.tmp` }),
		...(threads === null ? {} : { threads: String(threads) })
	};
}

/**
 * The connection as write work sees it: once the work is aborted, every statement but ROLLBACK fails
 * with `WriteAborted` — the work may be between statements (or in JS) when the interrupt comes.
 */
function abortable(conn: DuckDBConnection, slot: RunningWrite): DuckDBConnection {
	return new Proxy(conn, {
		get(target, prop) {
			const value: unknown = Reflect.get(target, prop, target);
			if (typeof value !== 'function') return value;
			return (...args: unknown[]) => {
				const undo = prop === 'run' && args[0] === 'ROLLBACK';
				if (slot.aborted && !undo && prop !== 'interrupt' && prop !== 'closeSync') throw slot.aborted;
				const result = (value as (...a: unknown[]) => unknown).apply(target, args);
				// the statement the interrupt hit fails with DuckDB's own error: report it as the stop it was
				return result instanceof Promise && !undo ? result.catch((e: unknown) => Promise.reject(slot.aborted ?? e)) : result;
			};
		}
	});
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
	// Schema changes go into the file at once, not the write-ahead log: DuckDB cannot replay an ALTER TABLE on a
	// table whose CHECK calls a function (eval_weights' regexp_full_match, migration 14) — the file would not
	// open again after a crash that left the migration in the log.
	if (done.length > 0) await conn.run('CHECKPOINT');
	return done;
}

/** Rows of a query as plain objects (BigInt counts turned into numbers where safe). */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string, params: unknown[] = []): Promise<T[]> {
	const reader = await conn.runAndReadAll(sql, params as never);
	return reader.getRowObjectsJS().map((row) => {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(row)) {
			out[k] = typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
		}
		return out as T;
	});
}
