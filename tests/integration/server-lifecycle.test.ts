import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { migratedFile, tempDir } from '../helpers/db';
import { writeComplaints } from '../helpers/generate';
import { checkIntegrity, openAfterCrash, prng, seedFromEnv } from '../helpers/integrity';
import { serverBatches, spawnApp, uploadFile, type AppProcess } from '../helpers/app-process';
import { login } from '../helpers/server';
import { toolCommand } from '../helpers/cli';

/**
 * The built server as a real process on a real DuckDB file: killed during uploads and started again,
 * several loads at once (uploads and a CLI load handed over to it) with readers asking meanwhile, and
 * stopped with SIGTERM during a load; the CLI stopped with Ctrl+C during a load. Ports 4521–4524.
 */

/** rows of a file a signal must reach while it loads (the SIGTERM and Ctrl+C tests): long enough to be caught mid-load */
const ROWS = 120_000;
/**
 * rows of the files killed at random moments and of the concurrent loads: any length spreads the kills over the
 * phases (they fall at a random part of an uncut upload's time), and a third of ROWS keeps the readers' rounds
 * many during the loads while the test takes a third of the time
 */
const SMALL = 40_000;
const SEED = seedFromEnv('SERVER_CRASH_SEED');
const QC = demoAccount('quality_officer');
const LEADER = demoAccount('leadership');
const root = process.cwd();

let dir: string;
let cleanup: () => void;
let work: string;
beforeAll(() => {
	({ dir, cleanup } = tempDir('sqa-lifecycle-'));
	work = join(dir, 'tmp');
	mkdirSync(work);
});
afterAll(() => cleanup());

/** A fresh database file with the demo accounts. */
async function freshDatabase(name: string): Promise<string> {
	const path = join(dir, name, 'q.duckdb');
	mkdirSync(join(dir, name));
	await migratedFile(path);
	const db = await Database.open(path);
	try {
		await ensureDemoUsers(db);
	} finally {
		db.close();
	}
	return path;
}

async function complaintsFile(name: string, rows: number, prefix: string): Promise<Buffer> {
	const path = join(dir, name);
	await writeComplaints(path, rows, prefix);
	return readFileSync(path);
}

/** SIGTERM, and how the process ended. */
async function terminate(app: AppProcess) {
	app.child.kill('SIGTERM');
	return app.exited;
}

async function prefixRows(db: Database, prefix: string): Promise<number> {
	const [r] = await db.withConnection((c) =>
		queryRows<{ n: number }>(c, 'SELECT count(*) AS n FROM complaints WHERE starts_with(complaint_id, $1)', [prefix])
	);
	return r!.n;
}

/** The WAL is empty or gone: the server checkpointed before it closed the file. */
function walIsEmpty(dbPath: string): boolean {
	return !existsSync(`${dbPath}.wal`) || statSync(`${dbPath}.wal`).size === 0;
}

describe('a server killed during an upload', () => {
	it(
		'starts again on the same file with exactly the committed batches; the file can then be uploaded again',
		{ timeout: 600_000 },
		async () => {
			console.info(`server crash seed: ${SEED} (SERVER_CRASH_SEED=${SEED} repeats it)`);
			const random = prng(SEED);
			const dbPath = await freshDatabase('killed');
			const env = { TMPDIR: work };
			let app = await spawnApp(dbPath, 4521, env);
			let cookie = await login(app.asServer, QC.username, QC.password);

			// an uncut upload: how long one takes spreads the kill moments
			const t0 = Date.now();
			const first = await uploadFile(app, cookie, 'complaints', await complaintsFile('U0.csv', SMALL, 'U0-'), 'U0.csv');
			const uncutMs = Date.now() - t0;
			expect(first.status).toBe(200);
			let committed = ['U0.csv'];
			const outcomes: string[] = [];
			for (let trial = 1; trial <= 3; trial++) {
				const name = `U${trial}.csv`;
				const bytes = await complaintsFile(name, SMALL, `U${trial}-`);
				const delay = Math.round(random() * uncutMs * 1.2);
				const answer = uploadFile(app, cookie, 'complaints', bytes, name).then(
					(r) => r.status,
					() => 'connection lost'
				);
				await sleep(delay);
				app.child.kill('SIGKILL');
				await app.exited;
				const answered = await answer;

				app = await spawnApp(dbPath, 4521, env);
				expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
				cookie = await login(app.asServer, QC.username, QC.password);
				const mine = (await serverBatches(app, dbPath)).filter((b) => b.file_name === name);
				const didCommit = mine.some((b) => b.status === 'committed');
				if (answered === 200) expect(didCommit, 'an upload answered 200 committed').toBe(true);
				if (!didCommit) expect(mine.every((b) => b.status === 'aborted' && b.abort_reason === 'process_ended')).toBe(true);
				if (didCommit) committed = [...committed, name];
				// the same file again: a duplicate if it had committed, else it loads now
				const again = await uploadFile(app, cookie, 'complaints', bytes, name);
				const summary = (await again.json()) as { status: string; rows_loaded: number };
				expect(summary.status).toBe(didCommit ? 'duplicate' : 'committed');
				if (!didCommit) {
					expect(summary.rows_loaded).toBe(SMALL);
					committed = [...committed, name];
				}
				outcomes.push(
					`#${trial} kill@${delay}ms (uncut ${uncutMs} ms) answer ${answered} → ${mine.map((b) => `${b.status}${b.abort_reason ? `(${b.abort_reason})` : ''}`).join(',') || 'no batch'}, again ${summary.status}`
				);
			}
			console.info(`server kills:\n  ${outcomes.join('\n  ')}`);
			const stopped = await terminate(app);
			expect(stopped).toEqual({ code: 0, signal: null });
			expect(walIsEmpty(dbPath)).toBe(true);

			const db = await openAfterCrash(dbPath);
			try {
				const batches = await checkIntegrity(db);
				expect(batches.filter((b) => b.status === 'committed').map((b) => b.file_name)).toEqual(committed);
				for (let trial = 0; trial <= 3; trial++) expect(await prefixRows(db, `U${trial}-`)).toBe(SMALL);
			} finally {
				db.close();
			}
		}
	);
});

/** `npm run ingest` as a process without npm, so a signal reaches the CLI itself. */
function cliLoad(dbPath: string, file: string, env: Record<string, string> = {}) {
	const child = spawn(...toolCommand('ingest', ['complaints', file, '--db', dbPath]), {
		cwd: root,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
	child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
	const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
		child.on('close', (code) => res({ code, stdout, stderr }))
	);
	return { child, done };
}

describe('loads at the same moment, and readers meanwhile', () => {
	it('a CLI load and two uploads are serialised, each whole; dashboard reads answer during the loads', { timeout: 600_000 }, async () => {
		const dbPath = await freshDatabase('concurrent');
		const app = await spawnApp(dbPath, 4522);
		try {
			const qc = await login(app.asServer, QC.username, QC.password);
			const leader = await login(app.asServer, LEADER.username, LEADER.password);
			const base = await uploadFile(app, qc, 'complaints', await complaintsFile('C0.csv', 1000, 'C0-'), 'C0.csv');
			expect(base.status).toBe(200);
			const countPath = '/api/metrics/complaint_count?from=2025-01-01&to=2025-03-31&grain=all&format=json';
			const readCount = async () => {
				const res = await fetch(`${app.base}${countPath}`, { headers: { cookie: leader, accept: 'application/json' } });
				expect(res.status).toBe(200);
				const body = (await res.json()) as { rows: { value: number }[] };
				return body.rows.reduce((a, r) => a + Number(r.value), 0);
			};
			expect(await readCount()).toBe(1000);

			const files = { A: await complaintsFile('CA.csv', SMALL, 'CA-'), B: await complaintsFile('CB.csv', SMALL, 'CB-') };
			await complaintsFile('CC.csv', SMALL, 'CC-');
			const finishedAt: number[] = [];
			const stamp = <T>(p: Promise<T>) => p.then((v) => (finishedAt.push(Date.now()), v));
			const summary = async (r: Response) => ({ status: r.status, body: (await r.json()) as { status: string; rows_loaded: number } });
			const allDone = Promise.all([
				stamp(uploadFile(app, qc, 'complaints', files.A, 'CA.csv').then(summary)),
				stamp(uploadFile(app, qc, 'complaints', files.B, 'CB.csv').then(summary)),
				stamp(cliLoad(dbPath, join(dir, 'CC.csv')).done)
			]);
			let settled = false;
			void allDone.finally(() => (settled = true));

			// readers while the loads run: every answer correct (a committed state), none an error
			const possible = new Set([1000, 1000 + SMALL, 1000 + 2 * SMALL, 1000 + 3 * SMALL]);
			const reads: { at: number; what: string; ok: boolean }[] = [];
			while (!settled) {
				const [count, health, page] = await Promise.all([
					readCount(),
					fetch(`${app.base}/healthz`).then((r) => r.status),
					fetch(`${app.base}/batches`, { headers: { cookie: qc } }).then((r) => r.status)
				]);
				const at = Date.now();
				reads.push(
					{ at, what: `count ${count}`, ok: possible.has(count) },
					{ at, what: `healthz ${health}`, ok: health === 200 },
					{ at, what: `batches page ${page}`, ok: page === 200 }
				);
			}
			const [a, b, c] = await allDone;
			expect(a).toMatchObject({ status: 200, body: { status: 'committed', rows_loaded: SMALL } });
			expect(b).toMatchObject({ status: 200, body: { status: 'committed', rows_loaded: SMALL } });
			expect(c.code, c.stderr).toBe(0);
			expect(
				reads.filter((r) => !r.ok),
				'reads that failed or saw a half-loaded batch'
			).toEqual([]);
			// not blocked for the whole of the loads: answers came before the last load was done
			const lastDone = Math.max(...finishedAt);
			const during = reads.filter((r) => r.at < lastDone);
			console.info(
				`reads during the loads: ${during.length / 3} rounds (${reads.length / 3} in all); counts seen: ${[...new Set(reads.filter((r) => r.what.startsWith('count')).map((r) => r.what))].join(', ')}`
			);
			expect(during.length).toBeGreaterThan(0);
			expect(await readCount()).toBe(1000 + 3 * SMALL);

			// one order: batch ids in the order the loads finished, each batch whole
			const batches = (await serverBatches(app, dbPath)).filter((x) => x.file_name !== 'C0.csv').sort((x, y) => x.batch_id - y.batch_id);
			expect(batches.map((x) => x.status)).toEqual(['committed', 'committed', 'committed']);
			expect(batches.map((x) => x.rows_loaded)).toEqual([SMALL, SMALL, SMALL]);
			const byFinish = [...batches].sort((x, y) => x.finished_at.localeCompare(y.finished_at) || x.batch_id - y.batch_id);
			expect(byFinish.map((x) => x.batch_id)).toEqual(batches.map((x) => x.batch_id));
		} finally {
			app.child.kill('SIGTERM');
			expect(await app.exited).toEqual({ code: 0, signal: null });
		}
		const db = await openAfterCrash(dbPath);
		try {
			await checkIntegrity(db);
			for (const p of ['CA-', 'CB-', 'CC-']) expect(await prefixRows(db, p)).toBe(SMALL);
		} finally {
			db.close();
		}
	});
});

describe('SIGTERM', () => {
	it(
		'server: a load within the grace period commits and is answered; one past it is rolled back, answered 503 and recorded aborted; exit 0, no WAL left',
		{ timeout: 600_000 },
		async () => {
			// within the grace period (the default 20 s): the load finishes, the uploader gets its summary
			const dbPath = await freshDatabase('sigterm');
			let app = await spawnApp(dbPath, 4523);
			let cookie = await login(app.asServer, QC.username, QC.password);
			const finishing = uploadFile(app, cookie, 'complaints', await complaintsFile('S1.csv', ROWS, 'S1-'), 'S1.csv');
			await untilRunning(app, dbPath, 'S1.csv');
			const exitedFirst = terminate(app);
			const answer = await finishing;
			expect(answer.status).toBe(200);
			expect(await answer.json()).toMatchObject({ status: 'committed', rows_loaded: ROWS });
			expect(await exitedFirst).toEqual({ code: 0, signal: null });
			expect(walIsEmpty(dbPath)).toBe(true);

			// no grace: the running load is stopped at once, rolled back and recorded as stopped by the shutdown
			app = await spawnApp(dbPath, 4523, { SHUTDOWN_LOAD_GRACE: '0' });
			cookie = await login(app.asServer, QC.username, QC.password);
			const stopped = uploadFile(app, cookie, 'complaints', await complaintsFile('S2.csv', ROWS, 'S2-'), 'S2.csv');
			await untilRunning(app, dbPath, 'S2.csv');
			const exitedSecond = terminate(app);
			const refused = await stopped;
			expect(refused.status).toBe(503);
			const body = (await refused.json()) as { status: string; abort_reason: string; message: string; batch_id: number };
			expect(body).toMatchObject({ status: 'aborted', abort_reason: 'shutdown' });
			expect(body.message).toContain('服务器正在关闭');
			expect(await exitedSecond).toEqual({ code: 0, signal: null });
			expect(walIsEmpty(dbPath)).toBe(true);

			const db = await Database.open(dbPath);
			try {
				const batches = await checkIntegrity(db);
				expect(batches.find((b) => b.file_name === 'S1.csv')).toMatchObject({ status: 'committed', rows_loaded: ROWS });
				expect(batches.find((b) => b.file_name === 'S2.csv')).toMatchObject({
					batch_id: body.batch_id,
					status: 'aborted',
					abort_reason: 'shutdown',
					rows_loaded: 0
				});
				expect(await prefixRows(db, 'S1-')).toBe(ROWS);
				expect(await prefixRows(db, 'S2-')).toBe(0);
			} finally {
				db.close();
			}
		}
	);

	it(
		'CLI: Ctrl+C or SIGTERM during a load rolls it back, records it aborted and exits 3 with a message',
		{ timeout: 600_000 },
		async () => {
			const dbPath = await freshDatabase('cli-signal');
			for (const signal of ['SIGINT', 'SIGTERM'] as const) {
				const name = `${signal}.csv`;
				await complaintsFile(name, 2 * ROWS, `${signal}-`);
				const tmp = join(work, signal);
				mkdirSync(tmp);
				const run = cliLoad(dbPath, join(dir, name), { TMPDIR: tmp });
				// the load has begun once its work directory exists; a moment later it holds the write lock
				while (!readdirSync(tmp).some((f) => f.startsWith('sqa-ingest-'))) await sleep(20);
				await sleep(500);
				run.child.kill(signal);
				const out = await run.done;
				expect(out.code, out.stdout + out.stderr).toBe(3);
				expect(out.stderr).toContain('导入已中止并回滚，未写入任何数据');
				const db = await Database.open(dbPath);
				try {
					const batches = await checkIntegrity(db);
					expect(batches.find((b) => b.file_name === name)).toMatchObject({
						status: 'aborted',
						abort_reason: 'interrupted',
						rows_loaded: 0
					});
					expect(await prefixRows(db, `${signal}-`)).toBe(0);
				} finally {
					db.close();
				}
			}
		}
	);
});

/** Waits until the server has the load of `fileName` under way (its batch is 'running'). */
async function untilRunning(app: AppProcess, dbPath: string, fileName: string): Promise<void> {
	for (let i = 0; i < 600; i++) {
		if ((await serverBatches(app, dbPath)).some((b) => b.file_name === fileName && b.status === 'running')) return;
		await sleep(50);
	}
	throw new Error(`the load of ${fileName} never started`);
}
