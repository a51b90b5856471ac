/**
 * npm run bench -- memory --db PATH [--users 20,50] [--seconds 90] [--warmup-s 10] [--port 4610] [--env NAME=VALUE …] [--tag T]
 *
 * The server's memory under many users on a loaded database: for each `--users` count, the built server
 * starts afresh on 127.0.0.1 on the database at PATH (the demo accounts are added to it when missing) with
 * the result cache off, and that many clients, each signed in with a session of its own, request the six
 * pages' data (`__data.json`, what a filter change fetches) one after the other without pause for
 * `--seconds`, every request over a range no one asked before (bench/views.ts `pageViews`), so every page
 * load runs its queries. Every 200 ms the server's VmRSS is read from /proc; its VmHWM (the kernel's peak)
 * at the end. Page times before `--warmup-s` are not counted (the memory is). `--env` sets the server's
 * environment (as `npm start` would: UV_THREADPOOL_SIZE=24 and MALLOC_ARENA_MAX=2 unless given; MALLOC_ARENA_MAX=0 is glibc's default), to compare settings side by side.
 * Reports the peak RSS, page p50/p95/max per page and over all, requests per second, errors and the load
 * average; writes bench/results/memory-<tag>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Database, queryRows } from '../src/lib/server/core/db';
import { ensureDemoUsers } from '../src/lib/server/core/auth/demo';
import { DEMO_ACCOUNTS } from '../src/lib/server/core/auth/demo-accounts';
import { login, spawnApp } from '../tests/helpers/server';
import { rssMbOf } from './load/measure';
import { pageViews, PAGES } from './views';

const { values } = parseArgs({
	args: process.argv.slice(2).filter((a) => a !== 'memory'),
	options: {
		db: { type: 'string' },
		users: { type: 'string', default: '20,50' },
		seconds: { type: 'string', default: '90' },
		'warmup-s': { type: 'string', default: '10' },
		port: { type: 'string', default: '4610' },
		env: { type: 'string', multiple: true, default: [] },
		tag: { type: 'string', default: 'default' }
	}
});
if (!values.db) throw new Error('usage: npm run bench -- memory --db PATH [--users 20,50] [--seconds 90] [--env NAME=VALUE …] [--tag T]');
const dbPath = resolve(values.db);
const userCounts = values.users.split(',').map(Number);
const seconds = Math.min(120, Number(values.seconds));
const warmupS = Number(values['warmup-s']);
const env: Record<string, string> = { UV_THREADPOOL_SIZE: '24', MALLOC_ARENA_MAX: '2', METRIC_CACHE: 'off', LOG_LEVEL: 'warn' };
for (const kv of values.env) {
	const at = kv.indexOf('=');
	if (at < 1) throw new Error(`--env ${kv}: expected NAME=VALUE`);
	env[kv.slice(0, at)] = kv.slice(at + 1);
}
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
	if (!xs.length) return null;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

// ---------- the database: demo accounts, the last day of data ----------
const last = await (async () => {
	const db = await Database.open(dbPath);
	try {
		await ensureDemoUsers(db);
		const [row] = await db.withConnection((c) =>
			queryRows<{ last: string }>(c, `SELECT strftime(max(received_at)::DATE, '%Y-%m-%d') AS last FROM complaints`)
		);
		return row!.last;
	} finally {
		await db.checkpointAndClose();
	}
})();

// every page open to them (a viewer may not see 服务过程)
const ACCOUNTS = DEMO_ACCOUNTS.filter((a) => a.role !== 'viewer');

interface Run {
	users: number;
	/** after start and sign-in, before the users begin */
	startRssMb: number;
	peakRssMb: number;
	maxSampledRssMb: number;
	requests: number;
	perSecond: number;
	errors: number;
	firstErrors: string[];
	pages: { page: string; n: number; p50: number | null; p95: number | null; max: number | null }[];
	all: { p50: number | null; p95: number | null; max: number | null };
	loadAverage: { start: number; end: number };
}

async function run(users: number): Promise<Run> {
	mkdirSync('bench/tmp', { recursive: true });
	const app = await spawnApp(dbPath, Number(values.port), env, {
		logFile: join('bench/tmp', `memory-server-${values.tag}-${users}.log`),
		startTimeoutMs: 120_000
	});
	const pid = app.child.pid!;
	try {
		const cookies: string[] = [];
		for (let i = 0; i < users; i++) {
			const a = ACCOUNTS[i % ACCOUNTS.length]!;
			cookies.push(await login(app.asServer, a.username, a.password));
		}
		const startRssMb = rssMbOf(pid, 'VmRSS');
		log(`${users} users on ${app.base} (pid ${pid}, ${startRssMb.toFixed(0)} MB), ${seconds} s`);
		// enough fresh ranges that no view repeats within the run
		const views = pageViews(last, 400);
		let next = 0;
		const samples: { page: string; ms: number; at: number }[] = [];
		const errors: string[] = [];
		let maxSampled = 0;
		const sampler = setInterval(() => (maxSampled = Math.max(maxSampled, rssMbOf(pid, 'VmRSS'))), 200);
		const load0 = loadavg()[0]!;
		const t0 = performance.now();
		const until = t0 + seconds * 1000;
		await Promise.all(
			cookies.map(async (cookie) => {
				while (performance.now() < until) {
					const v = views[next++ % views.length]!;
					const start = performance.now();
					try {
						const res = await fetch(`${app.base}${v.path}`, { headers: { cookie }, signal: AbortSignal.timeout(120_000) });
						await res.arrayBuffer();
						if (!res.ok) errors.push(`${v.path} → ${res.status}`);
						else samples.push({ page: v.group, ms: performance.now() - start, at: (start - t0) / 1000 });
					} catch (e) {
						errors.push(`${v.path} → ${e instanceof Error ? e.message : String(e)}`);
					}
				}
			})
		);
		const elapsed = (performance.now() - t0) / 1000;
		clearInterval(sampler);
		const load1 = loadavg()[0]!;
		const peak = rssMbOf(pid, 'VmHWM');
		const counted = samples.filter((s) => s.at >= warmupS);
		const summary = (ms: number[]) => ({ p50: pct(ms, 50), p95: pct(ms, 95), max: ms.length ? Math.max(...ms) : null });
		return {
			users,
			startRssMb,
			peakRssMb: peak,
			maxSampledRssMb: maxSampled,
			requests: samples.length,
			perSecond: samples.length / elapsed,
			errors: errors.length,
			firstErrors: errors.slice(0, 5),
			pages: PAGES.map((page) => {
				const ms = counted.filter((s) => s.page === page).map((s) => s.ms);
				return { page, n: ms.length, ...summary(ms) };
			}),
			all: summary(counted.map((s) => s.ms)),
			loadAverage: { start: load0, end: load1 }
		};
	} finally {
		app.child.kill('SIGTERM');
		await app.exited;
	}
}

const runs: Run[] = [];
for (const n of userCounts) {
	runs.push(await run(n));
	await sleep(2000);
}

const f = (n: number | null) => (n === null ? '–' : n.toFixed(0));
const shown = Object.entries(env)
	.map(([k, v]) => `${k}=${v}`)
	.join(' ');
console.log(`\nserver memory, ${values.tag} (${shown}), ${seconds} s per run, database ${dbPath}`);
console.log('| users | RSS at start MB | peak RSS MB | req/s | page p50 ms | page p95 ms | page max ms | errors | load avg |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of runs)
	console.log(
		`| ${r.users} | ${f(r.startRssMb)} | ${f(r.peakRssMb)} | ${r.perSecond.toFixed(1)} | ${f(r.all.p50)} | ${f(r.all.p95)} | ${f(r.all.max)} | ${r.errors} | ${r.loadAverage.start.toFixed(1)} → ${r.loadAverage.end.toFixed(1)} |`
	);
for (const r of runs) {
	console.log(`\n${r.users} users, per page (ms): ${r.pages.map((p) => `${p.page} ${f(p.p50)}/${f(p.p95)} (n ${p.n})`).join(', ')}`);
	for (const e of r.firstErrors) console.log(`  error: ${e}`);
}
mkdirSync('bench/results', { recursive: true });
const out = `bench/results/memory-${values.tag}.json`;
writeFileSync(
	out,
	`${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, memGb: Math.round(totalmem() / 2 ** 30) }, database: dbPath, env, seconds, warmupS, runs }, null, 2)}\n`
);
console.log(`written ${out}`);
process.exit(0);
