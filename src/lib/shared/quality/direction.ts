import type { Signal, SpcResult, Verdict } from './spc';

/**
 * Signals read with the metric's direction (from the catalog: is higher better?). A shift to the good
 * side is news too, but good news: 改善, green, not the red 出现异常信号. A signal without a side (a
 * mixture, too little variation, alternation) needs attention whichever way the metric points.
 */
export type MetricDirection = 'higher' | 'lower';
export type DirectedVerdict = Verdict | 'improved';

export const favourable = (s: Signal, direction: MetricDirection): boolean =>
	s.side !== null && (s.side === 'above') === (direction === 'higher');

/** The signals that need attention: every one not on the favourable side. */
export const attentionSignals = (chart: SpcResult, direction: MetricDirection): Signal[] =>
	chart.signals.filter((s) => !favourable(s, direction));

export function directedVerdict(chart: SpcResult, direction: MetricDirection): DirectedVerdict {
	if (chart.verdict !== 'signal') return chart.verdict;
	return attentionSignals(chart, direction).length ? 'signal' : 'improved';
}

/**
 * The stores worst first: most signals needing attention, then most recent such signal, then name. The
 * chain (store null) stays first, as the summary above its stores.
 */
export function byAttention<C extends { store: string | null; chart: SpcResult }>(charts: readonly C[], direction: MetricDirection): C[] {
	const key = (c: C) => {
		const a = attentionSignals(c.chart, direction);
		return { n: a.length, last: a.reduce((mx, s) => Math.max(mx, s.index), -1) };
	};
	const chain = charts.filter((c) => c.store === null);
	const stores = charts
		.filter((c) => c.store !== null)
		.map((c) => ({ c, k: key(c) }))
		.sort((x, y) => y.k.n - x.k.n || y.k.last - x.k.last || x.c.store!.localeCompare(y.c.store!, 'zh-CN'))
		.map((x) => x.c);
	return [...chain, ...stores];
}
