import {
	addDays as addDaysTo,
	addMonths,
	addQuarters,
	addWeeks,
	addYears,
	differenceInCalendarDays,
	differenceInCalendarISOWeeks,
	differenceInCalendarMonths,
	differenceInCalendarQuarters,
	differenceInCalendarYears,
	endOfMonth,
	endOfQuarter,
	format,
	isValid,
	parseISO,
	startOfISOWeek,
	startOfMonth,
	startOfQuarter,
	startOfYear,
	subMonths,
	subYears
} from 'date-fns';

/**
 * Date ranges of the dashboard filter bar, pure and shared by server and browser. Presets are anchored
 * on the last day that has data (not on today): data arrives in batches, and a "this month" of an
 * empty calendar month would show nothing. Calendar arithmetic goes through date-fns on local-time
 * dates and compares Date values, never strings: a hand-rolled step wrote the day after 9999-12-31 as
 * "+010000-01", which still sorted before "9999-12-31", and the loop never ended.
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

const toDate = (s: string) => parseISO(s);
const day = (d: Date) => format(d, 'yyyy-MM-dd');

export function addDays(s: string, n: number): string {
	return day(addDaysTo(toDate(s), n));
}

/** The first and last day of the calendar month, or of the ISO week (Monday to Sunday, as DuckDB's date_trunc('week')), of a day. */
export function periodOfDay(s: string, unit: 'month' | 'week'): { first: string; last: string } {
	const d = toDate(s);
	const first = unit === 'month' ? startOfMonth(d) : startOfISOWeek(d);
	return { first: day(first), last: day(unit === 'month' ? endOfMonth(d) : addDaysTo(first, 6)) };
}

/** Days from `from` to `to`, both included. */
export function lengthInDays(r: DateRange): number {
	return differenceInCalendarDays(toDate(r.to), toDate(r.from)) + 1;
}

/** The range of a preset, anchored on `anchor` (the last day with data). */
export function presetRange(preset: Preset, anchor: string): DateRange {
	const a = toDate(anchor);
	switch (preset) {
		case 'this_month':
			return { from: day(startOfMonth(a)), to: day(endOfMonth(a)) };
		case 'last_month':
			return { from: day(startOfMonth(subMonths(a, 1))), to: day(endOfMonth(subMonths(a, 1))) };
		case 'this_quarter':
			return { from: day(startOfQuarter(a)), to: day(endOfQuarter(a)) };
		case 'last_12_months':
			return { from: day(startOfMonth(subMonths(a, 11))), to: day(endOfMonth(a)) };
	}
}

/**
 * The last calendar quarter the data fully covers through `anchor` (the last day with data): the
 * anchor's quarter when the anchor is its last day, otherwise the quarter before. The coverage rule
 * (coverage.ts) counts a period the data ends inside as incomplete, without a change or an arrow, so
 * the first glance opens on a whole quarter and its comparison with the one before; the presets still
 * offer the current, incomplete quarter, marked as such.
 */
export function defaultRange(anchor: string): DateRange {
	const to = lastCompleteDay(anchor, 'quarter');
	return { from: periodStart(to, 'quarter'), to };
}

/**
 * The last day of the last period of a grain the data fully covers (data through 12-30: November's last
 * day for months; data through 12-31: 12-31). What alerts evaluate up to and where the default range ends.
 */
export function lastCompleteDay(dataEnd: string, grain: PeriodGrain): string {
	const start = periodStart(dataEnd, grain);
	return periodEnd(start, grain) === dataEnd ? dataEnd : addDays(start, -1);
}

/** The preset a range equals, or 'custom'. */
export function presetOf(range: DateRange, anchor: string): Preset | 'custom' {
	return (
		PRESETS.find((p) => {
			const r = presetRange(p, anchor);
			return r.from === range.from && r.to === range.to;
		}) ?? 'custom'
	);
}

/** How a range is compared with the one before it: calendar months (one, a quarter, or several) or days. */
export type ComparisonKind = 'month' | 'quarter' | 'months' | 'days';

export interface Comparison {
	kind: ComparisonKind;
	/** months (month, quarter, months) or days (days) in the range, and so in the one before */
	length: number;
	range: DateRange;
}

/**
 * The window a range is compared with, calendar-aligned: a range of whole months against the same
 * number of whole months just before (本月 vs 上月 — February against all of January, not its last 28
 * days; 本季度 vs 上季度; 近12个月 vs the 12 months before), any other range against the same number of
 * days just before it.
 */
export function comparisonOf(r: DateRange): Comparison {
	const from = toDate(r.from);
	const to = toDate(r.to);
	if (r.from === day(startOfMonth(from)) && r.to === day(endOfMonth(to))) {
		const months = differenceInCalendarMonths(to, from) + 1;
		const range = { from: day(subMonths(from, months)), to: addDays(r.from, -1) };
		const quarter = months === 3 && r.from === day(startOfQuarter(from));
		return { kind: months === 1 ? 'month' : quarter ? 'quarter' : 'months', length: months, range };
	}
	const before = addDays(r.from, -1);
	return { kind: 'days', length: lengthInDays(r), range: { from: addDays(before, -(lengthInDays(r) - 1)), to: before } };
}

/** The window just before a range that it is compared with (see `comparisonOf`). */
export function previousRange(r: DateRange): DateRange {
	return comparisonOf(r).range;
}

/**
 * What any request may ask for: days from DATE_MIN to a year after today, and at most MAX_PERIODS
 * periods of its grain (400 days ≈ 13 months of days, 400 weeks ≈ 7.7 years; months, quarters and
 * years stay under it within the day bounds). Nothing the product serves needs more, and every
 * period costs a point in a chart and a row in an answer.
 */
export const DATE_MIN = '2000-01-01';
export const MAX_PERIODS = 400;

/** The last day a request may reach: one year after `today` (plans and targets look ahead, not further). */
export const latestDay = (today: string): string => day(addYears(toDate(today), 1));

/** A day moved into the bounds (an anchor taken from data with a mistyped year must not carry a page to year 9999). */
export const clampDay = (s: string, today: string): string => (s < DATE_MIN ? DATE_MIN : s > latestDay(today) ? latestDay(today) : s);

/** Today as YYYY-MM-DD in the clock's time zone (the browser's, or the server's). */
export const currentDay = (): string => day(new Date());

export type RangeIssue = 'out_of_bounds' | 'too_many_periods';

/** The bounds a page names when it had to cut the range asked for (null when it did not). */
export interface RangeBounds {
	min: string;
	max: string;
}
export const boundsNotice = (adjusted: boolean, today = currentDay()): RangeBounds | null =>
	adjusted ? { min: DATE_MIN, max: latestDay(today) } : null;

/** How many periods of a grain a range touches, counted without listing them. */
export function countPeriods(r: DateRange, grain: PeriodGrain): number {
	const [from, to] = [toDate(r.from), toDate(r.to)];
	const diff = {
		day: differenceInCalendarDays,
		week: differenceInCalendarISOWeeks,
		month: differenceInCalendarMonths,
		quarter: differenceInCalendarQuarters,
		year: differenceInCalendarYears
	}[grain];
	return diff(to, from) + 1;
}

/** Why a range (valid days, from ≤ to) cannot be served at a grain (null: any grain, e.g. 'all'), or null when it can. */
export function rangeIssue(r: DateRange, grain: PeriodGrain | null, today: string): RangeIssue | null {
	if (r.from < DATE_MIN || r.to > latestDay(today)) return 'out_of_bounds';
	if (grain && countPeriods(r, grain) > MAX_PERIODS) return 'too_many_periods';
	return null;
}

/**
 * A range cut to the bounds: null when it lies wholly outside them. With a grain, `from` moves
 * forward until the range touches at most MAX_PERIODS periods (the latest ones are kept).
 */
export function clampRange(r: DateRange, today: string, grain?: PeriodGrain): DateRange | null {
	const max = latestDay(today);
	if (r.to < DATE_MIN || r.from > max) return null;
	const to = r.to > max ? max : r.to;
	let from = r.from < DATE_MIN ? DATE_MIN : r.from;
	if (grain && countPeriods({ from, to }, grain) > MAX_PERIODS) from = day(STEP[grain](toDate(periodStart(to, grain)), -(MAX_PERIODS - 1)));
	return { from, to };
}

/** A range that can be served: `asked` cut to the bounds, else `fallback` cut to them, else the latest quarter allowed. */
export function boundedRange(
	asked: DateRange | null,
	fallback: DateRange,
	today: string,
	grain?: PeriodGrain
): { range: DateRange; adjusted: boolean } {
	const cut = asked ? clampRange(asked, today, grain) : null;
	if (asked && cut) return { range: cut, adjusted: cut.from !== asked.from || cut.to !== asked.to };
	const range = clampRange(fallback, today, grain) ?? clampRange(defaultRange(latestDay(today)), today, grain)!;
	return { range, adjusted: asked !== null };
}

/**
 * The range asked for in the URL and whether it had to be adjusted: the default when from/to are
 * missing, invalid or reversed; cut to the bounds (or the default, when wholly outside) otherwise.
 */
export function rangeRequest(params: URLSearchParams, anchor: string, today = currentDay()): { range: DateRange; adjusted: boolean } {
	const from = params.get('from');
	const to = params.get('to');
	const asked = isIsoDay(from) && isIsoDay(to) && from <= to ? { from, to } : null;
	return boundedRange(asked, defaultRange(anchor), today);
}

/** The range asked for in the URL, or the default when from/to are missing, invalid or reversed. */
export function rangeFromParams(params: URLSearchParams, anchor: string, today = currentDay()): DateRange {
	return rangeRequest(params, anchor, today).range;
}

/** The same days one year earlier (29 February becomes 28 February). */
export function lastYearRange(r: DateRange): DateRange {
	return { from: day(subYears(toDate(r.from), 1)), to: day(subYears(toDate(r.to), 1)) };
}

export const PERIOD_GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type PeriodGrain = (typeof PERIOD_GRAINS)[number];

/** The first day of the period (ISO week from Monday, month, quarter, year) that contains a day. */
export function periodStart(s: string, grain: PeriodGrain): string {
	const d = toDate(s);
	switch (grain) {
		case 'day':
			return s;
		case 'week':
			return day(startOfISOWeek(d));
		case 'month':
			return day(startOfMonth(d));
		case 'quarter':
			return day(startOfQuarter(d));
		case 'year':
			return day(startOfYear(d));
	}
}

const STEP: Record<PeriodGrain, (d: Date, n: number) => Date> = {
	day: addDaysTo,
	week: addWeeks,
	month: addMonths,
	quarter: addQuarters,
	year: addYears
};

/** The last day of the period that starts on `period`. */
export function periodEnd(period: string, grain: PeriodGrain): string {
	return day(addDaysTo(STEP[grain](toDate(period), 1), -1));
}

/** More periods than any caller can mean (requests are held to MAX_PERIODS): listing stops here with an error. */
export const PERIOD_CAP = 1000;

/**
 * Every period a range touches, as the periods' first days (the `period` column of the metric API),
 * so a period without data is a gap in a chart rather than a missing point. Whatever it is given, it
 * ends: Date values are compared (not strings), each step must move forward, and past PERIOD_CAP
 * periods it throws rather than run on.
 */
export function periodsOf(r: DateRange, grain: PeriodGrain): string[] {
	const end = toDate(r.to);
	let p = toDate(periodStart(r.from, grain));
	if (!isValid(end) || !isValid(p)) throw new RangeError(`not a date range: ${r.from} – ${r.to}`);
	const out: string[] = [];
	while (p <= end) {
		if (out.length === PERIOD_CAP) throw new RangeError(`more than ${PERIOD_CAP} ${grain} periods from ${r.from} to ${r.to}`);
		out.push(day(p));
		const next = STEP[grain](p, 1);
		if (!(next > p)) throw new RangeError(`${grain} periods stopped advancing at ${day(p)}`);
		p = next;
	}
	return out;
}
