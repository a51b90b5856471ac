import { getDatabase } from '$lib/server/core/db/process';
import { dashboardData, lastComplaintDay, rangeAnchor, storeChoices } from '$lib/server/features/overview/dashboard';
import { boundsNotice, comparisonOf, rangeRequest } from '$lib/shared/dashboard/range';
import type { PageServerLoad } from './$types';

/** 总览: filters from the URL (from, to, store…), numbers from the metric catalog within the user's stores. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const [lastDay, anchor, storeOptions] = await Promise.all([
		lastComplaintDay(db, user.stores),
		rangeAnchor(db, 'complaints'),
		storeChoices(db, user.stores)
	]);
	const { range, adjusted } = rangeRequest(url.searchParams, anchor);
	// The guard has already refused stores outside the user's scope; unknown names are dropped.
	const stores = [...new Set(url.searchParams.getAll('store'))].filter((s) => storeOptions.includes(s));
	const data = await dashboardData(db, { range, stores, scope: user.stores });
	return { lastDay, anchor, range, rangeBounds: boundsNotice(adjusted), comparison: comparisonOf(range), stores, storeOptions, ...data };
};
