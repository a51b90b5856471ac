import { roleCan } from '$lib/shared/auth/roles';
import { getDatabase } from '$lib/server/core/db/process';
import { overview } from '$lib/server/features/overview/overview';
import type { CoverageView } from '$lib/shared/views';
import { toBatchView } from '$pipelines/batches';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const { coverage, batches } = await overview(await getDatabase(), user.stores, roleCan(user.role, 'ingest'));
	return {
		coverage: coverage.map(({ kind, rows, from, to, last_loaded_at }): CoverageView => ({ kind, rows, from, to, last_loaded_at })),
		// Only the columns the page shows go to the browser.
		batches: batches?.map(toBatchView)
	};
};
