import { countPeriods, isIsoDay, lengthInDays, MAX_PERIODS, PERIOD_GRAINS, type DateRange, type PeriodGrain } from './range';

/**
 * The filters of the dashboard pages, read from the URL (shared by server loads and the filter bar).
 * Every value is later bound as a query parameter; here they are only checked against the options the
 * page offers, so an unknown value is dropped rather than silently matching nothing.
 */
export const PAGE_FILTERS = ['store', 'department', 'channel', 'category'] as const;
export type PageFilterName = (typeof PAGE_FILTERS)[number];
export type PageFilters = Partial<Record<PageFilterName, string[]>>;

/** The values of one filter in the URL that are among its options, in the options' order. */
export function selected(params: URLSearchParams, name: PageFilterName, options: readonly string[]): string[] {
	const asked = new Set(params.getAll(name));
	return options.filter((o) => asked.has(o));
}

/** The filters of a URL, each checked against its options (a filter without options is not offered). */
export function filtersFromParams(params: URLSearchParams, options: Partial<Record<PageFilterName, readonly string[]>>): PageFilters {
	const out: PageFilters = {};
	for (const name of PAGE_FILTERS) {
		const opts = options[name];
		if (!opts) continue;
		const v = selected(params, name, opts);
		if (v.length) out[name] = v;
	}
	return out;
}

/** The grain a range reads best at: days up to a month, weeks up to a quarter, months beyond. */
export function defaultGrain(range: DateRange): PeriodGrain {
	const days = lengthInDays(range);
	return days <= 31 ? 'day' : days <= 92 ? 'week' : 'month';
}

/** `grain` from the URL when valid and not absurd for the range (at most MAX_PERIODS periods), else the default. */
export function grainFromParams(params: URLSearchParams, range: DateRange): PeriodGrain {
	const g = params.get('grain');
	if (!g || !(PERIOD_GRAINS as readonly string[]).includes(g)) return defaultGrain(range);
	const grain = g as PeriodGrain;
	return countPeriods(range, grain) > MAX_PERIODS ? defaultGrain(range) : grain;
}

/** A URL's query with some parameters replaced (a list replaces all values of that name; null removes). */
export function withParams(current: URLSearchParams, changes: Record<string, string | readonly string[] | null>): URLSearchParams {
	const next = new URLSearchParams(current);
	for (const [k, v] of Object.entries(changes)) {
		next.delete(k);
		if (v === null) continue;
		for (const x of typeof v === 'string' ? [v] : v) next.append(k, x);
	}
	return next;
}

export { isIsoDay };
