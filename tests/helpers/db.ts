import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { ingest, type IngestOptions, type IngestSummary } from '../../pipelines/engine';

export const SAMPLES = resolve('data/samples');
export const sample = (name: string) => join(SAMPLES, name);

/** A fresh temporary directory; `cleanup` removes it. */
export function tempDir(prefix = 'sqa-test-'): { dir: string; cleanup: () => void } {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let template: Promise<string> | null = null;

/**
 * A new database file at `path`, migrated: a copy of one migrated once (creating the schema takes ~200 ms of CPU,
 * a copy and the open's check ~40 ms; the suite makes some hundred). Under vitest the template is shared by the
 * run's processes (tests/global-setup.ts), elsewhere made once per process. It has no phone key (made at the first
 * load, beside the file) and no rows; `Database.open` on the copy applies no migration.
 */
export async function migratedFile(path: string): Promise<void> {
	template ??= (async () => {
		const shared = process.env.SQA_TEST_SHARED;
		const dir = shared ?? tempDir('sqa-template-').dir;
		if (!shared) process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
		const file = join(dir, 'template.duckdb');
		if (existsSync(file)) return file;
		// made under a name of this process's own and renamed into place: a process that finds the file finds it whole
		const own = join(dir, `template-${process.pid}.duckdb`);
		(await Database.open(own)).close();
		renameSync(own, file);
		return file;
	})();
	copyFileSync(await template, path);
}

/** A real DuckDB file in a temp directory, migrated; `close` closes it and removes the directory. */
export async function tempDatabase(): Promise<{ db: Database; dir: string; path: string; close: () => void }> {
	const { dir, cleanup } = tempDir('sqa-db-');
	const path = join(dir, 'quality.duckdb');
	const db = await migratedFile(path)
		.then(() => Database.open(path))
		.catch((e: unknown) => {
			cleanup();
			throw e;
		});
	return {
		db,
		dir,
		path,
		close: () => {
			db.close();
			cleanup();
		}
	};
}

export function rows<T = Record<string, unknown>>(db: Database, sql: string, params: unknown[] = []): Promise<T[]> {
	return db.withConnection((conn) => queryRows<T>(conn, sql, params));
}

export async function count(db: Database, table: string, where = 'true', params: unknown[] = []): Promise<number> {
	const [r] = await rows<{ n: number }>(db, `SELECT count(*) AS n FROM ${table} WHERE ${where}`, params);
	return Number(r?.n ?? 0);
}

export const TABLES = ['complaints', 'surveys', 'appraisals', 'traffic', 'staff', 'contacts'] as const;

const COUNTED = [...TABLES, 'batches', 'rejected_rows'] as const;

/** Row counts of every source table, batches and rejected rows. */
export async function tableCounts(db: Database): Promise<Record<(typeof COUNTED)[number], number>> {
	const out = {} as Record<(typeof COUNTED)[number], number>;
	for (const t of COUNTED) out[t] = await count(db, t);
	return out;
}

/** Every row of a table as sorted JSON lines (order-free comparison of exact contents). */
export async function snapshot(db: Database, table: string): Promise<string[]> {
	const r = await rows(db, `SELECT * FROM ${table}`);
	return r.map((x) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
}

export function load(
	db: Database,
	kind: IngestOptions['kind'],
	filePath: string,
	extra: Partial<IngestOptions> = {}
): Promise<IngestSummary> {
	return ingest(db, { kind, filePath, source: 'cli', createdBy: 'vitest', ...extra });
}
