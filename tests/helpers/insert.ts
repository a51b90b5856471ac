import type { Database } from '../../src/lib/server/core/db';

/**
 * Inserts fixture rows into a table with one prepared statement per row (bound values): tests write
 * their fixtures directly, without the ingestion engine. Columns not given take their NULL/default;
 * `batch_id` defaults to 0.
 */
export async function insertRows(db: Database, table: string, rows: Record<string, unknown>[]): Promise<void> {
	if (!rows.length) return;
	await db.withConnection(async (conn) => {
		for (const row of rows) {
			const r = { batch_id: 0, ...row };
			const cols = Object.keys(r);
			await conn.run(
				`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
				Object.values(r) as never
			);
		}
	});
}
