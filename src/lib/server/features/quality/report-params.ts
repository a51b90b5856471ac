import { clampDay, currentDay } from '$lib/shared/dashboard/range';
import { isDayInBounds, type ReportGrain } from './periods';

/**
 * The report's kind (week / month) and a day inside its period, from the URL: `at=YYYY-MM-DD`, or the
 * month picker's `month=YYYY-MM` (its first day); default the latest month (also for a day outside the
 * request bounds).
 */
export function reportParams(q: URLSearchParams, anchor: string, today?: string): { grain: ReportGrain; at: string } {
	const grain: ReportGrain = q.get('kind') === 'week' ? 'week' : 'month';
	const month = q.get('month');
	const at = q.get('at') ?? (month !== null && /^\d{4}-\d{2}$/u.test(month) ? `${month}-01` : null);
	return { grain, at: isDayInBounds(at, today) ? at : clampDay(anchor, today ?? currentDay()) };
}
