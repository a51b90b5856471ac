import type { Database } from '$lib/server/core/db';
import { queryMetric } from '$lib/server/metrics/query';
import { metricById } from '$lib/server/metrics/catalog';
import { num } from '$lib/server/features/overview/dashboard';
import { twoProportionZ, welchT } from '$lib/shared/quality/stats';
import { monthAfter, type AlertRow } from './alerts';
import { isChartId, QC_CHARTS } from './charts';

/**
 * Did the action work? For an alert whose status moved on (in progress or closed), the months after the
 * action are compared with the six months up to the alert: p/u charts by a pooled two-proportion z-test of
 * numerators over denominators, XmR charts by Welch's t on the monthly values. Direction from the catalog.
 */
export const BEFORE_MONTHS = 6;

export interface FollowUp {
	before: { from: string; to: string; value: number | null };
	after: { from: string; to: string; value: number | null } | null;
	p: number | null;
	outcome: 'improved' | 'worse' | 'no_shift' | 'waiting';
	actionPeriod: string;
}

const monthEnd = (first: string) => {
	const [y, m] = first.split('-').map(Number) as [number, number];
	return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const monthsBack = (first: string, n: number) => {
	const [y, m] = first.split('-').map(Number) as [number, number];
	return new Date(Date.UTC(y, m - 1 - n, 1)).toISOString().slice(0, 10);
};

export async function followUp(db: Database, alert: AlertRow, lastDay: string): Promise<FollowUp | null> {
	if (alert.status === 'new' || !alert.chart || !isChartId(alert.chart)) return null;
	const def = QC_CHARTS[alert.chart];
	const actionPeriod = monthAfter(alert.closed_ms ?? alert.updated_ms);
	const before = { from: monthsBack(alert.period, BEFORE_MONTHS - 1), to: monthEnd(alert.period) };
	const filters = alert.scope_kind === 'store' ? { store: [alert.scope] } : {};
	const ask = (r: { from: string; to: string }, grain: 'all' | 'month') =>
		queryMetric(db, { metric: def.metric, from: r.from, to: r.to, grain, filters, scope: null });
	const direction = metricById(def.metric)!.direction;
	if (actionPeriod > lastDay) {
		const b = await ask(before, 'all');
		return { before: { ...before, value: num(b.rows[0]?.value) }, after: null, p: null, outcome: 'waiting', actionPeriod };
	}
	const after = { from: actionPeriod, to: lastDay };
	const [b, a] = await Promise.all([ask(before, def.kind === 'xmr' ? 'month' : 'all'), ask(after, def.kind === 'xmr' ? 'month' : 'all')]);
	let p: number | null;
	let vb: number | null;
	let va: number | null;
	if (def.kind === 'xmr') {
		const xs = (rows: typeof b.rows) => rows.map((r) => num(r.value)).filter((v): v is number => v !== null);
		const xb = xs(b.rows);
		const xa = xs(a.rows);
		vb = xb.length ? xb.reduce((s, x) => s + x, 0) / xb.length : null;
		va = xa.length ? xa.reduce((s, x) => s + x, 0) / xa.length : null;
		p = welchT(xb, xa)?.p ?? null;
	} else {
		const r0 = b.rows[0];
		const r1 = a.rows[0];
		vb = num(r0?.value);
		va = num(r1?.value);
		const t = twoProportionZ(num(r1?.numerator) ?? 0, num(r1?.denominator) ?? 0, num(r0?.numerator) ?? 0, num(r0?.denominator) ?? 0);
		p = t?.p ?? null;
	}
	const better = va !== null && vb !== null && (direction === 'lower' ? va < vb : va > vb);
	const outcome = p !== null && p < 0.05 ? (better ? 'improved' : 'worse') : 'no_shift';
	return { before: { ...before, value: vb }, after: { ...after, value: va }, p, outcome, actionPeriod };
}
