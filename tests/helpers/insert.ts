import type { Database } from '../../src/lib/server/core/db';
import { rebuildRollups } from '../../pipelines/rollups/maintain';

/**
 * Inserts fixture rows into a table with one prepared statement per row (bound values): tests write
 * their fixtures directly, without the ingestion engine. Columns not given take their NULL/default;
 * `batch_id` defaults to 0 (tables without one: pass `{}` as defaults). Rows written past the engine
 * are rolled up again afterwards, as a load would keep them, so metric tests read the path a server would.
 */
export async function insertRows(
	db: Database,
	table: string,
	rows: Record<string, unknown>[],
	defaults: Record<string, unknown> = { batch_id: 0 }
): Promise<void> {
	if (!rows.length) return;
	await db.withConnection(async (conn) => {
		for (const row of rows) {
			const r = { ...defaults, ...row };
			const cols = Object.keys(r);
			await conn.run(
				`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
				Object.values(r) as never
			);
		}
		if (table === 'complaints' || table === 'surveys' || table === 'contacts') await rebuildRollups(conn);
	});
}
