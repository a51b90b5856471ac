/**
 * The load benchmark's report: throughput, p50/p95/p99 per phase and per endpoint, errors, the server's
 * CPU and RSS, the /healthz probe and the load average, printed as Markdown tables and written to
 * bench/results/load-<complaints>-<ingest rows>[-<tag>].json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { LoadOptions } from './args';
import type { Meta } from './data';
import { PHASES, type Measurements, type Phase, type Sample } from './measure';

/** What the run did besides the users: the ingest beside them, the accounts, the server's peak. */
export interface RunFacts {
	meta: Meta;
	roles: Record<string, number>;
	ingest: { code: number | null; summary: { status?: string; rows_loaded?: number; batch_id?: number } };
	peakRssMb: number;
}

/** The p-th percentile (nearest rank), null when there is nothing to rank. */
const pct = (xs: number[], p: number) => {
	if (!xs.length) return null;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const stats = (xs: Sample[], secs: number) => {
	const ms = xs.map((s) => s.ms);
	return {
		requests: xs.length,
		perSecond: xs.length / secs,
		p50: pct(ms, 50),
		p95: pct(ms, 95),
		p99: pct(ms, 99),
		max: ms.length ? Math.max(...ms) : null,
		errors: xs.filter((s) => s.error).length
	};
};
type Stats = ReturnType<typeof stats>;
const f = (n: number | null, d = 0) => (n === null ? '–' : n.toFixed(d));

export function report(o: LoadOptions, m: Measurements, run: RunFacts): void {
	const { samples, probes, monitor, phaseTimes } = m;
	const seconds = (ph: Phase) => (phaseTimes[ph].end - phaseTimes[ph].start) / 1000;
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
		(typeof PHASES)[number],
		Stats & {
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
		) as Record<(typeof PHASES)[number], Stats>)
	}));
	const ratio = phases.idle.p95 && phases.ingest.p95 ? phases.ingest.p95 / phases.idle.p95 : null;
	// a page as people wait for it: its HTML, or its data on a filter change
	const pageMaxMs = Object.fromEntries(
		PHASES.map((ph) => [
			ph,
			pct(
				samples.filter((s) => s.phase === ph && /^(page|data) /u.test(s.endpoint)).map((s) => s.ms),
				100
			)
		])
	) as Record<Phase, number | null>;
	const totalErrors = samples.filter((s) => s.error).length;
	const { summary } = run.ingest;
	const [thinkMin, thinkMax] = o.thinkMs;

	console.log(
		`\nload: ${o.users} users (server UV_THREADPOOL_SIZE ${o.threadpool}), ${o.complaints.toLocaleString()} complaints + ${o.responses.toLocaleString()} responses loaded, ${o.ingestRows.toLocaleString()} complaints ingested meanwhile; think ${thinkMin}-${thinkMax} ms; ${cpus().length} CPUs`
	);
	console.log(
		'| phase | s | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | slowest page ms | errors | /healthz p95 ms | server CPU (cores) | server RSS max MB | load avg (1 min) |'
	);
	console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
	for (const ph of PHASES) {
		const p = phases[ph];
		console.log(
			`| ${ph} | ${f(p.seconds, 1)} | ${p.requests} | ${f(p.perSecond, 1)} | ${f(p.p50)} | ${f(p.p95)} | ${f(p.p99)} | ${f(p.max)} | ${f(pageMaxMs[ph])} | ${p.errors} | ${f(p.healthzP95)} | ${f(p.serverCpuCores, 2)} | ${f(p.serverRssMbMax)} | ${f(p.loadAvg1Mean, 1)} (max ${f(p.loadAvg1Max, 1)}) |`
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
		`\ningest: ${summary.status ?? `exit ${run.ingest.code}`}, ${summary.rows_loaded?.toLocaleString() ?? '?'} rows in ${f(seconds('ingest'), 1)} s under load`
	);
	console.log(
		`errors: ${totalErrors}; p95 during ingest ÷ idle: ${f(ratio, 2)}× (goal ≤ 2×); slowest page during ingest ${f(pageMaxMs.ingest)} ms (goal ≤ 1000); server peak RSS ${f(run.peakRssMb)} MB (goal ≤ 1024)`
	);
	for (const e of m.errorSamples.slice(0, 5)) console.log(`  error: ${e.phase} ${e.endpoint} → ${e.error}`);

	mkdirSync('bench/results', { recursive: true });
	const out = `bench/results/load-${o.complaints}-${o.ingestRows}${o.tag ? `-${o.tag}` : ''}.json`;
	writeFileSync(
		out,
		`${JSON.stringify(
			{
				date: new Date().toISOString(),
				machine: { cpus: cpus().length, memGb: Math.round(totalmem() / 2 ** 30), shared: true },
				data: {
					complaints: o.complaints,
					responses: o.responses,
					span: { from: run.meta.first, to: run.meta.last },
					stores: run.meta.stores.length
				},
				settings: {
					users: o.users,
					threadpool: o.threadpool,
					warmupS: o.warmupS,
					idleS: o.idleS,
					afterS: o.afterS,
					thinkMs: [thinkMin, thinkMax],
					maxRequests: o.maxRequests,
					maxS: o.maxS
				},
				roles: run.roles,
				ingest: {
					rows: o.ingestRows,
					seconds: seconds('ingest'),
					exitCode: run.ingest.code,
					summary: { status: summary.status, rows_loaded: summary.rows_loaded, batch_id: summary.batch_id }
				},
				phases,
				ingestP95OverIdle: ratio,
				pageMaxMs,
				errors: totalErrors,
				errorSamples: m.errorSamples,
				serverPeakRssMb: run.peakRssMb,
				perEndpoint
			},
			null,
			2
		)}\n`
	);
	console.log(`written ${out}`);
}
