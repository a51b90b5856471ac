/**
 * npm run bench -- queries [--complaints 5000000] [--responses 10000000] [--contacts N] [--repeat 30] [--page-runs 10] [--label NAME]
 *
 * The dashboards' queries at scale, on generated data loaded by the engine into one database:
 *  - bare: each page's metric SQL (compiled by the catalog) run directly on one connection, in this process;
 *  - http: the same requests through the built server's metric API (cache off), warm p50/p95;
 *  - cached: the same requests again with the cache on (the repeat a second viewer gets);
 *  - a 100k-row drill-down as Arrow and as JSON: bytes and gzipped bytes as served, and decode time;
 *  - the JavaScript a browser loads for the first page (gzip), and the server's peak RSS;
 *  - the views of issue 18's goals (bench/views.ts), each over a range of its own so no cache answers:
 *    every page's server load (`--page-runs` each), every catalog metric by grain and by each dimension
 *    with and without a store filter, one store over one month; p50/p95/max per group through HTTP and
 *    p95 as bare SQL, with the load average;
 *  - how soon `npm run ingest` prints its first line (bench/cli-start.ts).
 * The database's rollups are built right after its loads, and each server is timed only once the work it does at
 * opening (the quality alerts' evaluation) is over, as a server that has been running is.
 * `--contacts`: the calls and chats loaded beside them (default as many as complaints; the generator's demo
 * ratio is 20 per complaint, which at 5M complaints would be 100M).
 * Ratios are against bare SQL in the same run. Writes bench/results/queries-<complaints>-<responses>-c<contacts>.json,
 * or queries-…-<label>.json with `--label` (so a run after a change keeps the earlier file the docs cite).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort } from '../tests/helpers/server';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import { chromium } from '@playwright/test';
import { FILES, generate } from '../pipelines/generate';
import { ingest } from '../pipelines/engine';
import type { KindId } from '../src/lib/shared/schema';
import { Database, queryRows } from '../src/lib/server/core/db';
import { ensureDemoUsers } from '../src/lib/server/core/auth/demo';
import { ensureRollups } from '../pipelines/rollups/maintain';
import { demoAccount } from '../src/lib/server/core/auth/demo-accounts';
import { compileMetric } from '../src/lib/server/metrics/compile';
import { REQUESTS, requestInput, type Req } from './requests';
import { catalogViews, oneStoreMonthViews, pageViews, PAGES, type View } from './views';
import { cliStartTimes } from './cli-start';

const { values } = parseArgs({
	args: process.argv.slice(2).filter((a) => a !== 'queries'),
	options: {
		complaints: { type: 'string', default: '5000000' },
		responses: { type: 'string', default: '10000000' },
		contacts: { type: 'string' },
		repeat: { type: 'string', default: '30' },
		'page-runs': { type: 'string', default: '10' },
		label: { type: 'string' }
	}
});
if (values.label !== undefined && !/^[a-z0-9-]{1,40}$/u.test(values.label)) throw new Error('--label: 1-40 of a-z, 0-9 and -');
const complaints = Number(values.complaints);
const responses = Number(values.responses);
const contacts = values.contacts === undefined ? complaints : Number(values.contacts);
/** the file names' part for the contacts (data generated before contacts were loaded is not reused) */
const contactsTag = `-c${contacts}`;
const repeat = Math.max(5, Number(values.repeat));
const tmp = resolve('bench/tmp', `queries-${complaints}-${responses}${contactsTag}`);
mkdirSync(tmp, { recursive: true });
mkdirSync('bench/results', { recursive: true });
const dbPath = join(tmp, 'bench.duckdb');
const log = (s: string) => process.stderr.write(`${s}\n`);

// ---------- data ----------
if (!existsSync(join(tmp, 'loaded'))) {
	if (!existsSync(join(tmp, 'truth.json'))) {
		log(
			`generating ${complaints.toLocaleString()} complaints, ${responses.toLocaleString()} survey responses, ${contacts.toLocaleString()} contacts …`
		);
		await generate({ outDir: tmp, scale: complaints, seed: 1, surveys: responses, contactsPerComplaint: contacts / complaints, log });
	}
	const db = await Database.open(dbPath);
	for (const kind of ['staff', 'traffic', 'complaints', 'surveys', 'appraisals', 'contacts'] as KindId[]) {
		const t0 = performance.now();
		const s = await ingest(db, { kind, filePath: join(tmp, FILES[kind]), source: 'cli', createdBy: 'bench' });
		log(`loaded ${kind}: ${s.rows_loaded.toLocaleString()} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (${s.status})`);
	}
	await ensureDemoUsers(db);
	// the first loads leave the rollups to a rebuild after their commit (maintain.ts): built here, not by the
	// first server while it is being timed
	log(`rollups built in ${(((await ensureRollups(db))?.ms ?? 0) / 1000).toFixed(1)} s`);
	db.close();
	writeFileSync(join(tmp, 'loaded'), new Date().toISOString());
}

// ---------- the requests the pages make ----------
const db0 = await Database.open(dbPath);
const [row] = await db0.withConnection((c) =>
	queryRows<{ last: string }>(c, `SELECT strftime(max(received_at)::DATE, '%Y-%m-%d') AS last FROM complaints`)
);
const last = row?.last;
const to = last!;
const from = `${Number(to.slice(0, 4)) - 1}-${to.slice(5, 7)}-01`; // about twelve months
const AS_OF = `${to} 23:59:00`;
const input = (r: Req) => requestInput(r, from, to);
const query = (r: Req) => new URLSearchParams({ from, to, grain: r.grain, ...(r.by ? { by: r.by } : {}), format: 'arrow' });

const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
// Bare SQL and HTTP are measured in alternating rounds (the database file admits one process at a
// time), so a noisy neighbour on this shared machine weighs on both alike.
const ROUNDS = 3;
async function timed(fn: () => Promise<unknown>, warm = 3, n = repeat): Promise<number[]> {
	for (let i = 0; i < warm; i++) await fn();
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		await fn();
		out.push(performance.now() - t0);
	}
	return out;
}

log(`range ${from} … ${to}; ${repeat} timed runs each, in ${ROUNDS} alternating rounds of bare SQL and HTTP`);
db0.close();
const bare: Record<string, number[]> = {};
async function bareRound(n: number): Promise<void> {
	const db = await Database.open(dbPath);
	try {
		await db.withConnection(async (conn) => {
			for (const r of REQUESTS) {
				const c = compileMetric(input(r), { asOf: AS_OF });
				(bare[r.name] ??= []).push(...(await timed(() => conn.runAndReadAll(c.sql, c.params), 2, n)));
			}
		});
	} finally {
		db.close();
	}
}

// ---------- the server ----------
async function startServer(cache: boolean): Promise<{ base: string; child: ChildProcess; cookie: string }> {
	if (!existsSync('build/index.js')) throw new Error('build/index.js is missing: npm run build first');
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['build/index.js'], {
		// MALLOC_ARENA_MAX as `npm start` sets it: the peak RSS reported is the server's as it runs
		env: {
			MALLOC_ARENA_MAX: '2',
			...process.env,
			DATABASE_PATH: dbPath,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: base,
			METRIC_CACHE: cache ? 'on' : 'off'
		},
		stdio: 'ignore'
	});
	for (let i = 0; ; i++) {
		if (
			await fetch(`${base}/login`).then(
				(r) => r.ok,
				() => false
			)
		)
			break;
		if (i > 600) throw new Error('server did not start');
		await new Promise((r) => setTimeout(r, 100));
	}
	const a = demoAccount('leadership');
	const res = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
		body: new URLSearchParams({ username: a.username, password: a.password })
	});
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0]!)
		.find((c) => c.startsWith('sqa_session='));
	if (!cookie) throw new Error(`login failed: ${res.status}`);
	await settled(child.pid!);
	return { base, child, cookie };
}
/** CPU seconds a process has used (user + system), from /proc (null where there is none). */
const cpuSeconds = (pid: number): number | null => {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return null;
	}
};
/**
 * Waits (at most two minutes) until the server has used under 5% of a core for two seconds: what it does once at
 * opening (the quality alerts' evaluation, some forty queries) is over before its requests are timed.
 */
async function settled(pid: number): Promise<void> {
	let quiet = 0;
	for (let i = 0, last = cpuSeconds(pid); i < 240 && last !== null && quiet < 4; i++) {
		await new Promise((r) => setTimeout(r, 500));
		const now = cpuSeconds(pid);
		if (now === null) return;
		quiet = now - last < 0.025 ? quiet + 1 : 0;
		last = now;
	}
}
const stop = async (child: ChildProcess) => {
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	await exited;
};
const peakRssMb = (pid: number) => {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmHWM:\s+(\d+)/u.exec(status)?.[1] ?? 0) / 1024;
	} catch {
		return null;
	}
};

const http: Record<string, number[]> = {};
const cached: Record<string, number[]> = {};
let rssMb: number | null = null;
const perRound = Math.ceil(repeat / ROUNDS);
for (let round = 0; round < ROUNDS; round++) {
	await bareRound(perRound);
	const s = await startServer(false);
	const get = (r: Req) =>
		fetch(`${s.base}/api/metrics/${r.metric}?${query(r)}`, { headers: { cookie: s.cookie } }).then(async (res) => {
			if (!res.ok) throw new Error(`${r.name}: HTTP ${res.status} ${await res.text()}`);
			return res.arrayBuffer();
		});
	for (const r of REQUESTS) (http[r.name] ??= []).push(...(await timed(() => get(r), 2, perRound)));
	rssMb = Math.max(rssMb ?? 0, peakRssMb(s.child.pid!) ?? 0);
	await stop(s.child);
}
// ---------- the views of issue 18's goals: pages, the whole catalog, one store over one month ----------
const load1 = () => loadavg()[0]!;
const [storeRow] = await (async () => {
	const db = await Database.open(dbPath);
	try {
		return await db.withConnection((c) =>
			queryRows<{ stores: string[] }>(
				c,
				`SELECT list(store ORDER BY n DESC) AS stores FROM (SELECT store, count(*) AS n FROM complaints GROUP BY store)`
			)
		);
	} finally {
		db.close();
	}
})();
const stores = storeRow!.stores;
const views: View[] = [
	...pageViews(to, Number(values['page-runs'])),
	...catalogViews(to, stores[0]!),
	...oneStoreMonthViews(to, stores.slice(0, 3))
];
const viewBare = new Map<View, number>();
const viewHttp = new Map<View, number>();
const viewErrors: string[] = [];
const viewLoad: number[] = [load1()];
log(`views: ${views.length} requests (${views.filter((v) => v.input).length} of them also as bare SQL), each over a range of its own`);
{
	const db = await Database.open(dbPath);
	try {
		await db.withConnection(async (conn) => {
			for (const v of views) {
				if (!v.input) continue;
				const t0 = performance.now();
				const c = compileMetric(v.input, { asOf: AS_OF });
				await conn.runAndReadAll(c.sql, c.params);
				viewBare.set(v, performance.now() - t0);
			}
		});
	} finally {
		db.close();
	}
	viewLoad.push(load1());
	const s = await startServer(false);
	for (const v of views) {
		const t0 = performance.now();
		const res = await fetch(`${s.base}${v.path}`, { headers: { cookie: s.cookie } });
		await res.arrayBuffer();
		if (!res.ok) viewErrors.push(`${v.path} → ${res.status}`);
		else viewHttp.set(v, performance.now() - t0);
	}
	viewLoad.push(load1());
	rssMb = Math.max(rssMb ?? 0, peakRssMb(s.child.pid!) ?? 0);
	await stop(s.child);
}
const cli = await cliStartTimes();

let drill: Record<string, number>;
const firstPage: { page: string; files: number; bytes: number; gzipBytes: number }[] = [];
{
	const s = await startServer(true);
	const get = (path: string, accept = '*/*') => fetch(`${s.base}${path}`, { headers: { cookie: s.cookie, accept } });
	for (const r of REQUESTS)
		cached[r.name] = await timed(() => get(`/api/metrics/${r.metric}?${query(r)}`).then((res) => res.arrayBuffer()), 1);

	// a 100k-row drill-down, both encodings
	const rows = `/api/rows/complaints?from=${from}&to=${to}&grain=all&limit=100000`;
	const arrow = new Uint8Array(await (await get(`${rows}&format=arrow`)).arrayBuffer());
	const jsonText = await (await get(`${rows}&format=json`)).text();
	const decodeArrow = await timed(async () => tableFromIPC(arrow).toArray().length, 2);
	const decodeJson = await timed(async () => (JSON.parse(jsonText) as { rows: unknown[] }).rows.length, 2);
	const arrowRows = tableFromIPC(arrow).numRows;
	drill = {
		rows: arrowRows,
		arrowBytes: arrow.byteLength,
		arrowGzipBytes: gzipSync(arrow).byteLength,
		jsonBytes: Buffer.byteLength(jsonText),
		jsonGzipBytes: gzipSync(jsonText).byteLength,
		arrowDecodeMsP50: pct(decodeArrow, 50),
		jsonDecodeMsP50: pct(decodeJson, 50)
	};

	// the JavaScript a browser downloads for a page (every script response, gzipped as a server would send it)
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
	try {
		const ctx = await browser.newContext();
		await ctx.addCookies([{ name: 'sqa_session', value: s.cookie.split('=')[1]!, url: s.base }]);
		for (const path of ['/', '/dashboard', '/complaints']) {
			const page = await ctx.newPage();
			const scripts: Buffer[] = [];
			page.on('response', async (res) => {
				if (res.request().resourceType() === 'script') scripts.push(await res.body().catch(() => Buffer.alloc(0)));
			});
			await page.goto(`${s.base}${path}`, { waitUntil: 'networkidle' });
			firstPage.push({
				page: path,
				files: scripts.length,
				bytes: scripts.reduce((n, b) => n + b.byteLength, 0),
				gzipBytes: scripts.reduce((n, b) => n + gzipSync(b).byteLength, 0)
			});
			await page.close();
		}
	} finally {
		await browser.close();
	}
	const rss2 = peakRssMb(s.child.pid!);
	rssMb = Math.max(rssMb ?? 0, rss2 ?? 0);
	await stop(s.child);
}

// ---------- report ----------
const table = REQUESTS.map((r) => {
	const b50 = pct(bare[r.name]!, 50);
	const h50 = pct(http[r.name]!, 50);
	return {
		query: r.name,
		bareP50: b50,
		httpP50: h50,
		httpP95: pct(http[r.name]!, 95),
		ratioP50: h50 / b50,
		cachedP50: pct(cached[r.name]!, 50)
	};
});
const f = (n: number) => n.toFixed(1);
console.log(
	`\nqueries over ${from} … ${to}: ${complaints.toLocaleString()} complaints, ${responses.toLocaleString()} responses, ${contacts.toLocaleString()} contacts, ${repeat} runs, ms`
);
console.log('| query | bare p50 | HTTP p50 | HTTP p95 | HTTP/bare | cached p50 |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const t of table)
	console.log(`| ${t.query} | ${f(t.bareP50)} | ${f(t.httpP50)} | ${f(t.httpP95)} | ${t.ratioP50.toFixed(2)}× | ${f(t.cachedP50)} |`);
console.log(
	`\n100k-row drill-down (${drill.rows} rows): Arrow ${(drill.arrowGzipBytes! / 1024).toFixed(0)} KB gzipped vs JSON ${(drill.jsonGzipBytes! / 1024).toFixed(0)} KB (${((drill.arrowGzipBytes! / drill.jsonGzipBytes!) * 100).toFixed(0)}%); decode ${f(drill.arrowDecodeMsP50!)} ms vs ${f(drill.jsonDecodeMsP50!)} ms (${(drill.jsonDecodeMsP50! / drill.arrowDecodeMsP50!).toFixed(1)}× faster)`
);
for (const p of firstPage)
	console.log(`JS for ${p.page}: ${p.files} files, ${(p.gzipBytes / 1024).toFixed(0)} KB gzip (${(p.bytes / 1024).toFixed(0)} KB raw)`);
console.log(`server peak RSS: ${rssMb === null ? 'n/a' : `${rssMb.toFixed(0)} MB`}`);
const groups = [...new Set(views.map((v) => v.group))];
const viewTable = groups.map((group) => {
	const vs = views.filter((v) => v.group === group);
	const http = vs.flatMap((v) => (viewHttp.has(v) ? [viewHttp.get(v)!] : []));
	const bare = vs.flatMap((v) => (viewBare.has(v) ? [viewBare.get(v)!] : []));
	return {
		group,
		n: http.length,
		httpP50: http.length ? pct(http, 50) : null,
		httpP95: http.length ? pct(http, 95) : null,
		httpMax: http.length ? Math.max(...http) : null,
		bareP95: bare.length ? pct(bare, 95) : null
	};
});
const fx = (n: number | null) => (n === null ? '–' : n.toFixed(1));
const catalogHttp = views
	.filter((v) => v.input && !v.group.startsWith('one store'))
	.flatMap((v) => (viewHttp.has(v) ? [viewHttp.get(v)!] : []));
console.log(`\nviews, uncached, each over a range of its own (load average ${viewLoad.map((l) => l.toFixed(1)).join(' → ')}), ms`);
console.log('| view | n | HTTP p50 | HTTP p95 | HTTP max | bare SQL p95 | HTTP p95 ÷ bare p95 |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const t of viewTable)
	console.log(
		`| ${t.group} | ${t.n} | ${fx(t.httpP50)} | ${fx(t.httpP95)} | ${fx(t.httpMax)} | ${fx(t.bareP95)} | ${t.httpP95 !== null && t.bareP95 ? `${(t.httpP95 / t.bareP95).toFixed(2)}×` : '–'} |`
	);
console.log(
	`every catalog request: p95 ${fx(catalogHttp.length ? pct(catalogHttp, 95) : null)} ms (goal ≤ 100); slowest page load p95 ${fx(Math.max(...viewTable.filter((t) => (PAGES as readonly string[]).includes(t.group)).map((t) => t.httpP95 ?? 0)))} ms (goal ≤ 300); errors ${viewErrors.length}`
);
for (const e of viewErrors.slice(0, 5)) console.log(`  error: ${e}`);
console.log(
	`CLI (${cli.compiled ? 'compiled' : 'from source'}): first line after ${cli.firstLineMsP50.toFixed(0)} ms ("${cli.firstLine}"), done after ${cli.exitMsP50.toFixed(0)} ms; node doing nothing ${cli.nodeMsP50.toFixed(0)} ms, npm run of nothing ${cli.npmMsP50.toFixed(0)} ms (goal: first line ≤ 400 ms)`
);
console.log(
	`load average at the end: ${loadavg()
		.map((l) => l.toFixed(1))
		.join(' ')}`
);
const out = `bench/results/queries-${complaints}-${responses}${contactsTag}${values.label ? `-${values.label}` : ''}.json`;
writeFileSync(
	out,
	`${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, memGb: Math.round(totalmem() / 2 ** 30) }, complaints, responses, contacts, range: { from, to }, repeat, queries: table, drill, firstPage, serverPeakRssMb: rssMb, views: viewTable, viewErrors, viewLoadAverage: viewLoad, cli, loadAverageEnd: loadavg() }, null, 2)}\n`
);
console.log(`written ${out}`);
