import { json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { displayTime, instantMs } from '$lib/server/core/time';
import { queryRows } from '$lib/server/core/db';
import { getDatabase } from '$lib/server/core/db/process';
import { storeListInScopeSql } from '$lib/server/core/db/store-scope';
import { isKind } from '$lib/shared/schema';
import type { LoadedBefore } from '$lib/features/upload/types';

const SHA256 = /^[0-9a-f]{64}$/u;

/**
 * GET /api/ingest/<kind>/loaded?sha256=…: the committed batches of this kind that loaded the same bytes
 * (the hash the engine records, of the file as uploaded), latest first, so the page can say so before
 * the user maps the file again. The load itself still checks (inside its write lock); this only informs.
 * A batch of other stores is named but not linked, as the load's own duplicate answer names it.
 */
export async function loadedBefore(kind: string, sha256: string | null, scope: readonly string[] | null): Promise<Response> {
	if (!isKind(kind) || !sha256 || !SHA256.test(sha256))
		return json({ error: { code: 'bad_request', message: m.upload_api_bad_hash() } }, { status: 400 });
	const db = await getDatabase();
	const visible = storeListInScopeSql(scope, 'stores', 3);
	const rows = await db.withConnection((conn) =>
		queryRows<Omit<LoadedBefore, 'loaded_at'> & { loaded_ms: number }>(
			conn,
			`SELECT batch_id, ${instantMs('finished_at')} AS loaded_ms, sheet, ${visible.sql} AS visible
			 FROM batches WHERE kind = $1 AND sha256 = $2 AND status = 'committed' ORDER BY batch_id DESC LIMIT 20`,
			[kind, sha256, ...visible.params]
		)
	);
	return json({
		loaded: rows.map(({ loaded_ms, ...r }) => ({
			...r,
			loaded_at: displayTime(loaded_ms),
			batch_id: Number(r.batch_id),
			visible: !!r.visible
		}))
	});
}
