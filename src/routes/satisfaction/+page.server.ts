import { roleCan } from '$lib/shared/auth/roles';
import { filtersFromParams, grainFromParams } from '$lib/shared/dashboard/filters';
import { boundsNotice, rangeRequest } from '$lib/shared/dashboard/range';
import { lastSurveyDay, rangeAnchor, storeChoices } from '$lib/server/features/overview/dashboard';
import { getDatabase } from '$lib/server/core/db/process';
import { satisfactionData } from '$lib/server/features/satisfaction/page';
import { viewTargets } from '$lib/server/metrics/targets';
import { channel } from '$lib/shared/schema/vocabularies';
import type { PageServerLoad } from './$types';

/** 满意度: filters and grain from the URL, the comments' search (`q`) and page (`offset`) too. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const [lastDay, anchor, storeOptions] = await Promise.all([
		lastSurveyDay(db, user.stores),
		rangeAnchor(db, 'surveys'),
		storeChoices(db, user.stores)
	]);
	const { range, adjusted } = rangeRequest(url.searchParams, anchor);
	const grain = grainFromParams(url.searchParams, range);
	// surveys have no category or department: only stores and channels filter them
	const filterOptions = { channel: channel.values };
	const filters = filtersFromParams(url.searchParams, { store: storeOptions, ...filterOptions });
	const search = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
	const offset = Math.max(0, Math.min(1_000_000, Number.parseInt(url.searchParams.get('offset') ?? '0', 10) || 0));
	const canRows = roleCan(user.role, 'rows');
	const data = await satisfactionData(db, { range, grain, filters, scope: user.stores, user, search, offset, withComments: canRows });
	const targets = await viewTargets(db, ['csat', 'nps'], { stores: filters.store ?? (user.stores?.length === 1 ? user.stores : []) });
	return {
		targets,
		lastDay,
		anchor,
		range,
		rangeBounds: boundsNotice(adjusted),
		grain,
		filters,
		stores: filters.store ?? [],
		storeOptions,
		filterOptions,
		search,
		offset,
		canRows,
		masked: !user.pii,
		...data
	};
};
