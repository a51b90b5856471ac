/**
 * One phase of the scaling benchmark in a fresh process, so its peak memory is its own; prints one
 * JSON line. Used by bench/scaling.ts; not a user command.
 *   tsx bench/scaling-phase.ts load <dataDir> <db>
 *   tsx bench/scaling-phase.ts export <db> <parquetDir>
 *   tsx bench/scaling-phase.ts query <db|parquetDir> <repeat> <database|parquet>
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../pipelines/generate';
import { ingest } from '../pipelines/engine';
import type { KindId } from '../src/lib/shared/schema';
import { Database, queryRows } from '../src/lib/server/core/db';
import { exportParquet } from '../src/lib/server/core/db/export-parquet';
import { compileMetric } from '../src/lib/server/metrics/compile';
import { REQUESTS, requestInput } from './requests';

const [phase, a, b, c] = process.argv.slice(2) as [string, string, string, string | undefined];
const peakRssMb = () => Number(/VmHWM:\s+(\d+)/u.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((x, y) => x - y);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

if (phase === 'load') {
	rmSync(b, { force: true });
	rmSync(`${b}.wal`, { force: true });
	const db = await Database.open(b);
	const kinds: Record<string, { rows: number; ms: number }> = {};
	const t0 = performance.now();
	for (const kind of ['staff', 'traffic', 'complaints', 'surveys', 'appraisals'] as KindId[]) {
		const t = performance.now();
		const s = await ingest(db, { kind, filePath: join(a, FILES[kind]), source: 'cli', createdBy: 'bench' });
		kinds[kind] = { rows: s.rows_loaded, ms: Math.round(performance.now() - t) };
	}
	const ms = Math.round(performance.now() - t0);
	await db.withConnection((conn) => conn.run('CHECKPOINT'));
	db.close();
	console.log(JSON.stringify({ ms, kinds, peakRssMb: Math.round(peakRssMb()) }));
} else if (phase === 'export') {
	rmSync(b, { recursive: true, force: true });
	const db = await Database.open(a);
	const t = performance.now();
	const manifest = await exportParquet(db, b);
	const ms = Math.round(performance.now() - t);
	db.close();
	console.log(
		JSON.stringify({ ms, rows: Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0), peakRssMb: Math.round(peakRssMb()) })
	);
} else if (phase === 'query') {
	const repeat = Number(b);
	const db = c === 'parquet' ? await Database.openParquet(a) : await Database.open(a);
	const out = await db.withConnection(async (conn) => {
		const [row] = await queryRows<{ last: string }>(conn, `SELECT strftime(max(received_at)::DATE, '%Y-%m-%d') AS last FROM complaints`);
		const last = row?.last;
		const to = last!;
		const from = `${Number(to.slice(0, 4)) - 1}-${to.slice(5, 7)}-01`; // about twelve months, as bench/queries.ts
		const asOf = `${to} 23:59:00`;
		const queries = [];
		for (const r of REQUESTS) {
			const q = compileMetric(requestInput(r, from, to), { asOf });
			await conn.runAndReadAll(q.sql, q.params); // warm
			const runs: number[] = [];
			for (let i = 0; i < repeat; i++) {
				const t = performance.now();
				await conn.runAndReadAll(q.sql, q.params);
				runs.push(performance.now() - t);
			}
			queries.push({ query: r.name, p50: pct(runs, 50), p95: pct(runs, 95) });
		}
		return { range: { from, to }, queries };
	});
	db.close();
	console.log(JSON.stringify({ ...out, peakRssMb: Math.round(peakRssMb()) }));
} else {
	console.error('usage: tsx bench/scaling-phase.ts load|export|query …');
	process.exit(2);
}
