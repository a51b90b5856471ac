import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { queryRows } from '../../src/lib/server/core/db';
import { load, tempDir } from '../helpers/db';
import { writeComplaints } from '../helpers/generate';
import { checkIntegrity, openAfterCrash, prng, seedFromEnv, type BatchFact } from '../helpers/integrity';

/**
 * SIGKILL at random moments of a load, 20 trials on one database file: after each, the file opens, the
 * integrity check holds, the killed load's batch (if it had got as far as recording one) is 'aborted'
 * (process_ended), and the committed batches are exactly those that committed — all of a file or none.
 * Every third trial replaces the rows of an earlier file (an upsert of 30k existing keys).
 * The kill moment is drawn uniformly over the duration of an uncut load, measured first, so kills land
 * while reading, typing, inside the batch transaction and after the commit. CRASH_SEED=<n> repeats a run.
 */

const ROWS = 30_000;
const TRIALS = 20;
const WORKER_SOURCE = 'tests/helpers/load-worker.ts';
const SEED = seedFromEnv('CRASH_SEED');

let dir: string;
let cleanup: () => void;
let dbPath: string;
let workTmp: string;
/** the worker compiled to one file, as the command-line tools are at build: started by node without tsx */
let worker: string;
let workerDir: string;
beforeAll(async () => {
	({ dir, cleanup } = tempDir('sqa-crash-'));
	dbPath = join(dir, 'quality.duckdb');
	workTmp = join(dir, 'tmp');
	mkdirSync(workTmp);
	// under node_modules, where the worker's packages resolve from; each trial starts a worker, and transpiling it
	// with tsx at every start cost ~1.5 s of CPU more than the compiled file does
	mkdirSync(resolve('node_modules/.cache'), { recursive: true });
	workerDir = mkdtempSync(resolve('node_modules/.cache/sqa-crash-worker-'));
	worker = join(workerDir, 'load-worker.js');
	await build({
		entryPoints: [WORKER_SOURCE],
		outfile: worker,
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		packages: 'external',
		tsconfig: 'tsconfig.json',
		logLevel: 'warning'
	});
}, 60_000);
afterAll(() => {
	cleanup();
	if (workerDir) rmSync(workerDir, { recursive: true, force: true });
});

/** Where the worker was when it died: the last step it announced after "loading". */
type Phase = 'before loading' | 'reading and typing' | 'checking rows' | 'in transaction' | 'after commit';
// decoding (JS) and typing (DuckDB) overlap by design: one phase
const PHASE_OF: Record<string, Phase> = {
	loading: 'reading and typing',
	typed: 'checking rows',
	transaction: 'in transaction',
	committed: 'after commit'
};

interface WorkerRun {
	lines: string[];
	/** ms from "loading" to "done" (uncut runs) */
	durationMs: number;
	phase: Phase;
}

/**
 * Runs the worker (compiled, under node) in its own process group and SIGKILLs the whole group `killAfterMs`
 * after it printed "loading" (null: let it finish).
 */
function runWorker(file: string, killAfterMs: number | null): Promise<WorkerRun> {
	return new Promise((resolvePromise, reject) => {
		// TMPDIR inside the test directory: a killed load cannot remove its work files, the test does.
		const env = { ...process.env, TMPDIR: workTmp };
		const child = spawn(process.execPath, [worker, dbPath, 'complaints', file], {
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
			env
		});
		const lines: string[] = [];
		let stderr = '';
		let loadingAt = 0;
		let doneAt = 0;
		let phase: Phase = 'before loading';
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
				if (loadingAt === 0 && line !== 'loading') continue; // the migrations' own statements at open
				lines.push(line);
				if (line === 'loading') {
					loadingAt = Date.now();
					if (killAfterMs !== null) killTimer = setTimeout(kill, killAfterMs);
				}
				if (PHASE_OF[line]) phase = PHASE_OF[line]!;
				if (line.startsWith('done')) {
					doneAt = Date.now();
					phase = 'after commit';
				}
			}
		});
		child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(guard);
			if (killTimer) clearTimeout(killTimer);
			if (killAfterMs === null && code !== 0) reject(new Error(`worker failed (${code} ${signal}): ${stderr}`));
			else resolvePromise({ lines, durationMs: doneAt - loadingAt, phase });
		});
	});
}

async function countWhere(db: Awaited<ReturnType<typeof openAfterCrash>>, sql: string, params: unknown[]): Promise<number> {
	const [r] = await db.withConnection((c) => queryRows<{ n: number }>(c, sql, params));
	return r!.n;
}

describe('a load killed with SIGKILL leaves no partial batch', () => {
	it(`holds over ${TRIALS} kills at random moments, fresh files and replacing ones`, { timeout: 900_000 }, async () => {
		console.info(`crash test seed: ${SEED} (CRASH_SEED=${SEED} repeats it)`);
		const random = prng(SEED);

		// The uncut load: its duration spreads the kill moments; its rows are what replacing trials replace.
		const baseFile = join(dir, 'BASE.csv');
		await writeComplaints(baseFile, ROWS, 'BASE');
		const uncut = await runWorker(baseFile, null);
		expect(uncut.lines.at(-1)).toBe(`done committed ${ROWS}`);
		// a little past its end, so some kills come after the commit
		const spanMs = Math.max(uncut.durationMs, 500) * 1.3;
		console.info(`uncut load of ${ROWS} rows: ${uncut.durationMs} ms; kills drawn over 0–${Math.round(spanMs)} ms after "loading"`);

		let committed: string[] = ['BASE.csv'];
		let baseVersion = 'BASE';
		const tally = new Map<Phase, number>();
		const outcomes: string[] = [];
		for (let trial = 1; trial <= TRIALS; trial++) {
			const replacing = trial % 3 === 0;
			const name = replacing ? `BASE-v${trial}.csv` : `T${trial}.csv`;
			const file = join(dir, name);
			if (replacing) {
				// the same keys with a new summary: an upsert of every row of BASE.csv
				writeFileSync(file, readFileSync(baseFile, 'utf8').replaceAll('生成的投诉 ', `第${trial}版投诉 `));
			} else {
				await writeComplaints(file, ROWS, `T${trial}-`);
			}
			const delay = Math.round(random() * spanMs);
			const run = await runWorker(file, delay);
			rmSync(workTmp, { recursive: true, force: true });
			mkdirSync(workTmp);
			tally.set(run.phase, (tally.get(run.phase) ?? 0) + 1);

			const db = await openAfterCrash(dbPath);
			try {
				const batches = await checkIntegrity(db).catch(async (e: unknown) => {
					// what the file holds, to tell what went wrong
					const facts = await db.withConnection((c) =>
						queryRows(
							c,
							'SELECT b.batch_id, b.file_name, b.status, b.abort_reason, b.rows_loaded, (SELECT count(*) FROM complaints x WHERE x.batch_id = b.batch_id) AS live FROM batches b ORDER BY 1'
						)
					);
					console.error(`trial ${trial} (${name}, kill@${delay}ms, ${run.phase}, lines ${run.lines.join('|')}):`, facts);
					throw e;
				});
				const mine = batches.filter((b) => b.file_name === name);
				const didCommit = mine.some((b) => b.status === 'committed');
				outcomes.push(
					`#${trial} ${replacing ? 'replace' : 'fresh'} kill@${delay}ms ${run.phase} → ${mine.map((b) => b.status + (b.abort_reason ? `(${b.abort_reason})` : '')).join(',') || 'no batch'}`
				);
				// the killed load: committed whole, or aborted (if it had recorded its batch), never anything else
				expect(mine.length, `${name}: at most one batch`).toBeLessThanOrEqual(1);
				if (mine[0] && !didCommit) expect(mine[0]).toMatchObject({ status: 'aborted', abort_reason: 'process_ended', rows_loaded: 0 });
				if (run.phase === 'after commit') expect(didCommit, `${name}: committed before the kill`).toBe(true);
				if (run.phase === 'before loading' || run.phase === 'reading and typing' || run.phase === 'checking rows')
					expect(didCommit).toBe(false);
				if (didCommit) committed = [...committed, name];
				// exactly the committed batches, in order
				expect(batches.filter((b: BatchFact) => b.status === 'committed').map((b) => b.file_name)).toEqual(committed);
				// all or nothing per file
				if (replacing) {
					if (didCommit) baseVersion = `第${trial}版投诉`;
					expect(await countWhere(db, "SELECT count(*) AS n FROM complaints WHERE starts_with(complaint_id, 'BASE')", [])).toBe(ROWS);
					const current = baseVersion === 'BASE' ? '生成的投诉 ' : `${baseVersion} `;
					expect(
						await countWhere(
							db,
							"SELECT count(*) AS n FROM complaints WHERE starts_with(complaint_id, 'BASE') AND starts_with(summary, $1)",
							[current]
						),
						`BASE rows are all ${current}`
					).toBe(ROWS);
				} else {
					expect(await countWhere(db, 'SELECT count(*) AS n FROM complaints WHERE starts_with(complaint_id, $1)', [`T${trial}-`])).toBe(
						didCommit ? ROWS : 0
					);
				}
			} finally {
				db.close();
			}
		}
		console.info(`crash trials (seed ${SEED}):\n  ${outcomes.join('\n  ')}`);
		console.info(`kills by phase: ${[...tally].map(([p, n]) => `${p} ${n}`).join(', ')}`);

		// and the database still takes loads, a killed file included
		const db = await openAfterCrash(dbPath);
		try {
			const small = join(dir, 'after.csv');
			await writeComplaints(small, 10, 'AFTER');
			expect((await load(db, 'complaints', small)).status).toBe('committed');
			const notCommitted = (await checkIntegrity(db)).find((b) => b.status === 'aborted' && b.file_name.startsWith('T'));
			if (notCommitted) {
				const again = await load(db, 'complaints', join(dir, notCommitted.file_name));
				expect(again.status).toBe('committed');
				expect(again.rows_loaded).toBe(ROWS);
			}
			await checkIntegrity(db);
		} finally {
			db.close();
		}
	});
});
