import { listBatches } from '$pipelines/batches';
import { getDatabase } from '$lib/server/core/db/process';
import type { BatchView } from '$lib/shared/views';
import type { PageServerLoad } from './$types';

/** How many batches the history shows, newest first (the CLI's `batches` lists more). */
const SHOWN = 500;

/** 导入记录: every batch the user may see, from the CLI and the browser alike. */
export const load: PageServerLoad = async ({ locals }) => {
	// a user of some stores sees the batches that touch only those stores
	const batches = await listBatches(await getDatabase(), SHOWN + 1, locals.user!.stores);
	return {
		more: batches.length > SHOWN,
		batches: batches.slice(0, SHOWN).map((b): BatchView => ({
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
