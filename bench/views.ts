/**
 * The views issue 18's goals are about, as requests the query benchmark times (bench/queries.ts): every
 * page's server load, every catalog metric at each grain and by each allowed dimension with and without a
 * filter, and one store over one month. Each request gets a range of its own (shifted a day further back
 * each time), so that no cache answers it, whatever the server's METRIC_CACHE.
 */
import { METRICS, SOURCES } from '../src/lib/server/metrics/catalog';
import { HEADLINE_METRICS } from '../src/lib/server/metrics/headline';
import { addDays } from '../src/lib/shared/dashboard/range';

/** One timed request: the API path (with its query) and, for the bare engine, the metric request it compiles. */
export interface View {
	/** what the report groups by */
	group: string;
	path: string;
	/** the metric request the catalog compiles for it (null for a page, whose load makes many) */
	input: Record<string, unknown> | null;
}

const q = (entries: Record<string, string | string[] | undefined>) => {
	const s = new URLSearchParams();
	for (const [k, v] of Object.entries(entries)) for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) s.append(k, x);
	return s.toString();
};

/** The i-th fresh range ending near `last`: twelve months, ending i days earlier. */
const twelveMonths = (last: string, i: number) => ({ from: addDays(last, -364 - i), to: addDays(last, -i) });

export const PAGES = ['/dashboard', '/complaints', '/satisfaction', '/quality', '/evaluations', '/service'] as const;

/** `n` loads of each page's data (what SvelteKit fetches on a filter change: the server load alone). */
export function pageViews(last: string, n: number): View[] {
	const out: View[] = [];
	for (let i = 0; i < n; i++) {
		const r = twelveMonths(last, i);
		const month = addDays(`${last.slice(0, 8)}01`, -31 * (i % 12)).slice(0, 7);
		const query: Record<(typeof PAGES)[number], string> = {
			'/dashboard': q(r),
			'/complaints': q({ ...r, grain: 'month', by: 'category' }),
			'/satisfaction': q({ ...r, grain: 'month' }),
			'/quality': q({ ...r, chart: 'complaint_p', grain: 'month' }),
			'/evaluations': q({ cycle: 'month', period: month, group: 'store' }),
			'/service': q(r)
		};
		for (const page of PAGES) out.push({ group: page, path: `${page}/__data.json?${query[page]}&x-sveltekit-invalidated=01`, input: null });
	}
	return out;
}

const metricView = (group: string, metric: string, r: { from: string; to: string }, grain: string, by?: string, store?: string): View => ({
	group,
	path: `/api/metrics/${metric}?${q({ ...r, grain, by, store, format: 'arrow' })}`,
	input: { metric, ...r, grain, ...(by ? { by } : {}), filters: store ? { store: [store] } : {}, scope: null }
});

/**
 * Every catalog metric: by month, week and quarter, and over the whole range by each dimension it
 * allows; each once without filters and once filtered to one store (where its source has stores).
 */
export function catalogViews(last: string, store: string): View[] {
	const out: View[] = [];
	let i = 0;
	for (const m of METRICS) {
		const filtered = SOURCES[m.source].filters.includes('store');
		for (const withFilter of filtered ? [false, true] : [false]) {
			const s = withFilter ? store : undefined;
			const f = withFilter ? ' + store filter' : '';
			for (const grain of ['month', 'week', 'quarter'])
				out.push(metricView(`grain ${grain}${f}`, m.id, twelveMonths(last, i++), grain, undefined, s));
			for (const by of m.dimensions) out.push(metricView(`by ${by}${f}`, m.id, twelveMonths(last, i++), 'all', by, s));
		}
	}
	return out;
}

/**
 * One store over one calendar month, for each of `stores` × the last twelve months: the headline metrics
 * (what 总览's tiles ask), and 总览's whole load filtered to that store.
 */
export function oneStoreMonthViews(last: string, stores: string[]): View[] {
	const out: View[] = [];
	for (const store of stores)
		for (let month = 0; month < 12; month++) {
			const from = `${addDays(`${last.slice(0, 8)}01`, -31 * month).slice(0, 8)}01`;
			const to = addDays(`${addDays(from, 40).slice(0, 8)}01`, -1);
			for (const metric of HEADLINE_METRICS)
				out.push(metricView('one store, one month: a metric', metric, { from, to }, 'all', undefined, store));
			out.push({
				group: 'one store, one month: 总览 load',
				path: `/dashboard/__data.json?${q({ from, to, store })}&x-sveltekit-invalidated=01`,
				input: null
			});
		}
	return out;
}
