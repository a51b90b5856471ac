import { isIsoDay } from '$lib/dashboard/range';
import type { ReportGrain } from './periods';

/** The report's kind (week / month) and a day inside its period, from the URL; default the latest month. */
export function reportParams(q: URLSearchParams, anchor: string): { grain: ReportGrain; at: string } {
	const grain: ReportGrain = q.get('kind') === 'week' ? 'week' : 'month';
	const at = q.get('at');
	return { grain, at: isIsoDay(at) ? at : anchor };
}
