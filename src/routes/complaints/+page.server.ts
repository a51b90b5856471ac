import { roleCan } from '$lib/shared/auth/roles';
import { filtersFromParams, grainFromParams } from '$lib/shared/dashboard/filters';
import { boundsNotice, rangeRequest } from '$lib/shared/dashboard/range';
import { BREAKDOWNS, complaintsData, type Breakdown } from '$lib/server/features/complaints/page';
import { departmentChoices, lastComplaintDay, rangeAnchor, storeChoices } from '$lib/server/features/overview/dashboard';
import { getDatabase } from '$lib/server/core/db/process';
import { slaLimits } from '$lib/server/metrics/sla';
import { viewTargets } from '$lib/server/metrics/targets';
import { category, channel } from '$lib/shared/schema/vocabularies';
import type { PageServerLoad } from './$types';

/** 投诉: filters, grain and breakdown from the URL; numbers from the metric catalog within the user's stores. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const [lastDay, anchor, storeOptions, departmentOptions] = await Promise.all([
		lastComplaintDay(db, user.stores),
		rangeAnchor(db, 'complaints'),
		storeChoices(db, user.stores),
		departmentChoices(db, user.stores)
	]);
	const { range, adjusted } = rangeRequest(url.searchParams, anchor);
	const grain = grainFromParams(url.searchParams, range);
	const askedBy = url.searchParams.get('by');
	const by: Breakdown = (BREAKDOWNS as readonly string[]).includes(askedBy ?? '') ? (askedBy as Breakdown) : 'category';
	const filterOptions = { channel: channel.values, category: category.values, department: departmentOptions };
	const filters = filtersFromParams(url.searchParams, { store: storeOptions, ...filterOptions });
	const data = await complaintsData(db, { range, grain, by, filters, scope: user.stores });
	return {
		lastDay,
		anchor,
		range,
		rangeBounds: boundsNotice(adjusted),
		grain,
		by,
		filters,
		stores: filters.store ?? [],
		storeOptions,
		filterOptions,
		canDrill: roleCan(user.role, 'rows'),
		sla: await slaLimits(db),
		targets: await viewTargets(db, ['complaint_rate', 'repeat_complaint_rate', 'followup_rate', 'followup_satisfaction'], {
			stores: filters.store ?? (user.stores?.length === 1 ? user.stores : []),
			departments: filters.department
		}),
		masked: !user.pii,
		...data
	};
};
