import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, getDatabase } from '$lib/server/core/db/process';
import { queryRows } from '$lib/server/core/db';

/** The process's database runs under DuckDB's limits from the environment, and spills beside its file. */
describe("the process's database", () => {
	let dir: string;
	let path: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'sqa-limits-'));
		path = join(dir, 'q.duckdb');
		// read on first use (core/config.ts): nothing in this file has asked for the settings yet
		vi.stubEnv('DATABASE_PATH', path);
		vi.stubEnv('DUCKDB_MEMORY_LIMIT', '64MiB');
		vi.stubEnv('DUCKDB_THREADS', '1');
	});
	afterAll(async () => {
		await closeDatabase();
		vi.unstubAllEnvs();
		rmSync(dir, { recursive: true, force: true });
	});

	it('has the memory limit, the threads and the temporary folder the settings give', async () => {
		const db = await getDatabase();
		const [s] = await db.withConnection((c) =>
			queryRows<{ mem: string; threads: number; temp: string }>(
				c,
				`SELECT current_setting('memory_limit') AS mem, current_setting('threads') AS threads, current_setting('temp_directory') AS temp`
			)
		);
		expect(s).toEqual({ mem: '64.0 MiB', threads: 1, temp: `${path}.tmp` });
	});

	it('spills a sort bigger than the limit into that folder, readable by its owner only', async () => {
		const db = await getDatabase();
		const [r] = await db.withConnection((c) =>
			queryRows<{ n: number; first: string }>(
				c,
				`SELECT count(*) AS n, min(s) AS first FROM (
					SELECT s FROM (SELECT md5(i::VARCHAR) || repeat('x', 40) AS s FROM range(1500000) t(i)) ORDER BY s OFFSET 1)`
			)
		);
		expect(r!.n).toBe(1_499_999);
		expect(existsSync(`${path}.tmp`)).toBe(true);
		expect(statSync(`${path}.tmp`).mode & 0o077).toBe(0);
	}, 60_000);
});
