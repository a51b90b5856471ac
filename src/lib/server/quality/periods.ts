import { isIsoDay, periodStart, type DateRange } from '$lib/dashboard/range';

/** Month and week arithmetic of the quality pages (report periods, comparison periods). */
export const monthEnd = (first: string): string => {
	const [y, m] = first.split('-').map(Number) as [number, number];
	return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
export const shiftMonths = (first: string, n: number): string => {
	const [y, m] = first.split('-').map(Number) as [number, number];
	return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 10);
};
export const shiftDays = (day: string, n: number): string => {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};

export type ReportGrain = 'week' | 'month';

/** The week or month containing `at`, and the one before it (whole periods; the current one may be partial). */
export function reportPeriods(grain: ReportGrain, at: string): { current: DateRange; previous: DateRange } {
	const start = periodStart(at, grain);
	if (grain === 'month') {
		const prev = shiftMonths(start, -1);
		return { current: { from: start, to: monthEnd(start) }, previous: { from: prev, to: monthEnd(prev) } };
	}
	return { current: { from: start, to: shiftDays(start, 6) }, previous: { from: shiftDays(start, -7), to: shiftDays(start, -1) } };
}

/** Two ranges from the URL (from/to and pfrom/pto), or the month of `anchor` and the month before. */
export function comparisonFromParams(q: URLSearchParams, anchor: string): { current: DateRange; previous: DateRange } {
	const def = reportPeriods('month', anchor);
	const [f, t, pf, pt] = ['from', 'to', 'pfrom', 'pto'].map((k) => q.get(k));
	const current = isIsoDay(f) && isIsoDay(t) && f <= t ? { from: f, to: t } : def.current;
	const previous = isIsoDay(pf) && isIsoDay(pt) && pf <= pt ? { from: pf, to: pt } : current === def.current ? def.previous : { from: shiftDays(current.from, -(daysBetween(current) + 1)), to: shiftDays(current.from, -1) };
	return { current, previous };
}

const daysBetween = (r: DateRange) => Math.round((Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)) / 86_400_000);
