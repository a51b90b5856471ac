import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database, queryRows } from '../../src/lib/server/db';
import { schemas } from '../../pipelines/schema';
import { load, tempDir } from '../helpers/db';
import { writeComplaints } from '../helpers/generate';

const ROWS = 300_000;
const WORKER = resolve('tests/helpers/load-worker.ts');

let dir: string;
let cleanup: () => void;
let dbPath: string;
let workTmp: string;
beforeAll(() => {
	({ dir, cleanup } = tempDir('sqa-crash-'));
	dbPath = join(dir, 'quality.duckdb');
	workTmp = join(dir, 'tmp');
	mkdirSync(workTmp);
});
afterAll(() => cleanup());

interface Run {
	/** the stdout line after which to wait, then kill; null = let it finish */
	killAfter: 'loading' | 'transaction' | null;
	delayMs: number;
}

/**
 * Runs the worker in its own process group (npx → tsx → node) and SIGKILLs the whole group
 * `delayMs` after it printed `killAfter`. Resolves with what the worker printed.
 */
function runWorker(file: string, r: Run): Promise<string[]> {
	return new Promise((resolvePromise, reject) => {
		// TMPDIR inside the test directory: a killed load cannot remove its work files, the test does.
		const env = { ...process.env, TMPDIR: workTmp };
		const child = spawn('npx', ['tsx', WORKER, dbPath, 'complaints', file], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
		const lines: string[] = [];
		let stderr = '';
		let loading = false;
		let killTimer: NodeJS.Timeout | null = null;
		const kill = () => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				/* already gone */
			}
		};
		const guard = setTimeout(kill, 120_000);
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			for (const line of chunk.split('\n').filter(Boolean)) {
				lines.push(line);
				if (line === 'loading') loading = true;
				const trigger = r.killAfter === 'loading' ? line === 'loading' : r.killAfter === 'transaction' && loading && line === 'transaction';
				if (trigger && !killTimer) killTimer = setTimeout(kill, r.delayMs);
			}
		});
		child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(guard);
			if (killTimer) clearTimeout(killTimer);
			if (r.killAfter === null && code !== 0) reject(new Error(`worker failed (${code} ${signal}): ${stderr}`));
			else resolvePromise(lines);
		});
	});
}

/** Opens the database once the killed processes have released it. */
async function openAfterCrash(): Promise<Database> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await Database.open(dbPath);
		} catch (e) {
			if (attempt > 50) throw e;
			await sleep(200);
		}
	}
}

/** No batch is ever half-loaded: what the batches table says is exactly what the tables hold. */
async function checkInvariants(db: Database): Promise<{ committed: number; rows: number }> {
	return db.withConnection(async (conn) => {
		const q = <T>(sql: string) => queryRows<T>(conn, sql);
		for (const s of Object.values(schemas)) {
			const t = s.table;
			// every committed batch: rows_loaded = its rows still in the table + its rows a later batch replaced
			const mismatched = await q(`
				SELECT b.batch_id, b.rows_loaded,
				       (SELECT count(*) FROM ${t} x WHERE x.batch_id = b.batch_id) AS live,
				       (SELECT count(*) FROM ${t}_replaced r WHERE r.batch_id = b.batch_id) AS replaced
				FROM batches b WHERE b.kind = '${s.kind}' AND b.status = 'committed'
				  AND b.rows_loaded <> (SELECT count(*) FROM ${t} x WHERE x.batch_id = b.batch_id)
				                     + (SELECT count(*) FROM ${t}_replaced r WHERE r.batch_id = b.batch_id)`);
			expect(mismatched, `${t}: committed batches whose rows are not all there`).toEqual([]);
			const orphans = await q(`SELECT DISTINCT batch_id FROM ${t} WHERE batch_id NOT IN (SELECT batch_id FROM batches WHERE status = 'committed')`);
			expect(orphans, `${t}: rows of no committed batch`).toEqual([]);
			const orphanHistory = await q(`SELECT DISTINCT replaced_by FROM ${t}_replaced WHERE replaced_by NOT IN (SELECT batch_id FROM batches WHERE status = 'committed')`);
			expect(orphanHistory, `${t}_replaced: history of no committed batch`).toEqual([]);
			const keys = s.key.join(', ');
			expect(await q(`SELECT ${keys} FROM ${t} GROUP BY ALL HAVING count(*) > 1 LIMIT 5`), `${t}: duplicate keys`).toEqual([]);
		}
		const [c] = await q<{ committed: number; rows: number }>(
			"SELECT count(*) AS committed, coalesce(sum(rows_loaded), 0)::BIGINT AS rows FROM batches WHERE status = 'committed'"
		);
		return { committed: Number(c!.committed), rows: Number(c!.rows) };
	});
}

describe('a load killed with SIGKILL leaves no partial batch', () => {
	it('holds at several moments of the load, including inside the batch transaction', { timeout: 600_000 }, async () => {
		const runs: (Run & { prefix: string })[] = [
			{ prefix: 'KA', killAfter: 'loading', delayMs: 300 },
			{ prefix: 'KB', killAfter: 'transaction', delayMs: 0 },
			{ prefix: 'KC', killAfter: 'transaction', delayMs: 150 },
			{ prefix: 'KD', killAfter: 'transaction', delayMs: 400 },
			{ prefix: 'KE', killAfter: null, delayMs: 0 },
			{ prefix: 'KF', killAfter: 'loading', delayMs: 2500 }
		];
		const outcomes: string[] = [];
		for (const r of runs) {
			const file = join(dir, `${r.prefix}.csv`);
			await writeComplaints(file, ROWS, r.prefix);
			const lines = await runWorker(file, r);
			expect(lines, 'the worker started the load').toContain('loading');
			outcomes.push(`${r.prefix}: ${lines.at(-1)}`);
			const db = await openAfterCrash();
			try {
				await checkInvariants(db);
				const [live] = await db.withConnection((c) => queryRows<{ n: number }>(c, 'SELECT count(*) AS n FROM complaints WHERE starts_with(complaint_id, $1)', [r.prefix]));
				// all or nothing for this file
				expect([0, ROWS], `${r.prefix} left ${live!.n} rows`).toContain(live!.n);
				if (r.killAfter === null) expect(live!.n).toBe(ROWS);
			} finally {
				db.close();
			}
		}
		console.info(`crash test outcomes: ${outcomes.join('; ')}`);

		// replacing rows: a kill inside the transaction leaves the previous versions, whole
		const update = join(dir, 'KE-update.csv');
		await writeComplaints(update, ROWS, 'KE');
		writeFileSync(update, readFileSync(update, 'utf8').replaceAll(',待处理', ',处理中'));
		await runWorker(update, { killAfter: 'transaction', delayMs: 100 });
		const db = await openAfterCrash();
		try {
			const totals = await checkInvariants(db);
			const [st] = await db.withConnection((c) =>
				queryRows<{ s: string[] }>(c, "SELECT list(DISTINCT status::VARCHAR) AS s FROM complaints WHERE starts_with(complaint_id, 'KE')")
			);
			expect(st!.s).toHaveLength(1);
			const [n] = await db.withConnection((c) => queryRows<{ n: number }>(c, 'SELECT count(*) AS n FROM complaints'));
			expect(n!.n).toBe(totals.rows - (await db.withConnection((c) => queryRows<{ n: number }>(c, 'SELECT count(*) AS n FROM complaints_replaced')))[0]!.n);
			// and the database still takes loads
			const small = join(dir, 'after.csv');
			await writeComplaints(small, 10, 'AFTER');
			expect((await load(db, 'complaints', small)).status).toBe('committed');
			await checkInvariants(db);
		} finally {
			db.close();
		}
	});
});
