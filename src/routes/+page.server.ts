import { roleCan } from '$lib/shared/auth/roles';
import { getDatabase } from '$lib/server/core/db/process';
import { overview } from '$lib/server/features/overview/overview';
import type { BatchView, CoverageView } from '$lib/shared/views';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const { coverage, batches } = await overview(await getDatabase(), user.stores, roleCan(user.role, 'ingest'));
	return {
		coverage: coverage.map(({ kind, rows, from, to, last_loaded_at }): CoverageView => ({ kind, rows, from, to, last_loaded_at })),
		// Only the columns the page shows go to the browser.
		batches: batches?.map((b): BatchView => ({
			batch_id: b.batch_id,
			kind: b.kind,
			file_name: b.file_name,
			source: b.source,
			created_by: b.created_by,
			finished_at: b.finished_at,
			status: b.status,
			rows_read: b.rows_read,
			rows_loaded: b.rows_loaded,
			rows_rejected: b.rows_rejected,
			encoding: b.encoding,
			rolled_back_at: b.rolled_back_at,
			rolled_back_by: b.rolled_back_by,
			abort_reason: b.abort_reason
		}))
	};
};
