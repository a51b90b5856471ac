/**
 * Date ranges of the dashboard filter bar, pure and shared by server and browser. Presets are anchored
 * on the last day that has data (not on today): data arrives in batches, and a "this month" of an
 * empty calendar month would show nothing.
 */

export const PRESETS = ['this_month', 'last_month', 'this_quarter', 'last_12_months'] as const;
export type Preset = (typeof PRESETS)[number];

export interface DateRange {
	from: string;
	to: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/u;

/** A real calendar day written YYYY-MM-DD. */
export function isIsoDay(s: string | null | undefined): s is string {
	if (!s || !ISO.test(s)) return false;
	const d = new Date(`${s}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));
const parts = (s: string) => {
	const d = new Date(`${s}T00:00:00Z`);
	return { y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate() };
};

export function addDays(s: string, n: number): string {
	const { y, m, d } = parts(s);
	return day(utc(y, m, d + n));
}

/** Days from `from` to `to`, both included. */
export function lengthInDays(r: DateRange): number {
	return Math.round((Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The range of a preset, anchored on `anchor` (the last day with data). */
export function presetRange(preset: Preset, anchor: string): DateRange {
	const { y, m } = parts(anchor);
	const q = m - (m % 3);
	switch (preset) {
		case 'this_month':
			return { from: day(utc(y, m, 1)), to: day(utc(y, m + 1, 0)) };
		case 'last_month':
			return { from: day(utc(y, m - 1, 1)), to: day(utc(y, m, 0)) };
		case 'this_quarter':
			return { from: day(utc(y, q, 1)), to: day(utc(y, q + 3, 0)) };
		case 'last_12_months':
			return { from: day(utc(y, m - 11, 1)), to: day(utc(y, m + 1, 0)) };
	}
}

/**
 * The last full quarter that has data. Data is taken as complete through the month of the last day
 * with data (a store may simply have had no complaint on the 31st), so the anchor's quarter counts
 * when the anchor is in its last month; otherwise the quarter before.
 */
export function defaultRange(anchor: string): DateRange {
	const quarter = presetRange('this_quarter', anchor);
	if (quarter.to.slice(0, 7) === anchor.slice(0, 7)) return quarter;
	const { y, m } = parts(quarter.from);
	return { from: day(utc(y, m - 3, 1)), to: day(utc(y, m, 0)) };
}

/** The preset a range equals, or 'custom'. */
export function presetOf(range: DateRange, anchor: string): Preset | 'custom' {
	return PRESETS.find((p) => {
		const r = presetRange(p, anchor);
		return r.from === range.from && r.to === range.to;
	}) ?? 'custom';
}

/** The period of equal length just before a range. */
export function previousRange(r: DateRange): DateRange {
	const to = addDays(r.from, -1);
	return { from: addDays(to, -(lengthInDays(r) - 1)), to };
}

/** The range asked for in the URL, or the default when from/to are missing, invalid or reversed. */
export function rangeFromParams(params: URLSearchParams, anchor: string): DateRange {
	const from = params.get('from');
	const to = params.get('to');
	if (isIsoDay(from) && isIsoDay(to) && from <= to) return { from, to };
	return defaultRange(anchor);
}

/** The same days one year earlier (29 February becomes 28 February). */
export function lastYearRange(r: DateRange): DateRange {
	const back = (s: string) => {
		const { y, m, d } = parts(s);
		// Date.UTC would roll 2023-02-29 over to 1 March: clamp to the month's last day instead.
		return day(utc(y - 1, m, Math.min(d, utc(y - 1, m + 1, 0).getUTCDate())));
	};
	return { from: back(r.from), to: back(r.to) };
}

export const PERIOD_GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type PeriodGrain = (typeof PERIOD_GRAINS)[number];

/** The first day of the period (ISO week from Monday, month, quarter, year) that contains a day. */
export function periodStart(s: string, grain: PeriodGrain): string {
	const { y, m, d } = parts(s);
	switch (grain) {
		case 'day':
			return s;
		case 'week': {
			const dow = (utc(y, m, d).getUTCDay() + 6) % 7; // Monday = 0
			return day(utc(y, m, d - dow));
		}
		case 'month':
			return day(utc(y, m, 1));
		case 'quarter':
			return day(utc(y, m - (m % 3), 1));
		case 'year':
			return day(utc(y, 0, 1));
	}
}

/**
 * Every period a range touches, as the periods' first days (the `period` column of the metric API),
 * so a period without data is a gap in a chart rather than a missing point.
 */
export function periodsOf(r: DateRange, grain: PeriodGrain): string[] {
	const out: string[] = [];
	let p = periodStart(r.from, grain);
	while (p <= r.to) {
		out.push(p);
		const { y, m, d } = parts(p);
		p = grain === 'day' ? addDays(p, 1) : grain === 'week' ? addDays(p, 7) : grain === 'month' ? day(utc(y, m + 1, 1)) : grain === 'quarter' ? day(utc(y, m + 3, 1)) : day(utc(y + 1, 0, d));
	}
	return out;
}
