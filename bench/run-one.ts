/**
 * One timed load in a fresh process, so its peak memory is its own: prints one JSON line
 * {ms, cpuMs, maxRssMb, rows}; cpuMs is the process's CPU time (all threads) over the same span as ms. Used by bench/ingest.ts; not a user command.
 * Every variant runs under the same DuckDB settings as the product (DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS: core/config.ts).
 *   tsx bench/run-one.ts <engine|bare|naive> <csv> <db> [kind]   (kind: the source kind loaded, default complaints)
 */
import { createReadStream, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import Papa from 'papaparse';
import { Database, duckdbOptions } from '../src/lib/server/core/db';
import { ingest } from '../pipelines/engine';

const [mode, csv, dbPath, kindArg] = process.argv.slice(2) as [string, string, string, string | undefined];
const kind = (kindArg ?? 'complaints') as 'complaints' | 'contacts';
rmSync(dbPath, { force: true });
rmSync(`${dbPath}.wal`, { force: true });

async function bare(): Promise<number> {
	const inst = await DuckDBInstance.create(dbPath, duckdbOptions(dbPath, true));
	const conn = await inst.connect();
	const t = start();
	await conn.run(`CREATE TABLE ${kind} AS SELECT * FROM read_csv($1)`, [csv]);
	const ms = stop(t);
	const r = await conn.runAndReadAll(`SELECT count(*) FROM ${kind}`);
	rows = Number(r.getRows()[0]![0]);
	conn.closeSync();
	inst.closeSync();
	return ms;
}

/** papaparse in the main thread, one Appender row per record: what a first attempt usually looks like. */
async function naive(): Promise<number> {
	const inst = await DuckDBInstance.create(dbPath, duckdbOptions(dbPath, true));
	const conn = await inst.connect();
	const t = start();
	let appender: Awaited<ReturnType<typeof conn.createAppender>> | null = null;
	let header: string[] | null = null;
	await new Promise<void>((resolve, reject) => {
		Papa.parse<string[]>(createReadStream(csv, 'utf8') as unknown as File, {
			step: (res, parser) => {
				const row = res.data;
				if (!header) {
					header = row;
					parser.pause();
					conn
						.run(`CREATE TABLE complaints (${row.map((_, i) => `c${i} VARCHAR`).join(', ')})`)
						.then(() => conn.createAppender('complaints'))
						.then((a) => {
							appender = a;
							parser.resume();
						}, reject);
					return;
				}
				if (row.length !== header.length) return;
				for (const v of row) {
					if (v === '') appender!.appendNull();
					else appender!.appendVarchar(v);
				}
				appender!.endRow();
				rows++;
			},
			complete: () => resolve(),
			error: reject
		});
	});
	appender!.flushSync();
	appender!.closeSync();
	const ms = stop(t);
	conn.closeSync();
	inst.closeSync();
	return ms;
}

async function engine(): Promise<number> {
	// as `npm run ingest` opens a file no server holds
	const db = await Database.open(dbPath, { alone: true });
	const t = start();
	const s = await ingest(db, { kind, filePath: csv, source: 'cli', createdBy: 'bench' });
	const ms = stop(t);
	if (s.status !== 'committed' || s.rows_rejected > 0) throw new Error(`engine did not load cleanly: ${s.status} ${s.message}`);
	rows = s.rows_loaded;
	db.close();
	return ms;
}

let rows = 0;
// CPU time over the same span as the wall time: unlike the wall time it hardly moves when other work shares the machine.
let cpuMs = 0;
function start() {
	return { wall: performance.now(), cpu: process.cpuUsage() };
}
function stop(t: ReturnType<typeof start>): number {
	const used = process.cpuUsage(t.cpu);
	cpuMs = Math.round((used.user + used.system) / 1000);
	return performance.now() - t.wall;
}
const ms = await ({ bare, naive, engine } as Record<string, () => Promise<number>>)[mode]!();
console.log(JSON.stringify({ ms: Math.round(ms), cpuMs, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), rows }));
rmSync(dbPath, { force: true });
rmSync(`${dbPath}.wal`, { force: true });
