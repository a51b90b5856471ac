/**
 * npm run bench -- warm-up [--complaints 100000] [--responses 200000] [--rounds 2] [--settle-s 20]
 *
 * What the dashboards computed ahead (features/overview/warm-up.ts) change for the first person to open
 * 总览 after a load: on a copy of the query benchmark's database (run `npm run bench -- queries` with the
 * same sizes first), the built server starts with DASHBOARD_WARMUP_STORES=0 or 20 in alternating rounds;
 * once it has settled, a small batch is loaded through the CLI (handed to the server), and after
 * `--settle-s` a store manager and a leadership user each open 总览 as the page opens (no filters).
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, login, spawnApp } from '../tests/helpers/server';
import { demoAccount } from '../src/lib/server/core/auth/demo-accounts';

const { values } = parseArgs({
	args: process.argv.slice(2).filter((a) => a !== 'warm-up'),
	options: {
		complaints: { type: 'string', default: '100000' },
		responses: { type: 'string', default: '200000' },
		rounds: { type: 'string', default: '2' },
		'settle-s': { type: 'string', default: '20' }
	}
});
const source = resolve('bench/tmp', `queries-${values.complaints}-${values.responses}`, 'bench.duckdb');
if (!existsSync(source))
	throw new Error(
		`${source} is missing: run npm run bench -- queries --complaints ${values.complaints} --responses ${values.responses} first`
	);
const settleMs = Number(values['settle-s']) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROLES = ['manager', 'leadership'] as const;

const results: { stores: string; role: string; ms: number }[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
	for (const stores of ['0', '20']) {
		const dir = resolve('bench/tmp', `warm-up-${stores}`);
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true, mode: 0o700 });
		const db = join(dir, 'q.duckdb');
		copyFileSync(source, db);
		copyFileSync(`${source}.keys.json`, `${db}.keys.json`);
		const app = await spawnApp(db, await freePort(), { DASHBOARD_WARMUP_STORES: stores, VITEST: '' });
		try {
			const cookies = await Promise.all(ROLES.map((r) => login(app.asServer, demoAccount(r).username, demoAccount(r).password)));
			await sleep(settleMs);
			const load = spawnSync(process.execPath, ['cli/start.js', 'ingest', 'staff', 'data/samples/staff.csv', '--db', db, '--json'], {
				encoding: 'utf8'
			});
			if (load.status !== 0) throw new Error(`the load failed: ${load.stderr}`);
			await sleep(settleMs);
			for (const [i, role] of ROLES.entries()) {
				const t0 = performance.now();
				const res = await fetch(`${app.base}/dashboard/__data.json?x-sveltekit-invalidated=01`, { headers: { cookie: cookies[i]! } });
				await res.arrayBuffer();
				if (!res.ok) throw new Error(`总览 answered ${res.status}`);
				results.push({ stores, role, ms: performance.now() - t0 });
			}
		} finally {
			app.child.kill('SIGTERM');
			await app.exited;
			rmSync(dir, { recursive: true, force: true });
		}
	}
}
console.log(
	`\nfirst 总览 after a load, ${values.complaints} complaints + ${values.responses} responses (ms; load average ${loadavg()[0]!.toFixed(1)})`
);
console.log('| DASHBOARD_WARMUP_STORES | store manager | leadership |\n|---:|---|---|');
for (const stores of ['0', '20'])
	console.log(
		`| ${stores} | ${ROLES.map((r) =>
			results
				.filter((x) => x.stores === stores && x.role === r)
				.map((x) => x.ms.toFixed(0))
				.join(', ')
		).join(' | ')} |`
	);
