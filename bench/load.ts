/**
 * npm run bench -- load [--complaints 1000000] [--responses 1000000] [--ingest-rows 1000000] [--users 50]
 *                       [--idle-s 45] [--after-s 20] [--think-ms 1000-3000] [--max-requests 200000] [--max-s 900] [--warmup-s 15] [--threadpool 24] [--port 0] [--from DB]
 *
 * Dashboard users under load while a big file is loaded. On generated data (kept in bench/tmp/) the
 * built server runs on 127.0.0.1 on a fresh copy of the database; accounts of every role and of single
 * stores are created and `--users` virtual users sign in, each with its own session, and cycle through
 * what the pages request — the page HTML, the `__data.json` of a filter change, drill-downs, the metric
 * API — with varied dates, stores, grains, breakdowns and comparisons (results are cached per data
 * version, so repeating one URL would measure the cache). Three phases:
 *   idle   — `--idle-s` seconds of users only;
 *   ingest — while `npm run ingest` loads a `--ingest-rows` complaint register (the CLI hands the file
 *            to the running server, as a centre loads files too big to upload);
 *   after  — `--after-s` seconds after the commit: the commit changed the data version, so every
 *            cached result is cold again.
 * Bounded by `--max-requests` and `--max-s`. Any non-2xx answer or network error is an error.
 * Reports throughput, p50/p95/p99 per phase and per endpoint, errors, the server's RSS, a /healthz probe
 * (the server's own queueing) and the machine's load average; writes bench/results/load-*.json.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnApp } from '../tests/helpers/server';
import { loadOptions } from './load/args';
import { freshDatabase, prepareData } from './load/data';
import { Measurements } from './load/measure';
import { countRoles, requestMix, runUser, signInUsers } from './load/mix';
import { report } from './load/report';

const o = loadOptions(process.argv.slice(2));
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- data: the base set (loaded once, copied per run) and the file to ingest ----------
const data = await prepareData(o, log);

// ---------- a fresh database and the server ----------
const { runDir, dbPath, meta } = await freshDatabase(data);
if (!existsSync('build/index.js')) throw new Error('build/index.js is missing: npm run build first');
const app = await spawnApp(
	dbPath,
	o.port || (await freePort()),
	{ UV_THREADPOOL_SIZE: o.threadpool, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
	{ logFile: join(runDir, 'server.log'), startTimeoutMs: 120_000 }
);
const pid = app.child.pid!;
log(`server on ${app.base} (pid ${pid}), database ${dbPath}`);

// ---------- virtual users ----------
const vus = await signInUsers(app.asServer, meta, o.users);
log(
	`${vus.length} users signed in: ${Object.entries(countRoles(vus))
		.map(([r, n]) => `${n} ${r}`)
		.join(', ')}`
);

// ---------- running ----------
const m = new Measurements(app.base, pid, o);
m.start();
const mix = requestMix(meta);
log(
	`warm-up: ${o.warmupS} s (not counted), idle: ${o.idleS} s, then loading ${o.ingestRows.toLocaleString()} complaints, then ${o.afterS} s after the commit; think time ${o.thinkMs[0]}-${o.thinkMs[1]} ms`
);
// the first seconds fill the caches of the pages' fixed queries (store lists, last days): not counted
m.enter('warmup');
const users = Promise.all(
	vus.map((vu) => runUser(vu, mix, { issue: m.issue, thinkMs: o.thinkMs, stopping: () => m.stopping, overBudget: m.overBudget }))
);
await sleep(o.warmupS * 1000);
m.enter('idle');
await sleep(o.idleS * 1000);
m.enter('ingest');
log('ingest: npm run ingest -- complaints … (handed to the server)');
const ingestRun = await new Promise<{ code: number | null; out: string }>((ok) => {
	const cli = spawn(
		process.execPath,
		['cli/start.js', 'ingest', 'complaints', data.ingestFile, '--db', dbPath, '--json', '--as', 'load-bench'],
		{
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	let out = '';
	cli.stdout!.on('data', (d) => (out += d));
	cli.once('exit', (code) => ok({ code, out }));
});
m.enter('after');
const summary = JSON.parse(ingestRun.out || '{}') as { status?: string; rows_loaded?: number; batch_id?: number };
log(
	`ingest done: exit ${ingestRun.code}, ${summary.status}, ${summary.rows_loaded?.toLocaleString()} rows in ${((m.phaseTimes.ingest.end - m.phaseTimes.ingest.start) / 1000).toFixed(1)} s`
);
await sleep(o.afterS * 1000);
m.finish();
await users;
const peakRssMb = await m.close();
app.child.kill('SIGTERM');
await app.exited;

// ---------- report ----------
report(o, m, { meta, roles: countRoles(vus), ingest: { code: ingestRun.code, summary }, peakRssMb });
process.exit(0);
