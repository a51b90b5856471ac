import { json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { UiLocale } from '$lib/shared/views';
import type { AuthUser } from '$lib/shared/auth/roles';
import { MIN_GROUP_SIZE, seesIndividuals } from '$lib/shared/auth/privacy';
import {
	currentDay,
	DATE_MIN,
	isIsoDay,
	latestDay,
	MAX_PERIODS,
	PERIOD_GRAINS,
	rangeIssue,
	type PeriodGrain
} from '$lib/shared/dashboard/range';
import { MetricRequestError } from './compile';
import { toArrow, toCsv, withTextTimes, type MetricResult } from './query';

/**
 * What the metric and drill-down endpoints share: the response format, the request's language, the
 * metric request read from the query string, and the three encodings of a result.
 */
export type Format = 'arrow' | 'json' | 'csv';

/** `?format=` wins; otherwise the Accept header; `fallback` when neither says. Null for an unknown format. */
export function formatOf(url: URL, accept: string | null, fallback: Format = 'arrow'): Format | null {
	const f = url.searchParams.get('format');
	if (f !== null) return f === 'arrow' || f === 'json' || f === 'csv' ? f : null;
	const a = (accept ?? '').toLowerCase();
	if (a.includes('application/vnd.apache.arrow.stream')) return 'arrow';
	if (a.includes('text/csv')) return 'csv';
	if (a.includes('application/json')) return 'json';
	return fallback;
}

/** The request's language, as Paraglide's middleware resolved it once for this request (cookie, then Accept-Language). */
export const requestLocale = (): UiLocale => (getLocale() === 'en' ? 'en' : 'zh-CN');

/** An API refusal: a code for programs, a message in the request's language for people. */
export const problem = (status: number, code: string, message: string) => json({ code, message }, { status });

/** A MetricRequestError as a 400 (403 for individual results the role may not see) in the request's language; anything else is rethrown. */
export function requestProblem(e: unknown, locale: UiLocale): Response {
	if (e instanceof MetricRequestError) return problem(e.code === 'individual_not_allowed' ? 403 : 400, e.code, e.text(locale));
	throw e;
}

const GRAIN_UNIT: Record<PeriodGrain, () => string> = {
	day: m.grain_unit_day,
	week: m.grain_unit_week,
	month: m.grain_unit_month,
	quarter: m.grain_unit_quarter,
	year: m.grain_unit_year
};

/**
 * A 400 when the query string's from/to lie outside the request bounds (DATE_MIN to a year after
 * today) or touch more than MAX_PERIODS periods of its grain (default month, as the compiler's);
 * null otherwise, also for a malformed range, which the compiler reports in its own words. `periods:
 * false` checks the days only (the drill-down lists rows, not periods).
 */
export function rangeProblem(url: URL, options: { periods?: boolean; today?: string } = {}): Response | null {
	const today = options.today ?? currentDay();
	const q = url.searchParams;
	const [from, to, g] = [q.get('from'), q.get('to'), q.get('grain') ?? 'month'];
	if (!isIsoDay(from) || !isIsoDay(to) || from > to) return null;
	const grain = options.periods !== false && (PERIOD_GRAINS as readonly string[]).includes(g) ? (g as PeriodGrain) : null;
	const issue = rangeIssue({ from, to }, grain, today);
	if (issue === 'out_of_bounds') {
		const max = latestDay(today);
		return problem(400, 'range_out_of_bounds', m.api_range_out_of_bounds({ min: DATE_MIN, max }));
	}
	if (issue === 'too_many_periods') {
		return problem(400, 'too_many_periods', m.api_too_many_periods({ max: MAX_PERIODS, grain: GRAIN_UNIT[grain!]() }));
	}
	return null;
}

/**
 * The metric request of a query string: from, to, grain, by and the repeatable filters, with the
 * user's store scope. The guard has already refused stores outside the scope; the scope is bound into
 * every query as well, so nothing outside it is ever counted.
 */
export function metricInput(metric: string, url: URL, user: AuthUser) {
	const list = (name: string) => {
		const v = url.searchParams.getAll(name).filter((s) => s !== '');
		return v.length ? v : undefined;
	};
	return {
		metric,
		from: url.searchParams.get('from') ?? undefined,
		to: url.searchParams.get('to') ?? undefined,
		grain: url.searchParams.get('grain') ?? undefined,
		by: url.searchParams.get('by') || undefined,
		filters: { store: list('store'), department: list('department'), channel: list('channel'), category: list('category') },
		scope: user.stores,
		// roles without individual scores: no by=staff, staff-score groups under the minimum suppressed
		...(seesIndividuals(user.role) ? {} : { minGroupStaff: MIN_GROUP_SIZE })
	};
}

/** The stores asked for that lie outside the user's scope (the guard refuses these too). */
export const storesOutside = (url: URL, user: AuthUser) =>
	user.stores === null ? [] : url.searchParams.getAll('store').filter((s) => s !== '' && !user.stores!.includes(s));

/** A result as JSON (with extra fields), CSV (a download named `name`.csv) or an Arrow IPC stream. */
export function encodeResult(result: MetricResult, format: Format, name: string, extra: Record<string, unknown> = {}): Response {
	if (format !== 'arrow') result = withTextTimes(result);
	if (format === 'json') return json({ ...extra, columns: result.columns, rows: result.rows });
	if (format === 'csv') {
		return new Response(toCsv(result), {
			headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` }
		});
	}
	const headers: Record<string, string> = { 'content-type': 'application/vnd.apache.arrow.stream' };
	// metadata that does not fit the table travels in headers (the Arrow body is the rows alone)
	for (const [k, v] of Object.entries(extra))
		if (typeof v === 'number' || typeof v === 'string') headers[`x-${k.replaceAll('_', '-')}`] = String(v);
	return new Response(toArrow(result) as Uint8Array<ArrayBuffer>, { headers });
}
