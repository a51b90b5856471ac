/**
 * npm run bench -- load [--complaints 1000000] [--responses 1000000] [--ingest-rows 1000000] [--users 50]
 *                       [--idle-s 45] [--after-s 20] [--think-ms 1000-3000] [--max-requests 200000] [--max-s 900] [--warmup-s 15] [--threadpool 24] [--port 0]
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
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../tests/helpers/server';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FILES, generate } from '../pipelines/generate';
import { ingest } from '../pipelines/engine';
import type { KindId } from '../src/lib/shared/schema';
import { category, channel } from '../src/lib/shared/schema/vocabularies';
import { Database, queryRows } from '../src/lib/server/core/db';
import { ensureDemoUsers } from '../src/lib/server/core/auth/demo';
import { DEMO_ACCOUNTS } from '../src/lib/server/core/auth/demo-accounts';
import { hashPassword } from '../src/lib/server/core/auth/password';
import { createUser } from '../src/lib/server/core/auth/users';
import { metricById } from '../src/lib/server/metrics/catalog';
import type { Role } from '../src/lib/shared/auth/roles';

const { values } = parseArgs({
	args: process.argv.slice(2).filter((a) => a !== 'load'),
	options: {
		complaints: { type: 'string', default: '1000000' },
		responses: { type: 'string', default: '1000000' },
		'ingest-rows': { type: 'string', default: '1000000' },
		users: { type: 'string', default: '50' },
		'idle-s': { type: 'string', default: '45' },
		'after-s': { type: 'string', default: '20' },
		'think-ms': { type: 'string', default: '1000-3000' },
		'max-requests': { type: 'string', default: '200000' },
		'max-s': { type: 'string', default: '900' },
		port: { type: 'string', default: '0' },
		'warmup-s': { type: 'string', default: '15' },
		threadpool: { type: 'string', default: '24' },
		tag: { type: 'string', default: '' }
	}
});
const complaints = Number(values.complaints);
const responses = Number(values.responses);
const ingestRows = Number(values['ingest-rows']);
const USERS = Number(values.users);
const IDLE_S = Number(values['idle-s']);
const WARMUP_S = Number(values['warmup-s']);
/** UV_THREADPOOL_SIZE of the server, as `npm start` sets it; `--threadpool 4` is Node's default */
const THREADPOOL = values.threadpool!;
const AFTER_S = Number(values['after-s']);
const [THINK_MIN, THINK_MAX] = values['think-ms']!.split('-').map(Number) as [number, number];
const MAX_REQUESTS = Number(values['max-requests']);
const MAX_S = Number(values['max-s']);
const log = (s: string) => process.stderr.write(`${s}\n`);

// ---------- data: the base set (loaded once, copied per run) and the file to ingest ----------
const baseDir = resolve('bench/tmp', `load-${complaints}-${responses}`);
const template = join(baseDir, 'template.duckdb');
const ingestDir = resolve('bench/tmp', `load-ingest-${ingestRows}`);
mkdirSync(baseDir, { recursive: true });
mkdirSync('bench/results', { recursive: true });

if (!existsSync(join(baseDir, 'loaded'))) {
	if (!existsSync(join(baseDir, 'truth.json'))) {
		log(`generating ${complaints.toLocaleString()} complaints, ${responses.toLocaleString()} survey responses …`);
		await generate({ outDir: baseDir, scale: complaints, seed: 1, surveys: responses, log });
	}
	rmSync(template, { force: true });
	const db = await Database.open(template);
	for (const kind of ['staff', 'traffic', 'complaints', 'surveys', 'appraisals'] as KindId[]) {
		const t0 = performance.now();
		const s = await ingest(db, { kind, filePath: join(baseDir, FILES[kind]), source: 'cli', createdBy: 'bench' });
		log(`loaded ${kind}: ${s.rows_loaded.toLocaleString()} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (${s.status})`);
	}
	await ensureDemoUsers(db);
	// a manager and a viewer for every store, besides the demo accounts (one per role)
	const stores = (await db.withConnection((c) => queryRows<{ store: string }>(c, 'SELECT DISTINCT store FROM traffic ORDER BY 1'))).map(
		(r) => r.store
	);
	const hash = await hashPassword(LOAD_PASSWORD());
	await db.withConnection(async (conn) => {
		for (const [i, store] of stores.entries()) {
			for (const role of ['manager', 'viewer'] as const) {
				const r = await createUser(
					conn,
					{
						username: `${role}${i}`,
						displayName: `${role === 'manager' ? '经理' : '查看'}${i}`,
						role,
						stores: [store],
						pii: false,
						passwordHash: hash
					},
					{ name: 'bench' }
				);
				if (!r.ok) throw new Error(`user ${role}${i}: ${r.error}`);
			}
		}
	});
	db.close();
	writeFileSync(join(baseDir, 'loaded'), new Date().toISOString());
}
function LOAD_PASSWORD() {
	return 'load-bench-2025';
}
const truth = JSON.parse(readFileSync(join(baseDir, 'truth.json'), 'utf8')) as { period: { from: string; to: string } };
const baseTo = truth.period.to;
// The register to load: another year of the chain (the day after the base data ends), so it adds rows.
if (!existsSync(join(ingestDir, FILES.complaints))) {
	const next = new Date(Date.parse(`${baseTo}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
	log(`generating the ${ingestRows.toLocaleString()}-row complaint register to load (from ${next}) …`);
	await generate({ outDir: ingestDir, scale: ingestRows, seed: 2, surveys: 1000, from: next, days: 365, log });
}

// ---------- a fresh database and the server ----------
const runDir = join(baseDir, 'run');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const dbPath = join(runDir, 'load.duckdb');
copyFileSync(template, dbPath);
if (existsSync(`${template}.keys.json`)) copyFileSync(`${template}.keys.json`, `${dbPath}.keys.json`);
const meta = await (async () => {
	const db = await Database.open(dbPath);
	try {
		return await db.withConnection(async (c) => {
			const stores = (await queryRows<{ store: string }>(c, 'SELECT DISTINCT store FROM traffic ORDER BY 1')).map((r) => r.store);
			const [span] = await queryRows<{ first: string; last: string }>(
				c,
				`SELECT strftime(min(received_at)::DATE, '%Y-%m-%d') AS first, strftime(max(received_at)::DATE, '%Y-%m-%d') AS last FROM complaints`
			);
			const users = await queryRows<{ username: string; role: Role; stores: string[] | null }>(
				c,
				'SELECT username, role, stores FROM users ORDER BY user_id'
			);
			return { stores, first: span!.first, last: span!.last, users };
		});
	} finally {
		db.close();
	}
})();

if (!existsSync('build/index.js')) throw new Error('build/index.js is missing: npm run build first');
const port = Number(values.port) || (await freePort());
const base = `http://127.0.0.1:${port}`;
const serverLog = createWriteStream(join(runDir, 'server.log'));
const server: ChildProcess = spawn(process.execPath, ['build/index.js'], {
	env: {
		...process.env,
		DATABASE_PATH: dbPath,
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: base,
		BODY_SIZE_LIMIT: '50M',
		KEEP_ALIVE_TIMEOUT: '65',
		UV_THREADPOOL_SIZE: THREADPOOL,
		LOG_LEVEL: process.env.LOG_LEVEL ?? 'info'
	},
	stdio: ['ignore', 'pipe', 'pipe']
});
server.stdout!.pipe(serverLog);
server.stderr!.pipe(serverLog);
process.once('exit', () => server.kill('SIGKILL'));
for (let i = 0; ; i++) {
	if (server.exitCode !== null) throw new Error('server exited at start: see server.log');
	if (
		(await fetch(`${base}/healthz`).then(
			(r) => r.ok,
			() => false
		)) &&
		existsSync(`${dbPath}.server.json`)
	)
		break;
	if (i > 1200) throw new Error('server did not start');
	await new Promise((r) => setTimeout(r, 100));
}
log(`server on ${base} (pid ${server.pid}), database ${dbPath}`);

// ---------- virtual users ----------
const password = (username: string) => DEMO_ACCOUNTS.find((a) => a.username === username)?.password ?? LOAD_PASSWORD();
async function signIn(username: string): Promise<string> {
	const res = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
		body: new URLSearchParams({ username, password: password(username) })
	});
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0]!)
		.find((c) => c.startsWith('sqa_session=') && c !== 'sqa_session=');
	if (!cookie) throw new Error(`sign-in of ${username} failed: ${res.status}`);
	return cookie;
}
// a mix like a chain's: store managers and viewers of single stores, quality officers, leadership, an admin
const MIX: Role[] = [
	'manager',
	'manager',
	'viewer',
	'quality_officer',
	'manager',
	'leadership',
	'viewer',
	'manager',
	'quality_officer',
	'admin'
];
interface Vu {
	id: number;
	username: string;
	role: Role;
	stores: string[] | null;
	cookie: string;
}
const byRole = (role: Role) => meta.users.filter((u) => u.role === role);
const countRoles = (xs: Vu[]) => xs.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.role]: (acc[v.role] ?? 0) + 1 }), {});
const vus: Vu[] = [];
for (let i = 0; i < USERS; i++) {
	const role = MIX[i % MIX.length]!;
	const pool = byRole(role);
	const u = pool[Math.floor(i / MIX.length) % pool.length]!;
	vus.push({ id: i, username: u.username, role, stores: u.stores, cookie: await signIn(u.username) });
}
log(
	`${vus.length} users signed in: ${Object.entries(countRoles(vus))
		.map(([r, n]) => `${n} ${r}`)
		.join(', ')}`
);

// ---------- what a user's browser asks for ----------
let seed = 12345;
const rand = () => {
	// xorshift: the same sequence of requests every run
	seed ^= seed << 13;
	seed ^= seed >>> 17;
	seed ^= seed << 5;
	return (seed >>> 0) / 4_294_967_296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (iso: string, n: number) => day(new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000));
const monthEnd = (y: number, m: number) => day(new Date(Date.UTC(y, m + 1, 0)));
/** The ranges people choose: a month, a quarter, a year, the last 12 months, or some weeks. */
function range(): { from: string; to: string } {
	const first = Date.parse(`${meta.first}T00:00:00Z`);
	const last = Date.parse(`${meta.last}T00:00:00Z`);
	const at = new Date(first + rand() * (last - first));
	const y = at.getUTCFullYear();
	const m = at.getUTCMonth();
	switch (pick(['month', 'month', 'quarter', 'year', 'last12', 'weeks'] as const)) {
		case 'month':
			return { from: day(new Date(Date.UTC(y, m, 1))), to: monthEnd(y, m) };
		case 'quarter': {
			const q = m - (m % 3);
			return { from: day(new Date(Date.UTC(y, q, 1))), to: monthEnd(y, q + 2) };
		}
		case 'year':
			return { from: `${y}-01-01`, to: `${y}-12-31` };
		case 'last12':
			return { from: addDays(meta.last, -364), to: meta.last };
		case 'weeks': {
			const from = day(at);
			return { from, to: addDays(from, 7 * (1 + Math.floor(rand() * 8)) - 1) };
		}
	}
}
function storesFor(vu: Vu): string[] {
	if (vu.stores !== null) return [];
	const r = rand();
	if (r < 0.5) return [];
	if (r < 0.85) return [pick(meta.stores)];
	return [...new Set([pick(meta.stores), pick(meta.stores)])];
}
function params(entries: Record<string, string | string[] | undefined>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(entries)) for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) q.append(k, x);
	return q.toString();
}
interface Req {
	endpoint: string;
	path: string;
	accept: string;
}
const page = (path: string, q: string): Req => ({ endpoint: `page ${path}`, path: `${path}?${q}`, accept: 'text/html' });
// a filter change in the browser: SvelteKit fetches the page's data only
const data = (path: string, q: string): Req => ({
	endpoint: `data ${path}`,
	path: `${path}/__data.json?${q}&x-sveltekit-invalidated=01`,
	accept: '*/*'
});
const GRAINS = ['day', 'week', 'month', 'quarter'] as const;
const COMPLAINT_BY = ['category', 'channel', 'store', 'department'] as const;
const API_METRICS = [
	'complaint_count',
	'complaint_rate',
	'repeat_complaint_rate',
	'open_backlog',
	'first_response_median_h',
	'sla_resolution_compliance',
	'csat',
	'nps',
	'response_count'
];
const API_BY = new Set(['store', 'channel', 'category', 'department', 'method', 'age_bucket', 'response_bucket', 'resolution_bucket']);
const canRows = (role: Role) => role !== 'viewer';

/** One visit: a page opened, then a few things done on it, as the browser requests them. */
function visit(vu: Vu): Req[] {
	const r = range();
	const store = storesFor(vu);
	const out: Req[] = [];
	switch (pick(['dashboard', 'dashboard', 'complaints', 'complaints', 'satisfaction', 'quality', 'evaluations', 'api'] as const)) {
		case 'dashboard': {
			out.push(page('/dashboard', params({ ...r, store })));
			out.push(data('/dashboard', params({ ...range(), store: storesFor(vu) })));
			break;
		}
		case 'complaints': {
			const q = { ...r, store, grain: pick(GRAINS), by: pick(COMPLAINT_BY) };
			out.push(page('/complaints', params(q)));
			out.push(data('/complaints', params({ ...q, by: pick(COMPLAINT_BY), category: rand() < 0.3 ? pick(category.values) : undefined })));
			if (canRows(vu.role)) {
				const drill = params({
					...r,
					store,
					metric: 'complaint_count',
					grain: 'all',
					by: 'category',
					group: pick(category.values),
					limit: '50',
					offset: '0'
				});
				out.push({
					endpoint: 'api /api/rows/complaints',
					path: `/api/rows/complaints?${drill}`,
					accept: 'application/vnd.apache.arrow.stream'
				});
			}
			break;
		}
		case 'satisfaction': {
			const q = { ...r, store, grain: pick(GRAINS), channel: rand() < 0.3 ? pick(channel.values) : undefined };
			out.push(page('/satisfaction', params(q)));
			if (canRows(vu.role) && rand() < 0.5)
				out.push({
					endpoint: 'api /api/rows/surveys',
					path: `/api/rows/surveys?${params({ ...r, store, q: pick(['态度', '排队', '价格', '']), limit: '50' })}`,
					accept: 'application/json'
				});
			else out.push(data('/satisfaction', params({ ...q, grain: pick(GRAINS) })));
			break;
		}
		case 'quality': {
			out.push(
				page(
					'/quality',
					params({ chart: pick(['complaint_p', 'complaint_u', 'csat_p', 'csat_mean_xmr', 'response_xmr']), grain: pick(['month', 'week']) })
				)
			);
			break;
		}
		case 'evaluations': {
			const y = meta.last.slice(0, 4);
			out.push(
				page(
					'/evaluations',
					params({
						cycle: 'quarter',
						period: `${pick([Number(y) - 1, Number(y)])}-Q${pick([1, 2, 3, 4])}`,
						group: pick(['store', 'department', 'all'])
					})
				)
			);
			break;
		}
		case 'api': {
			for (let i = 0; i < 3; i++) {
				const metric = pick(API_METRICS);
				const dims = metricById(metric)!.dimensions.filter((d) => API_BY.has(d));
				const by = rand() < 0.6 && dims.length ? pick(dims) : undefined;
				const grain = by && !by.endsWith('bucket') && rand() < 0.5 ? 'all' : pick(['all', 'month', 'week', 'quarter']);
				const compare = grain !== 'all' && rand() < 0.4 ? pick(['previous', 'last_year']) : undefined;
				const q = params({ ...range(), grain, by, compare, store: storesFor(vu), format: 'arrow' });
				out.push({
					endpoint: 'api /api/metrics/[metric]',
					path: `/api/metrics/${metric}?${q}`,
					accept: 'application/vnd.apache.arrow.stream'
				});
			}
			break;
		}
	}
	return out;
}

// ---------- running ----------
type Phase = 'warmup' | 'idle' | 'ingest' | 'after';
interface Sample {
	phase: Phase;
	endpoint: string;
	ms: number;
	status: number;
	error?: string;
}
const samples: Sample[] = [];
const probes: { phase: Phase; ms: number; ok: boolean }[] = [];
let phase: Phase = 'warmup';
let stopping = false;
const phaseTimes: Record<Phase, { start: number; end: number }> = {
	warmup: { start: 0, end: 0 },
	idle: { start: 0, end: 0 },
	ingest: { start: 0, end: 0 },
	after: { start: 0, end: 0 }
};
const monitor: Record<Phase, { rssMb: number[]; load1: number[]; cpuS: number }> = {
	warmup: { rssMb: [], load1: [], cpuS: 0 },
	idle: { rssMb: [], load1: [], cpuS: 0 },
	ingest: { rssMb: [], load1: [], cpuS: 0 },
	after: { rssMb: [], load1: [], cpuS: 0 }
};
/** CPU seconds the server process has used (all its threads: JS, DuckDB, libuv). */
const cpuSecondsOf = (pid: number) => {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return 0;
	}
};
let lastCpu = 0;
const errorSamples: Sample[] = [];
const started = performance.now();

async function issue(vu: Vu, req: Req): Promise<void> {
	const p = phase;
	const t0 = performance.now();
	let status = 0;
	let error: string | undefined;
	try {
		const res = await fetch(`${base}${req.path}`, {
			headers: { cookie: vu.cookie, accept: req.accept, 'accept-encoding': 'gzip' },
			redirect: 'manual',
			signal: AbortSignal.timeout(120_000)
		});
		await res.arrayBuffer();
		status = res.status;
		if (status < 200 || status >= 300) error = `HTTP ${status}`;
	} catch (e) {
		error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
	}
	const s: Sample = { phase: p, endpoint: req.endpoint, ms: performance.now() - t0, status, ...(error ? { error } : {}) };
	samples.push(s);
	if (error && errorSamples.length < 20) errorSamples.push({ ...s, endpoint: `${s.endpoint} ${req.path.slice(0, 160)}` });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const overBudget = () => samples.length >= MAX_REQUESTS || (performance.now() - started) / 1000 > MAX_S;
async function runUser(vu: Vu): Promise<void> {
	await sleep(rand() * 1000); // not all at once
	while (!stopping && !overBudget()) {
		for (const req of visit(vu)) {
			if (stopping) return;
			await issue(vu, req);
			await sleep(THINK_MIN + rand() * (THINK_MAX - THINK_MIN));
		}
	}
}
const rssMbOf = (pid: number, field: 'VmRSS' | 'VmHWM') => {
	try {
		return Number(new RegExp(`${field}:\\s+(\\d+)`, 'u').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
	} catch {
		return 0;
	}
};
lastCpu = cpuSecondsOf(server.pid!);
const sampler = setInterval(() => {
	const cpu = cpuSecondsOf(server.pid!);
	monitor[phase].cpuS += cpu - lastCpu;
	lastCpu = cpu;
	monitor[phase].rssMb.push(rssMbOf(server.pid!, 'VmRSS'));
	monitor[phase].load1.push(loadavg()[0]!);
}, 500);
const prober = (async () => {
	while (!stopping) {
		const p = phase;
		const t0 = performance.now();
		const ok = await fetch(`${base}/healthz`).then(
			async (r) => (await r.arrayBuffer(), r.ok),
			() => false
		);
		probes.push({ phase: p, ms: performance.now() - t0, ok });
		await sleep(250);
	}
})();

log(
	`warm-up: ${WARMUP_S} s (not counted), idle: ${IDLE_S} s, then loading ${ingestRows.toLocaleString()} complaints, then ${AFTER_S} s after the commit; think time ${THINK_MIN}-${THINK_MAX} ms`
);
// the first seconds fill the caches of the pages' fixed queries (store lists, last days): not counted
phaseTimes.warmup.start = performance.now();
const users = Promise.all(vus.map(runUser));
await sleep(WARMUP_S * 1000);
phaseTimes.warmup.end = phaseTimes.idle.start = performance.now();
phase = 'idle';
await sleep(IDLE_S * 1000);
phaseTimes.idle.end = phaseTimes.ingest.start = performance.now();
phase = 'ingest';
log('ingest: npm run ingest -- complaints … (handed to the server)');
const ingestRun = await new Promise<{ code: number | null; out: string }>((ok) => {
	const cli = spawn(
		process.execPath,
		['--import', 'tsx', 'cli/ingest.ts', 'complaints', join(ingestDir, FILES.complaints), '--db', dbPath, '--json', '--as', 'load-bench'],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	let out = '';
	cli.stdout!.on('data', (d) => (out += d));
	cli.once('exit', (code) => ok({ code, out }));
});
phaseTimes.ingest.end = phaseTimes.after.start = performance.now();
const summary = JSON.parse(ingestRun.out || '{}') as { status?: string; rows_loaded?: number; batch_id?: number };
log(
	`ingest done: exit ${ingestRun.code}, ${summary.status}, ${summary.rows_loaded?.toLocaleString()} rows in ${((phaseTimes.ingest.end - phaseTimes.ingest.start) / 1000).toFixed(1)} s`
);
phase = 'after';
await sleep(AFTER_S * 1000);
phaseTimes.after.end = performance.now();
stopping = true;
await users;
await prober;
clearInterval(sampler);
const peakRssMb = rssMbOf(server.pid!, 'VmHWM');
{
	const exited = new Promise((r) => server.once('exit', r));
	server.kill('SIGTERM');
	await exited;
}

// ---------- report ----------
const pct = (xs: number[], p: number) => {
	if (!xs.length) return null;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const seconds = (ph: Phase) => (phaseTimes[ph].end - phaseTimes[ph].start) / 1000;
const stats = (xs: Sample[], secs: number) => ({
	requests: xs.length,
	perSecond: xs.length / secs,
	p50: pct(
		xs.map((s) => s.ms),
		50
	),
	p95: pct(
		xs.map((s) => s.ms),
		95
	),
	p99: pct(
		xs.map((s) => s.ms),
		99
	),
	errors: xs.filter((s) => s.error).length
});
const PHASES: Phase[] = ['idle', 'ingest', 'after'];
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const phases = Object.fromEntries(
	PHASES.map((ph) => {
		const xs = samples.filter((s) => s.phase === ph);
		const pr = probes.filter((p) => p.phase === ph);
		return [
			ph,
			{
				seconds: seconds(ph),
				...stats(xs, seconds(ph)),
				healthzP50: pct(
					pr.map((p) => p.ms),
					50
				),
				healthzP95: pct(
					pr.map((p) => p.ms),
					95
				),
				serverRssMbMax: Math.max(0, ...monitor[ph].rssMb),
				serverCpuCores: monitor[ph].cpuS / seconds(ph),
				loadAvg1Mean: mean(monitor[ph].load1),
				loadAvg1Max: Math.max(0, ...monitor[ph].load1)
			}
		];
	})
) as Record<
	Phase,
	ReturnType<typeof stats> & {
		seconds: number;
		healthzP50: number | null;
		healthzP95: number | null;
		serverRssMbMax: number;
		serverCpuCores: number;
		loadAvg1Mean: number | null;
		loadAvg1Max: number;
	}
>;
const endpoints = [...new Set(samples.map((s) => s.endpoint))].sort();
type Stats = ReturnType<typeof stats>;
const perEndpoint = endpoints.map((endpoint) => ({
	endpoint,
	...(Object.fromEntries(
		PHASES.map((ph) => [
			ph,
			stats(
				samples.filter((s) => s.endpoint === endpoint && s.phase === ph),
				seconds(ph)
			)
		])
	) as Record<'idle' | 'ingest' | 'after', Stats>)
}));
const ratio = phases.idle.p95 && phases.ingest.p95 ? phases.ingest.p95 / phases.idle.p95 : null;
const totalErrors = samples.filter((s) => s.error).length;

const f = (n: number | null, d = 0) => (n === null ? '–' : n.toFixed(d));
console.log(
	`\nload: ${USERS} users (server UV_THREADPOOL_SIZE ${THREADPOOL}), ${complaints.toLocaleString()} complaints + ${responses.toLocaleString()} responses loaded, ${ingestRows.toLocaleString()} complaints ingested meanwhile; think ${THINK_MIN}-${THINK_MAX} ms; ${cpus().length} CPUs`
);
console.log(
	'| phase | s | requests | req/s | p50 ms | p95 ms | p99 ms | errors | /healthz p95 ms | server CPU (cores) | server RSS max MB | load avg (1 min) |'
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const ph of PHASES) {
	const p = phases[ph];
	console.log(
		`| ${ph} | ${f(p.seconds, 1)} | ${p.requests} | ${f(p.perSecond, 1)} | ${f(p.p50)} | ${f(p.p95)} | ${f(p.p99)} | ${p.errors} | ${f(p.healthzP95)} | ${f(p.serverCpuCores, 2)} | ${f(p.serverRssMbMax)} | ${f(p.loadAvg1Mean, 1)} (max ${f(p.loadAvg1Max, 1)}) |`
	);
}
console.log(
	'\n| endpoint | idle n | idle p50 | idle p95 | ingest n | ingest p50 | ingest p95 | after n | after p50 | after p95 | errors |'
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const e of perEndpoint) {
	const { idle: i, ingest: g, after: a } = e;
	console.log(
		`| ${e.endpoint} | ${i.requests} | ${f(i.p50)} | ${f(i.p95)} | ${g.requests} | ${f(g.p50)} | ${f(g.p95)} | ${a.requests} | ${f(a.p50)} | ${f(a.p95)} | ${i.errors + g.errors + a.errors} |`
	);
}
console.log(
	`\ningest: ${summary.status ?? `exit ${ingestRun.code}`}, ${summary.rows_loaded?.toLocaleString() ?? '?'} rows in ${f(seconds('ingest'), 1)} s under load`
);
console.log(`errors: ${totalErrors}; p95 during ingest ÷ idle: ${f(ratio, 2)}× (goal ≤ 2×); server peak RSS ${f(peakRssMb)} MB`);
for (const e of errorSamples.slice(0, 5)) console.log(`  error: ${e.phase} ${e.endpoint} → ${e.error}`);
const out = `bench/results/load-${complaints}-${ingestRows}${values.tag ? `-${values.tag}` : ''}.json`;
writeFileSync(
	out,
	`${JSON.stringify(
		{
			date: new Date().toISOString(),
			machine: { cpus: cpus().length, memGb: Math.round(totalmem() / 2 ** 30), shared: true },
			data: { complaints, responses, span: { from: meta.first, to: meta.last }, stores: meta.stores.length },
			settings: {
				users: USERS,
				threadpool: THREADPOOL,
				warmupS: WARMUP_S,
				idleS: IDLE_S,
				afterS: AFTER_S,
				thinkMs: [THINK_MIN, THINK_MAX],
				maxRequests: MAX_REQUESTS,
				maxS: MAX_S
			},
			roles: countRoles(vus),
			ingest: {
				rows: ingestRows,
				seconds: seconds('ingest'),
				exitCode: ingestRun.code,
				summary: { status: summary.status, rows_loaded: summary.rows_loaded, batch_id: summary.batch_id }
			},
			phases,
			ingestP95OverIdle: ratio,
			errors: totalErrors,
			errorSamples,
			serverPeakRssMb: peakRssMb,
			perEndpoint
		},
		null,
		2
	)}\n`
);
console.log(`written ${out}`);
process.exit(0);
