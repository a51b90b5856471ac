import { listBatches, toBatchView } from '$pipelines/batches';
import { getDatabase } from '$lib/server/core/db/process';
import type { PageServerLoad } from './$types';

/** How many batches the history shows, newest first (the CLI's `batches` lists more). */
const SHOWN = 500;

/** 导入记录: every batch the user may see, from the CLI and the browser alike. */
export const load: PageServerLoad = async ({ locals }) => {
	// a user of some stores sees the batches that touch only those stores
	const batches = await listBatches(await getDatabase(), SHOWN + 1, locals.user!.stores);
	return {
		more: batches.length > SHOWN,
		batches: batches.slice(0, SHOWN).map(toBatchView)
	};
};
