import { addMonths, endOfMonth, format, parseISO } from 'date-fns';
import {
	addDays,
	boundedRange,
	clampDay,
	clampRange,
	currentDay,
	DATE_MIN,
	isIsoDay,
	latestDay,
	periodStart,
	type DateRange
} from '$lib/shared/dashboard/range';

/** Month and week arithmetic of the quality pages (report periods, comparison periods), through date-fns. */
const ymd = (d: Date) => format(d, 'yyyy-MM-dd');
export const monthEnd = (first: string): string => ymd(endOfMonth(parseISO(first)));
export const shiftMonths = (first: string, n: number): string => ymd(addMonths(parseISO(periodStart(first, 'month')), n));

/** A day the quality pages may be asked about (the bounds of every request, see range.ts). */
export const isDayInBounds = (s: string | null, today = currentDay()): s is string => isIsoDay(s) && s >= DATE_MIN && s <= latestDay(today);

export type ReportGrain = 'week' | 'month';

/** The week or month containing `at`, and the one before it (whole periods; the current one may be partial). */
export function reportPeriods(grain: ReportGrain, at: string): { current: DateRange; previous: DateRange } {
	const start = periodStart(at, grain);
	if (grain === 'month') {
		const prev = shiftMonths(start, -1);
		return { current: { from: start, to: monthEnd(start) }, previous: { from: prev, to: monthEnd(prev) } };
	}
	return { current: { from: start, to: addDays(start, 6) }, previous: { from: addDays(start, -7), to: addDays(start, -1) } };
}

/**
 * Two ranges from the URL (from/to and pfrom/pto), or the month of `anchor` and the month before. Each
 * is cut to the request bounds (a range wholly outside them falls back to its default); `adjusted`
 * says that happened, so the page can say so.
 */
export function comparisonFromParams(
	q: URLSearchParams,
	anchor: string,
	today = currentDay()
): { current: DateRange; previous: DateRange; adjusted: boolean } {
	const def = reportPeriods('month', clampDay(anchor, today));
	const [f, t, pf, pt] = ['from', 'to', 'pfrom', 'pto'].map((k) => q.get(k));
	const asked = isIsoDay(f) && isIsoDay(t) && f <= t ? { from: f, to: t } : null;
	const cur = boundedRange(asked, def.current, today);
	const current = cur.range;
	const onDefault = !asked || clampRange(asked, today) === null;
	const fallback = onDefault ? def.previous : { from: addDays(current.from, -(daysBetween(current) + 1)), to: addDays(current.from, -1) };
	const prev = boundedRange(isIsoDay(pf) && isIsoDay(pt) && pf <= pt ? { from: pf, to: pt } : null, fallback, today);
	return { current, previous: prev.range, adjusted: cur.adjusted || prev.adjusted };
}

const daysBetween = (r: DateRange) => Math.round((Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)) / 86_400_000);
