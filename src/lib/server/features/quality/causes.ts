import type { Database } from '$lib/server/core/db';
import { queryMetric, type MetricResult } from '$lib/server/metrics/query';
import { metricById } from '$lib/server/metrics/catalog';
import { num } from '$lib/server/features/overview/dashboard';
import { periodsOf, type DateRange } from '$lib/shared/dashboard/range';
import { benjaminiHochberg, FDR, twoProportionZ } from '$lib/shared/quality/stats';
import { category } from '$lib/shared/schema/vocabularies';
import type { ChangeRow } from '$lib/shared/quality/change';

/**
 * Cause analysis, every number from the metric catalog: the comparison Pareto of complaint categories,
 * the "what changed" decomposition of a rate between two periods, and the recurring problems.
 */

export interface ParetoCompare {
	items: { category: string; current: number; previous: number }[];
}

export async function comparePareto(
	db: Database,
	current: DateRange,
	previous: DateRange,
	scope: string[] | null,
	store: string | null
): Promise<ParetoCompare> {
	const filters = store ? { store: [store] } : {};
	const ask = (r: DateRange) =>
		queryMetric(db, { metric: 'complaint_count', from: r.from, to: r.to, grain: 'all', by: 'category', filters, scope });
	const [a, b] = await Promise.all([ask(current), ask(previous)]);
	const map = (res: MetricResult) => new Map(res.rows.map((r) => [String(r.group ?? ''), num(r.value) ?? 0]));
	const ca = map(a);
	const cb = map(b);
	const cats = [...new Set([...ca.keys(), ...cb.keys()])].filter((c) => c !== '');
	return {
		items: cats
			.map((c) => ({ category: c, current: ca.get(c) ?? 0, previous: cb.get(c) ?? 0 }))
			.sort((x, y) => y.current - x.current || y.previous - x.previous)
	};
}

export const CHANGE_METRICS = ['complaint_rate', 'csat'] as const;
export type ChangeMetric = (typeof CHANGE_METRICS)[number];
export const CHANGE_DIMS = { complaint_rate: ['store', 'category', 'channel', 'department'], csat: ['store', 'channel'] } as const;
export type ChangeDim = 'store' | 'category' | 'channel' | 'department';

export interface WhatChanged {
	metric: ChangeMetric;
	by: ChangeDim;
	before: number | null;
	after: number | null;
	rows: ChangeRow[];
}

type Cell = { x: number; n: number };

/**
 * Decomposes the change of a rate R = ΣX/ΣN between two periods. Split by store (each store's own
 * denominator): ΔR = Σ (w₁r₁ − w₀r₀) with w = Nₛ/N, r = Xₛ/Nₛ; rate effect w₁(r₁ − r₀), mix effect
 * (w₁ − w₀)r₀. Split by category, channel or department (which narrow only the numerator, see the
 * metric's passport): each part is Xₖ/N and contributes Xₖ₁/N₁ − Xₖ₀/N₀. Each part's change is tested
 * with a two-proportion z-test; p-values are adjusted by Benjamini-Hochberg across the parts.
 */
export async function whatChanged(
	db: Database,
	req: { metric: ChangeMetric; by: ChangeDim; current: DateRange; previous: DateRange; scope: string[] | null }
): Promise<WhatChanged> {
	const def = metricById(req.metric)!;
	const scale = def.kind === 'ratio' ? def.scale : 1;
	const ask = (r: DateRange, extra: object) =>
		queryMetric(db, { metric: req.metric, from: r.from, to: r.to, grain: 'all', filters: {}, scope: req.scope, ...extra });
	const [t1, t0] = await Promise.all([ask(req.current, {}), ask(req.previous, {})]);
	const total = (res: MetricResult): Cell => ({ x: num(res.rows[0]?.numerator) ?? 0, n: num(res.rows[0]?.denominator) ?? 0 });
	const T1 = total(t1);
	const T0 = total(t0);
	const cells1 = new Map<string, Cell>();
	const cells0 = new Map<string, Cell>();
	if (req.by === 'store') {
		const [a, b] = await Promise.all([ask(req.current, { by: 'store' }), ask(req.previous, { by: 'store' })]);
		for (const [res, m] of [
			[a, cells1],
			[b, cells0]
		] as const)
			for (const r of res.rows) if (typeof r.group === 'string') m.set(r.group, { x: num(r.numerator) ?? 0, n: num(r.denominator) ?? 0 });
	} else {
		// the parts are found by counting complaints per value, then each part's rate comes from the catalog
		const groupsOf = async (r: DateRange) =>
			(
				await queryMetric(db, {
					metric: 'complaint_count',
					from: r.from,
					to: r.to,
					grain: 'all',
					by: req.by,
					filters: {},
					scope: req.scope
				})
			).rows
				.map((x) => x.group)
				.filter((g): g is string => typeof g === 'string');
		const groups = [...new Set([...(await groupsOf(req.current)), ...(await groupsOf(req.previous))])];
		await Promise.all(
			groups.flatMap((g) =>
				(
					[
						[req.current, cells1],
						[req.previous, cells0]
					] as const
				).map(async ([r, m]) => {
					const res = await ask(r, { filters: { [req.by]: [g] } });
					m.set(g, { x: num(res.rows[0]?.numerator) ?? 0, n: num(res.rows[0]?.denominator) ?? 0 });
				})
			)
		);
	}
	const groups = [...new Set([...cells1.keys(), ...cells0.keys()])];
	const rows: ChangeRow[] = groups.map((g) => {
		const c1 = cells1.get(g) ?? { x: 0, n: 0 };
		const c0 = cells0.get(g) ?? { x: 0, n: 0 };
		const r1 = c1.n > 0 ? c1.x / c1.n : null;
		const r0 = c0.n > 0 ? c0.x / c0.n : null;
		let contribution: number;
		let rateEffect: number | null = null;
		let mixEffect: number | null = null;
		if (req.by === 'store') {
			const w1 = T1.n > 0 ? c1.n / T1.n : 0;
			const w0 = T0.n > 0 ? c0.n / T0.n : 0;
			rateEffect = r1 !== null && r0 !== null ? w1 * (r1 - r0) * scale : null;
			mixEffect = r0 !== null ? (w1 - w0) * r0 * scale : null;
			contribution = (w1 * (r1 ?? 0) - w0 * (r0 ?? 0)) * scale;
		} else {
			contribution = ((T1.n > 0 ? c1.x / T1.n : 0) - (T0.n > 0 ? c0.x / T0.n : 0)) * scale;
		}
		const test = twoProportionZ(c1.x, c1.n, c0.x, c0.n);
		return {
			group: g,
			before: r0 === null ? null : r0 * scale,
			after: r1 === null ? null : r1 * scale,
			contribution,
			rateEffect,
			mixEffect,
			p: test?.p ?? null,
			q: null,
			significant: false
		};
	});
	const q = benjaminiHochberg(rows.map((r) => r.p));
	rows.forEach((r, i) => {
		r.q = q[i] ?? null;
		r.significant = r.q !== null && r.q < FDR;
	});
	rows.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.group.localeCompare(b.group, 'zh-CN'));
	return {
		metric: req.metric,
		by: req.by,
		before: T0.n > 0 ? (T0.x / T0.n) * scale : null,
		after: T1.n > 0 ? (T1.x / T1.n) * scale : null,
		rows
	};
}

export const REPEAT_MONTHS = 6;
export const REPEAT_MIN = 4;
/** a month counts when the store's share of the category is at least this many times the chain's */
export const REPEAT_FACTOR = 1.2;
export const REPEAT_SHOWN = 15;

export interface RepeatRow {
	store: string;
	category: string;
	/** months (of REPEAT_MONTHS) in which the category's share of the store's complaints was REPEAT_FACTOR × the chain's or more */
	months: number;
	total: number;
	/** observed ÷ expected complaints of the category over the months (expected from the chain's category mix) */
	ratio: number | null;
	/** complaints per month, oldest first */
	counts: number[];
}

/**
 * Recurring problems (反复出现的问题): a store × category pair recurs when, in at least REPEAT_MIN of the
 * last REPEAT_MONTHS months, the category's share of the store's complaints was at least REPEAT_FACTOR
 * times its share in the whole chain (scope) that month, with at least 3 complaints. Comparing shares,
 * not rates, keeps stores with many complaints overall from showing every category. Strongest first.
 */
export async function recurringProblems(
	db: Database,
	lastDay: string,
	scope: string[] | null
): Promise<{ periods: string[]; rows: RepeatRow[] }> {
	const [y, mo] = lastDay.split('-').map(Number) as [number, number];
	const from = new Date(Date.UTC(y, mo - REPEAT_MONTHS, 1)).toISOString().slice(0, 10);
	const periods = periodsOf({ from, to: lastDay }, 'month');
	const results = await Promise.all(
		category.values.map(async (c) => ({
			c,
			res: await queryMetric(db, {
				metric: 'complaint_count',
				from,
				to: lastDay,
				grain: 'month',
				by: 'store',
				filters: { category: [c] },
				scope
			})
		}))
	);
	const key = (store: string, period: string) => `${store}\u0000${period}`;
	const cell = new Map<string, number>(); // category|store|period → count
	const storeTotal = new Map<string, number>();
	const chainCat = new Map<string, number>();
	const chainTotal = new Map<string, number>();
	const stores = new Set<string>();
	for (const { c, res } of results) {
		for (const r of res.rows) {
			if (typeof r.group !== 'string') continue;
			const v = num(r.value) ?? 0;
			const p = String(r.period);
			stores.add(r.group);
			cell.set(`${c}|${key(r.group, p)}`, v);
			storeTotal.set(key(r.group, p), (storeTotal.get(key(r.group, p)) ?? 0) + v);
			chainCat.set(`${c}|${p}`, (chainCat.get(`${c}|${p}`) ?? 0) + v);
			chainTotal.set(p, (chainTotal.get(p) ?? 0) + v);
		}
	}
	const out: RepeatRow[] = [];
	for (const c of category.values) {
		for (const store of stores) {
			let months = 0;
			let observed = 0;
			let expected = 0;
			const counts = periods.map((p) => {
				const x = cell.get(`${c}|${key(store, p)}`) ?? 0;
				const share = (chainTotal.get(p) ?? 0) > 0 ? (chainCat.get(`${c}|${p}`) ?? 0) / chainTotal.get(p)! : 0;
				const exp = share * (storeTotal.get(key(store, p)) ?? 0);
				observed += x;
				expected += exp;
				if (x >= 3 && x >= REPEAT_FACTOR * exp) months++;
				return x;
			});
			if (months >= REPEAT_MIN)
				out.push({ store, category: c, months, total: observed, ratio: expected > 0 ? observed / expected : null, counts });
		}
	}
	out.sort((a, b) => (b.ratio ?? 0) - (a.ratio ?? 0) || b.months - a.months);
	return { periods, rows: out.slice(0, REPEAT_SHOWN) };
}
