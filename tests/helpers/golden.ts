import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { expect } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { METRICS, ROLLUP_SOURCES, SOURCES, type Dimension, type FilterName, type MetricDef } from '../../src/lib/server/metrics/catalog';
import { GRAINS, holdsWholeMonth, holdsWholeWeek, WHOLE_MONTH_GRAINS, type Grain } from '../../src/lib/server/metrics/compile';
import { queryMetric, queryMetrics, rollupsReady, type MetricResult } from '../../src/lib/server/metrics/query';
import { verifyRollups } from '../../pipelines/rollups/maintain';
import type { KindId } from '../../src/lib/shared/schema';
import { load } from './db';

/**
 * The golden comparison of the rollup path with the raw path (tests/integration/*rollups.test.ts): the
 * request matrix of rolled metrics, and both paths asked the same request give the same rows.
 */

/** Two ranges over the generated data's 120 days from 2025-01-01, a scope of three stores, and filter values the data has. */
export const RANGES = [
	{ from: '2025-01-01', to: '2025-04-30' },
	{ from: '2025-02-10', to: '2025-03-20' }
] as const;
export const SCOPE = ['广州天河店', '苏州观前街店', '北京西单店'];
/**
 * For the rollups per month (percentiles, counts by a time's bucket), which read raw rows for the days of a month
 * a range covers in part: ranges that start and end inside a month, one of whole months, one ending on a month's
 * last day; and for those per week, one starting on a Monday (2025-01-20) and one ending on a Sunday (2025-03-23).
 */
export const PART_MONTH_RANGES = [
	{ from: '2025-01-15', to: '2025-04-10' },
	{ from: '2025-02-01', to: '2025-03-31' },
	{ from: '2025-01-20', to: '2025-03-31' },
	{ from: '2025-01-22', to: '2025-03-23' }
] as const;
export const FILTER_VALUES: Record<FilterName, readonly string[]> = {
	store: ['广州天河店', '北京西单店'],
	department: ['家电部', '服装部', '客服中心'],
	channel: ['电话', '在线', '现场'],
	category: ['商品质量', '服务态度', '价格']
};

/** The complaints' metrics a rollup answers (SLA compliance aside: its last days read raw rows), over RANGES, SCOPE and FILTER_VALUES. */
export const COMPLAINT_MATRIX: Matrix = {
	metrics: METRICS.filter((m) => m.rollup?.from.some((id) => ROLLUP_SOURCES[id].kind === 'complaints') && !m.rollup.sla),
	ranges: RANGES,
	scope: SCOPE,
	filterValues: FILTER_VALUES
};

export type Csv = Record<string, string>[];
export const readCsv = (file: string): Csv =>
	Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
export const writeCsv = (file: string, records: Csv) => writeFileSync(file, Papa.unparse(records));

/** '2025/1/3 14:05' or '2025-01-03 14:05:00' shifted by whole days, in the same format. */
export function shiftDays(t: string, days: number): string {
	const m = /^(\d{4})([/-])(\d{1,2})\2(\d{1,2}) (.*)$/u.exec(t);
	if (!m) return t;
	const d = new Date(Date.UTC(Number(m[1]), Number(m[3]) - 1, Number(m[4]) + days));
	if (m[2] === '-') return `${d.toISOString().slice(0, 10)} ${m[5]}`;
	return `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${m[5]}`;
}

/** Same rows; numbers equal (means, sums of fractions divided by a count, to 1e-9 relative). */
export function sameRows(a: MetricResult, b: MetricResult, what: string) {
	expect(a.rows.length, what).toBe(b.rows.length);
	a.rows.forEach((row, i) => {
		const other = b.rows[i]!;
		expect(Object.keys(row), what).toEqual(Object.keys(other));
		for (const [k, v] of Object.entries(row)) {
			const w = other[k];
			if (typeof v === 'number' && typeof w === 'number' && !Number.isInteger(v)) {
				expect(Math.abs(v - w), `${what} ${k}: ${v} vs ${w}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(w)));
			} else expect(v, `${what} row ${i} ${k}`).toEqual(w);
		}
	});
}

export interface Case {
	metric: MetricDef;
	grain: Grain;
	by?: Dimension;
	filters: Partial<Record<FilterName, readonly string[]>>;
	scope: string[] | null;
	range: { from: string; to: string };
}

export interface Matrix {
	metrics: readonly MetricDef[];
	ranges: readonly { from: string; to: string }[];
	scope: string[];
	/** a filter of each kind a source may take, with values the data has */
	filterValues: Record<FilterName, readonly string[]>;
}

/** The dimensions of a metric its rollup keeps (a cut it does not keep reads raw rows on both paths). */
export const rolledCuts = (m: MetricDef) =>
	m.dimensions.filter((d) => m.rollup!.from.some((id) => !m.rollup!.uncut?.includes(id) && ROLLUP_SOURCES[id].dimensions[d]));

/** Whether some rollup of the metric keeps the cut, the scope and every filter set (the planner's choice, limits and "now" aside). */
const covered = ({ metric, by, filters, grain, range, scope }: Case) =>
	metric.rollup!.from.some((id) => {
		const r = ROLLUP_SOURCES[id];
		return (
			(!by || (!!r.dimensions[by] && !metric.rollup!.uncut?.includes(id))) &&
			(!r.everyStore || scope === null) &&
			Object.entries(filters).every(([f, v]) => !v?.length || r.filters.includes(f as FilterName)) &&
			// a rollup per month: grains of whole months, over a range holding one at least
			(!r.wholeMonths || (WHOLE_MONTH_GRAINS.includes(grain) && holdsWholeMonth(range))) &&
			// a rollup per week: the grain of weeks, over a range holding one at least
			(!r.wholeWeeks || (grain === 'week' && holdsWholeWeek(range)))
		);
	});

/**
 * Every grain uncut, every kept cut by month; no filter, every filter the source takes, or stores only; all
 * stores or a scope; both ranges (daily rows over the second only) — the cases a rollup covers.
 */
export function fullMatrix({ metrics, ranges, scope, filterValues }: Matrix): Case[] {
	const out: Case[] = [];
	for (const metric of metrics) {
		const allowed = SOURCES[metric.source].filters;
		const filterSets: Case['filters'][] = [{}, Object.fromEntries(allowed.filter((f) => f !== 'store').map((f) => [f, filterValues[f]]))];
		if (allowed.includes('store')) filterSets.push({ store: filterValues.store });
		const cuts: [Grain, Dimension | undefined][] = [
			...GRAINS.map((g): [Grain, undefined] => [g, undefined]),
			...rolledCuts(metric).map((d): [Grain, Dimension] => ['month', d])
		];
		for (const [grain, by] of cuts)
			for (const filters of filterSets)
				for (const s of [null, scope])
					for (const range of ranges) {
						if (grain === 'day' && range === ranges[0]) continue; // one range of daily rows is enough
						const c: Case = { metric, grain, ...(by ? { by } : {}), filters, scope: s, range };
						if (covered(c)) out.push(c);
					}
	}
	return out;
}

/**
 * The cases of a matrix with no filter over every store: what the percentiles' part-periods are compared on after each
 * write. The tables are verified against the raw rows at each step (`verifyRollups`), so the filters and scopes, which
 * read those tables the same way whatever the write was, are compared over the whole matrix once, after the last step.
 */
export const unfiltered = (cases: Case[]): Case[] => cases.filter((c) => c.scope === null && Object.keys(c.filters).length === 0);

/** After each step: every rolled metric by each kept cut, monthly, the first range, all stores. */
export const quickMatrix = ({ metrics, ranges }: Pick<Matrix, 'metrics' | 'ranges'>): Case[] =>
	metrics.flatMap((metric) =>
		[undefined, ...rolledCuts(metric)].map((by) => ({ metric, grain: 'month' as Grain, by, filters: {}, scope: null, range: ranges[0]! }))
	);

/**
 * Cases asked at once: each is a few small queries, mostly one core's planning and set-up, so several at a time keep
 * both cores busy (the database's read slots bound them as they bound a page's requests).
 */
const AT_ONCE = 4;

/** Asks each case on both paths: the planned one must be the rollup, and the rows the same. Returns the cases with rows. */
export async function compare(db: Database, cases: Case[], asOf: string): Promise<number> {
	let rolled = 0;
	let next = 0;
	const ask = async (c: Case) => {
		const input = { metric: c.metric.id, grain: c.grain, by: c.by, filters: c.filters, scope: c.scope, ...c.range };
		const what = JSON.stringify({ ...input, metric: c.metric.id });
		const [viaRollup, viaRaw] = await Promise.all([queryMetric(db, input, { asOf }), queryMetric(db, input, { asOf, path: 'raw' })]);
		expect(viaRaw.path, what).toBe('raw');
		expect(viaRollup.path, what).toBe('rollup');
		sameRows(viaRollup, viaRaw, what);
		if (viaRollup.rows.length) rolled++;
	};
	await Promise.all(
		Array.from({ length: AT_ONCE }, async () => {
			while (next < cases.length) await ask(cases[next++]!);
		})
	);
	return rolled;
}

/**
 * `compare` over many cases, asked as a page asks (`queryMetrics`): the cases that differ only by their metric go
 * together, so the planned path and the raw path each answer a group in one query per relation — a few hundred
 * queries for a matrix of thousands of cases. Each case must still come back on the rollup path, with the raw
 * path's rows. That one request answers alone as it does in a group is its own test (rollups.test.ts, "several
 * measures in one query"); every `sample`th case is also asked alone on both paths here.
 */
export async function compareTogether(db: Database, cases: Case[], asOf: string, sample = 10): Promise<number> {
	const groups = new Map<string, Case[]>();
	for (const c of cases) {
		const key = JSON.stringify([c.grain, c.by ?? null, c.filters, c.scope, c.range]);
		groups.set(key, [...(groups.get(key) ?? []), c]);
	}
	const inputOf = (c: Case) => ({ metric: c.metric.id, grain: c.grain, by: c.by, filters: c.filters, scope: c.scope, ...c.range });
	let rolled = 0;
	for (const group of groups.values()) {
		const inputs = group.map(inputOf);
		const [viaRollup, viaRaw] = await Promise.all([queryMetrics(db, inputs, { asOf }), queryMetrics(db, inputs, { asOf, path: 'raw' })]);
		group.forEach((c, i) => {
			const what = JSON.stringify(inputs[i]);
			expect(viaRaw[i]!.path, what).toBe('raw');
			expect(viaRollup[i]!.path, what).toBe('rollup');
			sameRows(viaRollup[i]!, viaRaw[i]!, what);
			if (viaRollup[i]!.rows.length) rolled++;
		});
	}
	const every = Math.max(1, Math.floor(sample));
	const alone = cases.filter((_, i) => i % every === 0);
	await compare(db, alone, asOf);
	return rolled;
}

/** A file of `dir` loaded by the engine, committed; its batch id. */
export async function loaded(db: Database, dir: string, kind: KindId, file: string): Promise<number> {
	const s = await load(db, kind, join(dir, file));
	expect(s.status, `${kind} ${file}: ${JSON.stringify(s).slice(0, 1500)}`).toBe('committed');
	return s.batch_id!;
}

/** After a write: rollups current, equal to the raw rows, and every quick case the same on both paths. */
export async function checkStep(db: Database, matrix: Matrix, asOf: string, step: string) {
	expect(await rollupsReady(db), step).toBe(true);
	expect(await db.withConnection((c) => verifyRollups(c)), step).toEqual([]);
	expect(await compare(db, quickMatrix(matrix), asOf), step).toBeGreaterThan(matrix.metrics.length);
}
