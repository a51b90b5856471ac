import { lengthInDays, periodEnd, type DateRange, type PeriodGrain } from './range';

/** The last day of the last whole period the data covers: part of the one rule, kept beside the periods it counts. */
export { lastCompleteDay } from './range';

/**
 * Which periods the data fully covers — the one rule charts, tiles, exports and alerts share.
 *
 * A period is complete when every one of its calendar days lies inside the range asked for and inside
 * the span the data reaches (`DataSpan`: the first and last day with rows of the kinds behind the
 * number, over every store). A period the range cuts (a week of which the range holds three days), the
 * data ends inside (December when the data ends on the 30th) or begins inside (a comparison window of
 * December and January when the data starts in January) is incomplete: charts draw it as such, and it
 * is never the basis of a change or an alert.
 */

/** The first and last day the data of some kinds reaches. */
export interface DataSpan {
	first: string;
	last: string;
}

export interface PeriodCoverage {
	/** the period's first day (as the metric answers it) */
	period: string;
	/** days of the period the range and the data cover */
	days: number;
	/** days in the period */
	of: number;
}

export const isComplete = (c: Pick<PeriodCoverage, 'days' | 'of'>): boolean => c.days === c.of;

/** Days of `span` inside both the range and the data (0 when none; null data: no data, nothing covered). */
function coveredDays(span: DateRange, range: DateRange, data: DataSpan | null): number {
	if (data === null) return 0;
	const from = [span.from, range.from, data.first].reduce((a, b) => (a > b ? a : b));
	const to = [span.to, range.to, data.last].reduce((a, b) => (a < b ? a : b));
	return to < from ? 0 : lengthInDays({ from, to });
}

/** Coverage of each period (first days, as `periodsOf` lists them) of a range. */
export function periodCoverage(periods: readonly string[], grain: PeriodGrain, range: DateRange, data: DataSpan | null): PeriodCoverage[] {
	return periods.map((period) => {
		const span = { from: period, to: periodEnd(period, grain) };
		return { period, days: coveredDays(span, range, data), of: lengthInDays(span) };
	});
}

/** Coverage of a whole range (grain 'all'): the days of it the data reaches. */
export function rangeCoverage(range: DateRange, data: DataSpan | null): PeriodCoverage {
	return { period: range.from, days: coveredDays(range, range, data), of: lengthInDays(range) };
}

/** Per period: the covered days of an incomplete one, null for a complete one (what charts and CSV columns take). */
export const incompleteDays = (coverage: readonly PeriodCoverage[]): (number | null)[] =>
	coverage.map((c) => (isComplete(c) ? null : c.days));
