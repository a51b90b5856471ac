/**
 * npm run bench -- scaling [--complaints 100000,1000000,5000000] [--repeat 10]
 *
 * Cost against size on this machine, for docs/scaling.md: for each size (survey responses twice the
 * complaints), generated data (kept in bench/tmp/) is loaded by the engine into a fresh database, the
 * database is exported as partitioned Parquet (npm run export-parquet), and the dashboards' metric
 * requests (bench/requests.ts) are timed as bare SQL over the database file and over the Parquet
 * files. Each step runs in its own process (its peak RSS is its own) and is stopped after 15 minutes.
 * The load average is recorded with every step: the machine is shared. Writes
 * bench/results/scaling-<complaints>.json; bench/plot-scaling.ts draws docs/scaling.svg from them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from '../pipelines/generate';

const { values } = parseArgs({
	args: process.argv.slice(2).filter((a) => a !== 'scaling'),
	options: { complaints: { type: 'string', default: '100000,1000000,5000000' }, repeat: { type: 'string', default: '10' } }
});
const sizes = values.complaints
	.split(',')
	.map(Number)
	.filter((n) => n > 0);
const repeat = Math.max(3, Number(values.repeat));
const log = (s: string) => process.stderr.write(`${s}\n`);
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const LIMIT_MS = 15 * 60_000;

function bytesUnder(path: string): number {
	const st = statSync(path);
	if (!st.isDirectory()) return st.size;
	return readdirSync(path).reduce((n, f) => n + bytesUnder(join(path, f)), 0);
}

function phase(args: string[]): Record<string, unknown> {
	const loadBefore = load();
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/scaling-phase.ts', ...args], {
		encoding: 'utf8',
		timeout: LIMIT_MS,
		maxBuffer: 1 << 24
	});
	if (r.status !== 0) throw new Error(`${args[0]} failed (${r.signal ?? r.status}): ${r.stderr.slice(-2000)}`);
	const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
	return { ...out, loadavg: { before: loadBefore, after: load() } };
}

mkdirSync('bench/results', { recursive: true });
for (const complaints of sizes) {
	const responses = complaints * 2;
	const tmp = resolve('bench/tmp', `scaling-${complaints}`);
	mkdirSync(tmp, { recursive: true });
	if (!existsSync(join(tmp, 'truth.json'))) {
		log(`generating ${complaints.toLocaleString()} complaints, ${responses.toLocaleString()} responses …`);
		await generate({ outDir: tmp, scale: complaints, seed: 1, surveys: responses, log: () => undefined });
	}
	const dbPath = join(tmp, 'bench.duckdb');
	const pqDir = join(tmp, 'parquet');
	log(`${complaints.toLocaleString()}: load …`);
	const loaded = phase(['load', tmp, dbPath]);
	const dbBytes = bytesUnder(dbPath);
	log(`  ${loaded.ms} ms; export …`);
	const exported = phase(['export', dbPath, pqDir]);
	const parquetBytes = bytesUnder(pqDir);
	log(`  ${exported.ms} ms; queries over the database …`);
	const overDb = phase(['query', dbPath, String(repeat), 'database']);
	log('  queries over Parquet …');
	const overParquet = phase(['query', pqDir, String(repeat), 'parquet']);
	const out = `bench/results/scaling-${complaints}.json`;
	writeFileSync(
		out,
		`${JSON.stringify(
			{
				benchmark: 'scaling',
				measured_at: new Date().toISOString(),
				machine: { cpus: cpus().length, memGb: Math.round(totalmem() / 2 ** 30) },
				complaints,
				responses,
				repeat,
				dbBytes,
				parquetBytes,
				load: loaded,
				export: exported,
				queries: { database: overDb, parquet: overParquet }
			},
			null,
			2
		)}\n`
	);
	log(`written ${out}`);
}
