import { registerNow } from '$lib/server/metrics/compile';
import { getDatabase } from '$lib/server/core/db/process';
import { storeChoices } from '$lib/server/features/overview/dashboard';
import {
	CHANGE_DIMS,
	CHANGE_METRICS,
	comparePareto,
	recurringProblems,
	whatChanged,
	REPEAT_MIN,
	REPEAT_MONTHS,
	type ChangeDim,
	type ChangeMetric
} from '$lib/server/features/quality/causes';
import { lastDataDay } from '$lib/server/features/quality/page';
import { comparisonFromParams } from '$lib/server/features/quality/periods';
import { metricById } from '$lib/server/metrics/catalog';
import { boundsNotice } from '$lib/shared/dashboard/range';
import type { PageServerLoad } from './$types';

/** 原因分析: comparison Pareto, what changed between two periods, recurring problems; within the user's stores. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const [lastDay, storeOptions] = await Promise.all([lastDataDay(db, user.stores), storeChoices(db, user.stores)]);
	const anchor = lastDay ?? registerNow().slice(0, 10);
	const { current, previous, adjusted } = comparisonFromParams(url.searchParams, anchor);
	const askedMetric = url.searchParams.get('metric');
	const metric: ChangeMetric = (CHANGE_METRICS as readonly string[]).includes(askedMetric ?? '')
		? (askedMetric as ChangeMetric)
		: 'complaint_rate';
	const dims = CHANGE_DIMS[metric] as readonly ChangeDim[];
	const askedBy = url.searchParams.get('by');
	const by: ChangeDim = dims.includes(askedBy as ChangeDim) ? (askedBy as ChangeDim) : 'store';
	const store = url.searchParams.get('store');
	const paretoStore = store && storeOptions.includes(store) ? store : null;
	const [pareto, changed, repeats] = await Promise.all([
		comparePareto(db, current, previous, user.stores, paretoStore),
		whatChanged(db, { metric, by, current, previous, scope: user.stores }),
		recurringProblems(db, anchor, user.stores)
	]);
	const def = metricById(metric)!;
	return {
		current,
		rangeBounds: boundsNotice(adjusted),
		previous,
		metric,
		metricInfo: { id: def.id, label: def.label, unit: def.unit, direction: def.direction },
		metrics: CHANGE_METRICS,
		dims,
		by,
		store: paretoStore,
		storeOptions,
		pareto,
		changed,
		repeats,
		repeatMonths: REPEAT_MONTHS,
		repeatMin: REPEAT_MIN
	};
};
