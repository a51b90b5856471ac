/**
 * npm run bench -- cost [--complaints 1000000] [--responses 1000000] [--from DB] [--visits 250] [--tag T]
 *
 * What each kind of request costs the server in CPU, and so how many requests a second the machine's cores can
 * serve before requests queue: the load benchmark's users (bench/load/mix.ts: the same visits, roles, ranges and
 * stores) one request at a time, against the built server on a fresh copy of the load benchmark's base set. Around
 * each request the server process's CPU time (user + system, of every thread: the JS thread and DuckDB's) is read
 * from /proc, with a short pause before and after so that nothing else of the server's is counted. CPU ticks are
 * 10 ms, so a figure is only as good as its request count. Reports, per endpoint, the requests, CPU and wall time
 * per request and the share of all CPU; and the CPU of the mix's average request against the cores. Writes
 * bench/results/cost-*.json. Linux only (/proc).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, spawnApp } from '../tests/helpers/server';
import { loadOptions } from './load/args';
import { freshDatabase, prepareData } from './load/data';
import { requestMix, signInUsers, type Req, type Vu } from './load/mix';

const { values } = parseArgs({
	args: process.argv.slice(2).filter((a) => a !== 'cost'),
	options: {
		complaints: { type: 'string', default: '1000000' },
		responses: { type: 'string', default: '1000000' },
		from: { type: 'string' },
		visits: { type: 'string', default: '250' },
		tag: { type: 'string', default: '' }
	}
});
const visits = Math.max(1, Math.min(5000, Math.floor(Number(values.visits))));
const o = loadOptions([
	'--complaints',
	values.complaints!,
	'--responses',
	values.responses!,
	// (the load benchmark's register to load is not loaded here: a small one, so that a fresh machine does not generate a big one)
	'--ingest-rows',
	'1000',
	...(values.from ? ['--from', values.from] : [])
]);
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const data = await prepareData(o, log);
const { runDir, dbPath, meta } = await freshDatabase(data);
const app = await spawnApp(
	dbPath,
	await freePort(),
	{ UV_THREADPOOL_SIZE: o.threadpool, LOG_LEVEL: 'warn' },
	{ logFile: join(runDir, 'server.log'), startTimeoutMs: 120_000 }
);
const pid = app.child.pid!;
/** the server's CPU time so far, ms (utime + stime of every thread, in 10 ms ticks) */
const cpuMs = () => {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10;
};
const vus = await signInUsers(app.asServer, meta, o.users);
const mix = requestMix(meta);
const issue = async (vu: Vu, r: Req) => {
	const res = await fetch(app.base + r.path, { headers: { cookie: vu.cookie, accept: r.accept } });
	await res.arrayBuffer();
	if (!res.ok) throw new Error(`${res.status} ${r.path}`);
};
// the first visits fill the caches of the pages' fixed queries (store lists, last days): not counted
for (let i = 0; i < 60; i++) for (const r of mix.visit(vus[i % vus.length]!)) await issue(vus[i % vus.length]!, r);

const byEndpoint = new Map<string, { n: number; cpuMs: number; wallMs: number }>();
for (let i = 0; i < visits; i++) {
	const vu = vus[i % vus.length]!;
	for (const r of mix.visit(vu)) {
		await sleep(30);
		const c0 = cpuMs();
		const t0 = performance.now();
		await issue(vu, r);
		const wall = performance.now() - t0;
		await sleep(20);
		const e = byEndpoint.get(r.endpoint) ?? { n: 0, cpuMs: 0, wallMs: 0 };
		byEndpoint.set(r.endpoint, { n: e.n + 1, cpuMs: e.cpuMs + cpuMs() - c0, wallMs: e.wallMs + wall });
	}
}
app.child.kill('SIGTERM');
await app.exited;

const rows = [...byEndpoint].map(([endpoint, e]) => ({ endpoint, ...e })).sort((a, b) => b.cpuMs - a.cpuMs);
const requests = rows.reduce((s, r) => s + r.n, 0);
const cpu = rows.reduce((s, r) => s + r.cpuMs, 0);
const cores = availableParallelism();
const perRequest = cpu / requests;
console.log(
	`\n${requests} requests of the load mix, one at a time; ${cores} CPUs; load average ${loadavg()
		.map((l) => l.toFixed(1))
		.join(' ')}\n`
);
console.log('| endpoint | requests | CPU ms / request | wall ms / request | share of CPU |\n|---|---:|---:|---:|---:|');
for (const r of rows)
	console.log(
		`| ${r.endpoint} | ${r.n} | ${(r.cpuMs / r.n).toFixed(1)} | ${(r.wallMs / r.n).toFixed(1)} | ${((100 * r.cpuMs) / cpu).toFixed(1)} % |`
	);
console.log(
	`\nthe mix's average request: ${perRequest.toFixed(1)} ms of CPU, so ${cores} cores are busy at ~${((1000 * cores) / perRequest).toFixed(0)} requests a second (50 users every 1-3 s ask ~21, every 5-15 s ~5)`
);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/cost-${o.complaints}-${o.responses}${values.tag ? `-${values.tag}` : ''}.json`;
writeFileSync(
	file,
	`${JSON.stringify({ at: new Date().toISOString(), cores, loadavg: loadavg(), requests, cpuMsPerRequest: perRequest, endpoints: rows }, null, 1)}\n`
);
console.log(`written ${file}`);
process.exit(0);
