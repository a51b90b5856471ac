/**
 * tsx bench/plot-scaling.ts: docs/scaling.svg from bench/results — cost against rows on this machine.
 * Lines (log-log): the slowest dashboard request's p95 and the median request's p50 over the database
 * file and over the Parquet export (bench/results/scaling-*.json), the slowest request's HTTP p95
 * through the server (bench/results/queries-*.json), and the time to load and to export everything;
 * the 250 ms p95 goal as a line. Drawn with ECharts' server-side SVG renderer.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as echarts from 'echarts';

interface Timed {
	query: string;
	p50: number;
	p95: number;
}
interface Phase {
	ms: number;
	peakRssMb: number;
	loadavg: { before: number[]; after: number[] };
}
interface QueryPhase {
	queries: Timed[];
	peakRssMb: number;
	loadavg: { before: number[]; after: number[] };
}
interface Scaling {
	complaints: number;
	responses: number;
	dbBytes: number;
	parquetBytes: number;
	load: Phase;
	export: Phase;
	queries: { database: QueryPhase; parquet: QueryPhase };
}
interface Queries {
	complaints: number;
	queries: { httpP95: number }[];
}

const dir = 'bench/results';
const read = <T>(prefix: string) =>
	readdirSync(dir)
		.filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
		.map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as T);
const scaling = read<Scaling>('scaling-').sort((a, b) => a.complaints - b.complaints);
const queries = read<Queries>('queries-').sort((a, b) => a.complaints - b.complaints);

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (n: number) => Math.round(n);
const line = (name: string, points: [number, number][], dashed = false) => ({
	name,
	type: 'line' as const,
	data: points,
	symbolSize: 7,
	lineStyle: { width: 2, type: dashed ? ('dashed' as const) : ('solid' as const) },
	label: { show: true, fontSize: 10, formatter: (p: { value: [number, number] }) => String(round(p.value[1])) }
});

const series = [
	line(
		'最慢请求 p95，DuckDB 文件 / slowest request p95, database file',
		scaling.map((s) => [s.complaints, Math.max(...s.queries.database.queries.map((q) => q.p95))])
	),
	line(
		'最慢请求 p95，Parquet / slowest request p95, Parquet',
		scaling.map((s) => [s.complaints, Math.max(...s.queries.parquet.queries.map((q) => q.p95))]),
		true
	),
	line(
		'请求 p50 中位，DuckDB 文件 / median request p50, database file',
		scaling.map((s) => [s.complaints, median(s.queries.database.queries.map((q) => q.p50))])
	),
	line(
		'请求 p50 中位，Parquet / median request p50, Parquet',
		scaling.map((s) => [s.complaints, median(s.queries.parquet.queries.map((q) => q.p50))]),
		true
	),
	line(
		'最慢请求 HTTP p95（bench queries）/ slowest HTTP p95',
		queries.map((q) => [q.complaints, Math.max(...q.queries.map((r) => r.httpP95))])
	),
	line(
		'全部导入 / load everything',
		scaling.map((s) => [s.complaints, s.load.ms])
	),
	line(
		'Parquet 导出 / export',
		scaling.map((s) => [s.complaints, s.export.ms]),
		true
	)
];

const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 960, height: 600 });
chart.setOption({
	animation: false,
	backgroundColor: '#fff',
	title: { text: '成本与数据量 / cost against rows (2 cores, shared; ms, log scales)', left: 'center', textStyle: { fontSize: 15 } },
	legend: { top: 40, type: 'plain', textStyle: { fontSize: 11 }, width: 900 },
	grid: { left: 70, right: 30, top: 140, bottom: 60 },
	xAxis: {
		type: 'log',
		name: '投诉行数（问卷 ×2）/ complaints (responses ×2)',
		nameLocation: 'middle',
		nameGap: 35,
		min: 50_000,
		max: 10_000_000,
		axisLabel: { formatter: (v: number) => (v >= 1e6 ? `${v / 1e6}M` : `${v / 1e3}k`) }
	},
	yAxis: { type: 'log', name: 'ms', min: 10, max: 1_000_000 },
	series: [
		...series,
		{
			name: 'p95 目标 250 ms / goal',
			type: 'line',
			data: [],
			markLine: {
				silent: true,
				symbol: 'none',
				lineStyle: { color: '#c00', type: 'dotted' },
				label: { formatter: 'p95 目标 250 ms', position: 'insideEndTop' },
				data: [{ yAxis: 250 }]
			}
		}
	]
});
writeFileSync('docs/scaling.svg', `${chart.renderToSVGString()}\n`);
chart.dispose();
console.log(`docs/scaling.svg: ${scaling.length} scaling runs, ${queries.length} query runs\n`);

// the tables of docs/scaling.md, from the same files
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
const s1 = (ms: number) => (ms / 1000).toFixed(1);
const la = (p: { loadavg: { before: number[]; after: number[] } }) =>
	`${p.loadavg.before[0]!.toFixed(1)}–${p.loadavg.after[0]!.toFixed(1)}`;
const under = (q: QueryPhase) => q.queries.filter((t) => t.p95 <= 250).length;
const summary = (q: QueryPhase) =>
	`${round(median(q.queries.map((t) => t.p50)))} / ${round(Math.max(...q.queries.map((t) => t.p95)))} / ${under(q)} of ${q.queries.length} | ${q.peakRssMb} | ${la(q)}`;
console.log(
	'| complaints + responses | file MB | Parquet MB | load all: s | RSS MB | load avg | export: s | RSS MB | load avg | over the file: median p50 / slowest p95 ms / p95 ≤ 250 | RSS MB | load avg | over Parquet: median p50 / slowest p95 ms / p95 ≤ 250 | RSS MB | load avg |'
);
console.log('|---|---:|---:|---:|---:|---|---:|---:|---|---|---:|---|---|---:|---|');
for (const r of scaling) {
	console.log(
		`| ${(r.complaints / 1e6).toString()}M + ${(r.responses / 1e6).toString()}M | ${mb(r.dbBytes)} | ${mb(r.parquetBytes)} | ${s1(r.load.ms)} | ${r.load.peakRssMb} | ${la(r.load)} | ${s1(r.export.ms)} | ${r.export.peakRssMb} | ${la(r.export)} | ${summary(r.queries.database)} | ${summary(r.queries.parquet)} |`
	);
}
console.log(`\n| request (p95 ms: file / Parquet) | ${scaling.map((r) => `${r.complaints / 1e6}M`).join(' | ')} |`);
console.log(`|---|${scaling.map(() => '---:').join('|')}|`);
for (const [i, t] of scaling[0]!.queries.database.queries.entries()) {
	console.log(
		`| ${t.query} | ${scaling.map((r) => `${round(r.queries.database.queries[i]!.p95)} / ${round(r.queries.parquet.queries[i]!.p95)}`).join(' | ')} |`
	);
}
