import { getDatabase } from '$lib/server/core/db/process';
import { storeChoices } from '$lib/server/features/overview/dashboard';
import { lastContactDay, serviceData } from '$lib/server/features/service/page';
import { registerNow } from '$lib/server/metrics/compile';
import { boundsNotice, comparisonOf, rangeRequest } from '$lib/shared/dashboard/range';
import type { PageServerLoad } from './$types';

/** 服务过程: range and stores from the URL, numbers from the metric catalog within the user's stores. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const [lastDay, storeOptions] = await Promise.all([lastContactDay(db, user.stores), storeChoices(db, user.stores)]);
	const anchor = lastDay ?? registerNow().slice(0, 10);
	const { range, adjusted } = rangeRequest(url.searchParams, anchor);
	const stores = [...new Set(url.searchParams.getAll('store'))].filter((s) => storeOptions.includes(s));
	const data = await serviceData(db, { range, stores, scope: user.stores });
	return {
		lastDay,
		anchor,
		range,
		rangeBounds: boundsNotice(adjusted),
		comparison: comparisonOf(range),
		stores,
		storeOptions,
		masked: !user.pii,
		...data
	};
};
