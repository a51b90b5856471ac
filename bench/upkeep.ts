/**
 * npm run bench -- upkeep [--complaints 1000000] [--responses 1000000] [--from DB] [--rows 1000] [--big-rows 1000000]
 *                         [--repeat 3] [--tag T]
 *
 * What keeping the rollups current costs a load (issue goal: ≤ 10 % of a batch's load time, ≤ 200 ms for a
 * 1,000-row batch on a 5M table). On the load benchmark's base set (generated, or `--from` a database already
 * loaded), each batch is loaded by `npm run ingest`'s own entry (`node cli/start.js ingest`) into a fresh copy, with
 * SQA_PROFILE=1, and its steps read from the log: the upkeep ("rollups kept current": from the rows written to the
 * rollups current, inside the batch's transaction), the write, and the command's wall time. Batches:
 *   - `next-day`: `--rows` new complaints of the day after the base set's last (generated);
 *   - `spread-new`: `--rows` complaints arriving late, spread over the whole base set's span (generated, numbered
 *     apart from the stored ones);
 *   - `spread-replace`: `--rows` stored complaints, every n-th, sent again with each first response a minute later;
 *   - `big`: the load benchmark's register of `--big-rows` new complaints (0 leaves it out).
 * The small batches are loaded twice: by the command alone (its own process: DuckDB's pool starts cold), and handed to
 * the built server (`npm run build` first) after a first batch it loaded (the upkeep as a running server has it).
 * Against the bare engine in the same run, on the copy just loaded: the engine reading the file (`read_csv` into a
 * table), and the floor of the rollups — the batch's own rows aggregated into every complaint rollup table and
 * inserted by the bare engine (a sum of another rollup summing that one's new rows), nothing else: no rows that left,
 * no repeat gaps, no change tables. What any upkeep of these rollups costs at least. Medians of `--repeat` runs.
 * Writes bench/results/upkeep-<complaints or base>[-tag].json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { complaints as schema } from '../src/lib/shared/schema/complaints';
import { ROLLUP_TABLES, aggregateSql, columnsOf } from '../pipelines/rollups/tables';
import { FILES, generate } from '../pipelines/generate';
import { freePort, spawnApp } from '../tests/helpers/server';
import { loadOptions } from './load/args';
import { prepareData } from './load/data';

const { values } = parseArgs({
	args: process.argv.slice(2).filter((a) => a !== 'upkeep'),
	options: {
		complaints: { type: 'string', default: '1000000' },
		responses: { type: 'string', default: '1000000' },
		from: { type: 'string' },
		rows: { type: 'string', default: '1000' },
		'big-rows': { type: 'string', default: '1000000' },
		repeat: { type: 'string', default: '3' },
		tag: { type: 'string', default: '' }
	}
});
const rows = Math.max(10, Math.min(100_000, Math.floor(Number(values.rows))));
const bigRows = Math.max(0, Math.min(10_000_000, Math.floor(Number(values['big-rows']))));
const repeat = Math.max(1, Math.min(20, Math.floor(Number(values.repeat))));
const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

const o = loadOptions([
	'--complaints',
	values.complaints!,
	'--responses',
	values.responses!,
	// the register of new days: the big batch (a small one when left out: the load benchmark's data makes one)
	'--ingest-rows',
	String(bigRows || 1000),
	...(values.from ? ['--from', values.from] : [])
]);
const data = await prepareData(o, log);
const dir = resolve('bench/tmp', `upkeep-${basename(data.baseDir)}-${rows}`);
mkdirSync(dir, { recursive: true });

// ---------- the batches ----------
const batchFiles = {
	'next-day': join(dir, 'next-day.csv'),
	'spread-new': join(dir, 'spread-new.csv'),
	'spread-replace': join(dir, 'spread-replace.csv')
};
const files: Record<string, string> = { ...batchFiles };
/** the server's first batch, before the measured ones: the day after the next day's */
const warmUp = join(dir, 'warm-up.csv');
if ([...Object.values(files), warmUp].some((f) => !existsSync(f))) {
	const engine = await DuckDBInstance.create(data.template, { access_mode: 'READ_ONLY' });
	const conn = await engine.connect();
	const [total, first, days, next, after] = (
		await conn.runAndReadAll(
			`SELECT count(*), strftime(min(received_at)::DATE, '%Y-%m-%d'), max(received_at)::DATE - min(received_at)::DATE + 1,
			        strftime(max(received_at)::DATE + 1, '%Y-%m-%d'), strftime(max(received_at)::DATE + 2, '%Y-%m-%d') FROM complaints`
		)
	).getRowsJS()[0] as [bigint, string, bigint, string, string];
	// every n-th stored complaint, as a register exports it (the schema's first header of each column)
	const every = Math.max(1, Math.floor(Number(total) / rows));
	const exported = (id: string, firstResponse: string) =>
		schema.columns
			.map((c) => {
				const header = `"${c.aliases[0]}"`;
				if (c.name === 'complaint_id') return `${id} AS ${header}`;
				const col = c.name === 'first_response_at' ? firstResponse : c.name;
				if (c.type === 'timestamp') return `strftime(${col}, '%Y-%m-%d %H:%M:%S') AS ${header}`;
				if (c.type === 'boolean') return `CASE ${col} WHEN true THEN '是' WHEN false THEN '否' END AS ${header}`;
				return `${col} AS ${header}`;
			})
			.join(', ');
	const picked = `(SELECT * FROM (SELECT *, row_number() OVER (ORDER BY received_at, complaint_id) AS i FROM complaints) WHERE i % ${every} = 0 LIMIT ${rows})`;
	const quoted = (file: string) => `'${file.replaceAll("'", "''")}'`;
	await conn.run(
		`COPY (SELECT ${exported('complaint_id', 'first_response_at + INTERVAL 1 MINUTE')} FROM ${picked} ORDER BY received_at) TO ${quoted(batchFiles['spread-replace'])} (HEADER, DELIMITER ',')`
	);
	// the chain's registers generated: of the day after the base set's last, and of its whole span (numbered apart from
	// the stored ones: complaints arriving late, of the customers the generator draws, some of them repeat callers)
	const generated = async (name: string, from: string, span: number, seed: number) => {
		await generate({ outDir: join(dir, name), scale: rows, seed, surveys: 100, contactsPerComplaint: 0, from, days: span, log });
		return join(dir, name, FILES.complaints);
	};
	copyFileSync(await generated('next-day', next, 1, 4), batchFiles['next-day']);
	copyFileSync(await generated('warm-up', after, 1, 6), warmUp);
	const spread = await generated('spread', first, Number(days), 5);
	const id = `"${schema.columns[0]!.aliases[0]}"`;
	await conn.run(
		`COPY (SELECT * REPLACE ('L' || ${id} AS ${id}) FROM read_csv(${quoted(spread)}, all_varchar = true)) TO ${quoted(batchFiles['spread-new'])} (HEADER, DELIMITER ',')`
	);
	conn.closeSync();
	engine.closeSync();
}
if (bigRows > 0) files.big = data.ingestFile;

// ---------- the runs ----------
interface Run {
	upkeep: number;
	write: number;
	wall: number;
	loaded: number;
	floor: number;
	bare: number;
}
const runDir = join(dir, 'run');
const dbPath = join(runDir, 'upkeep.duckdb');

/** A fresh copy of the base set at `dbPath`. */
function freshCopy(): void {
	rmSync(runDir, { recursive: true, force: true });
	mkdirSync(runDir, { recursive: true });
	copyFileSync(data.template, dbPath);
	if (existsSync(`${data.template}.keys.json`)) copyFileSync(`${data.template}.keys.json`, `${dbPath}.keys.json`);
}

/** `npm run ingest -- complaints <file>` into `dbPath` (handed to the server when one runs on it), with the profile on. */
async function ingestCommand(file: string): Promise<{ err: string; wall: number; loaded: number }> {
	const started = performance.now();
	const out = await new Promise<{ code: number | null; err: string; json: string }>((ok) => {
		const cli = spawn(process.execPath, ['cli/start.js', 'ingest', 'complaints', file, '--db', dbPath, '--json', '--as', 'upkeep-bench'], {
			env: { ...process.env, SQA_PROFILE: '1', LOG_LEVEL: 'info' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let err = '';
		let json = '';
		cli.stdout.on('data', (b: Buffer) => (json += b.toString()));
		cli.stderr.on('data', (b: Buffer) => (err += b.toString()));
		cli.on('close', (code) => ok({ code, err, json }));
	});
	const wall = performance.now() - started;
	const summary = JSON.parse(out.json || '{}') as { status?: string; rows_loaded?: number };
	if (out.code !== 0 || summary.status !== 'committed')
		throw new Error(`ingest of ${file}: exit ${out.code}, ${summary.status}\n${out.err.slice(-2000)}`);
	return { err: out.err, wall, loaded: Number(summary.rows_loaded) };
}

/** The upkeep and the write of the one complaint load whose profile `log` holds (JSON lines). */
function profiled(log: string, file: string): { upkeep: number; write: number } {
	const steps = new Map<string, number>();
	for (const line of log.split('\n')) {
		if (!line.startsWith('{')) continue;
		const entry = JSON.parse(line) as { profile?: string; step?: string; ms?: number };
		if (entry.profile === 'complaints' && entry.step && typeof entry.ms === 'number') steps.set(entry.step, entry.ms);
	}
	const upkeep = steps.get('rollups kept current');
	const write = steps.get('write');
	if (upkeep === undefined || write === undefined) throw new Error(`ingest of ${file}: no profile of the upkeep in its log`);
	return { upkeep, write };
}

/** One load of `file` into a fresh copy of the base set, by the ingest command alone (a process of its own, DuckDB's pool cold). */
async function load(file: string): Promise<Omit<Run, 'floor' | 'bare'>> {
	freshCopy();
	const run = await ingestCommand(file);
	return { ...profiled(run.err, file), wall: run.wall, loaded: run.loaded };
}

/**
 * Each small batch loaded through the server, on a fresh copy of the base set: the built server started on it, a first
 * batch loaded (`warm-up`, not counted), then each batch handed to it by the ingest command, one after the other: the
 * upkeep as a running server has it, with what earlier loads read in DuckDB's pool.
 */
async function loadServed(names: readonly string[]): Promise<Record<string, Omit<Run, 'floor' | 'bare'>>> {
	freshCopy();
	const logFile = join(runDir, 'server.log');
	const app = await spawnApp(dbPath, await freePort(), { SQA_PROFILE: '1', LOG_LEVEL: 'info' }, { logFile, startTimeoutMs: 300_000 });
	const out: Record<string, Omit<Run, 'floor' | 'bare'>> = {};
	try {
		await ingestCommand(warmUp);
		for (const name of names) {
			const before = readFileSync(logFile, 'utf8').length;
			const run = await ingestCommand(files[name]!);
			// (the server writes its log line by line: the batch's last step is in before the command hears back)
			out[name] = { ...profiled(readFileSync(logFile, 'utf8').slice(before), name), wall: run.wall, loaded: run.loaded };
		}
	} finally {
		app.child.kill('SIGTERM');
		await app.exited;
	}
	return out;
}

/** The bare engine on the copy just loaded: the file read into a table, and the floor of the batch's rollups. */
async function bare(file: string): Promise<{ floor: number; bare: number }> {
	const engine = await DuckDBInstance.create(dbPath);
	const conn = await engine.connect();
	try {
		const timed = async (sql: string) => {
			const t = performance.now();
			await conn.run(sql);
			return performance.now() - t;
		};
		const batch = Number((await conn.runAndReadAll('SELECT max(batch_id) FROM complaints')).getRows()[0]![0]);
		await conn.run('BEGIN TRANSACTION');
		let floor = 0;
		const tables = ROLLUP_TABLES.filter((r) => r.kind === 'complaints');
		for (const t of tables) {
			const cols = columnsOf(t).join(', ');
			// a sum of another rollup sums that one's rows of the batch, as the upkeep does (kept meanwhile in a temp table)
			if (t.sumOf) {
				floor += await timed(`INSERT INTO ${t.table} (${cols}) ${aggregateSql(t, '', null, `floor_${t.sumOf}`, 'summed')}`);
				continue;
			}
			const fill = aggregateSql(t, `s.batch_id = ${batch}`, 'stored');
			if (tables.some((r) => r.sumOf === t.table)) {
				floor += await timed(`CREATE TEMP TABLE floor_${t.table} AS ${fill}`);
				floor += await timed(`INSERT INTO ${t.table} (${cols}) SELECT ${cols} FROM floor_${t.table}`);
			} else floor += await timed(`INSERT INTO ${t.table} (${cols}) ${fill}`);
		}
		await conn.run('ROLLBACK');
		const read = await timed(`CREATE TEMP TABLE bare AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}', all_varchar = true)`);
		return { floor, bare: read };
	} finally {
		conn.closeSync();
		engine.closeSync();
	}
}

const load0 = loadavg()[0]!;
const results: Record<string, Run[]> = {};
const small = Object.keys(batchFiles);
for (let i = 0; i < repeat; i++) {
	for (const [name, file] of Object.entries(files)) {
		const run = { ...(await load(file)) };
		const engine = await bare(file);
		(results[name] ??= []).push({ ...run, ...engine });
		log(
			`${name} #${i + 1}: ${run.loaded.toLocaleString()} rows, upkeep ${run.upkeep} ms of a ${Math.round(run.wall)} ms load (write ${run.write}); floor ${Math.round(engine.floor)}, bare read ${Math.round(engine.bare)} ms`
		);
	}
	// the same small batches through a running server (the floor and the bare read as measured alone just before)
	const served = await loadServed(small);
	for (const name of small) {
		const run = served[name]!;
		const alone = results[name]!.at(-1)!;
		(results[`${name} (server)`] ??= []).push({ ...run, floor: alone.floor, bare: alone.bare });
		log(`${name} (server) #${i + 1}: upkeep ${run.upkeep} ms of a ${Math.round(run.wall)} ms load (write ${run.write})`);
	}
}
rmSync(runDir, { recursive: true, force: true });
const load1 = loadavg()[0]!;

const summary = Object.fromEntries(
	Object.entries(results).map(([name, runs]) => {
		const m = (k: keyof Run) => median(runs.map((r) => r[k]));
		const upkeepShare = median(runs.map((r) => r.upkeep / r.wall));
		const floorShare = median(runs.map((r) => r.floor / r.wall));
		return [
			name,
			{
				rows: m('loaded'),
				upkeep_ms: m('upkeep'),
				upkeep_range_ms: [Math.min(...runs.map((r) => r.upkeep)), Math.max(...runs.map((r) => r.upkeep))],
				write_ms: m('write'),
				load_ms: Math.round(m('wall')),
				upkeep_share: upkeepShare,
				floor_ms: Math.round(m('floor')),
				floor_share: floorShare,
				upkeep_x_floor: median(runs.map((r) => r.upkeep / r.floor)),
				bare_read_ms: Math.round(m('bare')),
				load_x_bare_read: median(runs.map((r) => r.wall / r.bare))
			}
		];
	})
);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
console.log(
	`\nRollup upkeep, ${basename(data.template)} of ${o.from ?? `${o.complaints.toLocaleString()} complaints`}; median of ${repeat}; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}\n`
);
console.log('| batch | rows | upkeep ms (range) | load ms | upkeep ÷ load | floor ms | floor ÷ load | upkeep × floor | bare read ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, s] of Object.entries(summary))
	console.log(
		`| ${name} | ${s.rows.toLocaleString()} | ${s.upkeep_ms} (${s.upkeep_range_ms.join('–')}) | ${s.load_ms.toLocaleString()} | ${pct(s.upkeep_share)} | ${s.floor_ms} | ${pct(s.floor_share)} | ${s.upkeep_x_floor.toFixed(2)}× | ${s.bare_read_ms} |`
	);
const out = resolve(
	'bench/results',
	`upkeep-${o.from ? basename(o.from, '.duckdb') : o.complaints}${values.tag ? `-${values.tag}` : ''}.json`
);
mkdirSync(resolve('bench/results'), { recursive: true });
writeFileSync(
	out,
	JSON.stringify(
		{
			at: new Date().toISOString(),
			commit: execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim(),
			base: o.from ?? { complaints: o.complaints, responses: o.responses },
			repeat,
			loadavg: [load0, load1],
			summary,
			runs: results
		},
		null,
		2
	)
);
log(`\nwritten: ${out}`);
