import { roleCan } from '$lib/shared/auth/roles';
import { getDatabase } from '$lib/server/core/db/process';
import { appraisalStores, viewRequest } from '$lib/server/features/evaluations/request';
import { evaluationView } from '$lib/server/features/evaluations/view';
import type { PageServerLoad } from './$types';

/** 绩效考核: cycle, period, ranking group and stores from the URL; individual rows only for scorecard roles. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const storeOptions = await appraisalStores(db, user.stores);
	const req = viewRequest(url.searchParams, storeOptions);
	const view = await evaluationView(db, user, req);
	return {
		view,
		stores: req.stores,
		storeOptions,
		canExport: roleCan(user.role, 'export'),
		canSettings: roleCan(user.role, 'evaluations')
	};
};
