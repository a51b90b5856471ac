import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { ingest } from '../../pipelines/engine';
import { FILES, generate } from '../../pipelines/generate';
import { migratedFile, tempDir } from '../helpers/db';
import { readCsv, writeCsv } from '../helpers/golden';

// Before any module reads the settings: three threads at other times, a file of 40 KB or more is big
vi.hoisted(() => {
	process.env.DUCKDB_THREADS = '3';
	process.env.DUCKDB_LOAD_THREADS_FROM_MB = '0.04';
});

/**
 * A big file loaded beside users' views (a database not opened `alone`: the server) runs on DUCKDB_LOAD_THREADS (1) of
 * DuckDB's threads, leaving the others to the views, and DuckDB has its threads back after it, whatever the load's end.
 * A tool with the file to itself, or a small file, keeps them all.
 */

let data: string;
let cleanup: () => void;
const dbs: Database[] = [];

beforeAll(async () => {
	({ dir: data, cleanup } = tempDir('sqa-load-threads-'));
	await generate({ outDir: data, scale: 800, seed: 5, from: '2025-01-01', days: 30, contactsPerComplaint: 0, log: () => undefined });
	const complaints = readCsv(join(data, FILES.complaints));
	writeCsv(join(data, 'small.csv'), complaints.slice(0, 20));
	// every row with a response before its receipt: refused whole
	writeCsv(
		join(data, 'refused.csv'),
		complaints.map((r) => ({ ...r, 首次响应时间: '2020/1/1 0:00' }))
	);
}, 60_000);

afterAll(() => {
	for (const db of dbs) db.close();
	cleanup?.();
});

const threads = async (db: Database) =>
	Number((await db.withConnection((c) => queryRows<{ n: number }>(c, `SELECT current_setting('threads') AS n`)))[0]!.n);

/** Loads a file of `data`, reading DuckDB's threads every few milliseconds meanwhile: what it ended as, and every value seen. */
async function loadWatched(db: Database, file: string): Promise<{ status: string; seen: Set<number> }> {
	const seen = new Set<number>();
	let done = false;
	const watching = (async () => {
		while (!done) {
			seen.add(await threads(db));
			await new Promise((r) => setTimeout(r, 2));
		}
	})();
	try {
		const s = await ingest(db, { kind: 'complaints', filePath: join(data, file), source: 'web', createdBy: 'vitest' });
		return { status: s.status, seen };
	} finally {
		done = true;
		await watching;
	}
}

async function opened(alone: boolean, name: string): Promise<Database> {
	const path = join(data, `${name}.duckdb`);
	await migratedFile(path);
	const db = await Database.open(path, { alone });
	dbs.push(db);
	return db;
}

describe("a big load beside users' views, on one of DuckDB's threads", () => {
	it('the server: a big file loads on one thread, and the three are back after it', async () => {
		const db = await opened(false, 'served');
		expect(await threads(db)).toBe(3);
		const { status, seen } = await loadWatched(db, FILES.complaints);
		expect(status).toBe('committed');
		expect(seen.has(1)).toBe(true);
		expect(await threads(db)).toBe(3);
		// a small file keeps them all
		const small = await loadWatched(db, 'small.csv');
		expect(small.status).toBe('committed');
		expect([...small.seen]).toEqual([3]);
	}, 60_000);

	it('a big file refused, or one that cannot be read, gives the threads back too', async () => {
		const db = await opened(false, 'refused');
		const { status, seen } = await loadWatched(db, 'refused.csv');
		expect(status).toBe('rejected');
		expect(seen.has(1)).toBe(true);
		expect(await threads(db)).toBe(3);
		await expect(
			ingest(db, { kind: 'complaints', filePath: join(data, 'missing.csv'), source: 'web', createdBy: 'vitest' })
		).rejects.toThrow();
		expect(await threads(db)).toBe(3);
	}, 60_000);

	it('a tool with the file to itself keeps every thread', async () => {
		const db = await opened(true, 'alone');
		const { status, seen } = await loadWatched(db, FILES.complaints);
		expect(status).toBe('committed');
		expect([...seen]).toEqual([3]);
	}, 60_000);
});
