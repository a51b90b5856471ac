import { queryRows, type AbortReason, type Database } from '$lib/server/core/db';
import { message, type Locale } from './messages';
import { schemas, type KindId } from '$lib/shared/schema';
import { tableColumns } from './store';
import { recordTouched, refreshTouched } from './rollups/maintain';
import { storeListInScopeSql, storeScopeSql } from '$lib/server/core/db/store-scope';
import { displayTime, instantMs } from '$lib/server/core/time';
import type { BatchView } from '$lib/shared/views';

export interface BatchRow {
	batch_id: number;
	kind: KindId;
	file_name: string;
	source: string;
	created_by: string;
	started_at: string;
	finished_at: string;
	status: 'running' | 'committed' | 'rejected' | 'rolled_back' | 'aborted';
	rows_read: number;
	rows_loaded: number;
	rows_rejected: number;
	rows_replaced: number;
	encoding: string | null;
	rolled_back_at: string | null;
	rolled_back_by: string | null;
	/** why an 'aborted' batch stopped (db/interrupted.ts) */
	abort_reason: AbortReason | null;
}

/** Only the columns a batch table shows, for the browser (the home page's history and 导入记录). */
export const toBatchView = (b: BatchRow): BatchView => ({
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
});

/** A batch's times as instants (SQL, epoch ms), written by `withBatchTimes` in the display zone. */
export const BATCH_TIMES_SQL = `${instantMs('started_at')} AS started_ms, ${instantMs('coalesce(finished_at, started_at)')} AS finished_ms,
	${instantMs('rolled_back_at')} AS rolled_back_ms`;
export interface BatchTimes {
	started_ms: number;
	finished_ms: number;
	rolled_back_ms: number | null;
}

/** The times of a row read with `BATCH_TIMES_SQL`, as every page and the CLI write them (one formatter, TZ_DISPLAY). */
export function withBatchTimes<T extends BatchTimes>({ started_ms, finished_ms, rolled_back_ms, ...rest }: T) {
	return {
		...rest,
		started_at: displayTime(started_ms),
		finished_at: displayTime(finished_ms),
		rolled_back_at: rolled_back_ms === null ? null : displayTime(rolled_back_ms)
	};
}

/** The newest batches; with a store scope (null = every store) only those whose stores all lie in it. */
export async function listBatches(db: Database, limit = 100, scope: readonly string[] | null = null): Promise<BatchRow[]> {
	const visible = storeListInScopeSql(scope, 'stores', 2);
	const rows = await db.withConnection((conn) =>
		queryRows<BatchRow & BatchTimes>(
			conn,
			`SELECT batch_id, kind, file_name, source, created_by, ${BATCH_TIMES_SQL},
			        status, rows_read, rows_loaded, rows_rejected, rows_replaced, encoding, rolled_back_by, abort_reason
			 FROM batches WHERE ${visible.sql} ORDER BY batch_id DESC LIMIT $1`,
			[limit, ...visible.params]
		)
	);
	return rows.map(withBatchTimes);
}

export interface RollbackResult {
	ok: boolean;
	batch_id: number;
	removed: number;
	restored: number;
	message: string;
	code?: 'not_found' | 'not_committed' | 'blocked' | 'store';
}

/**
 * Restores exactly the state before a batch: its rows removed, the rows it replaced put back. With a
 * store scope (null = every store) only a batch whose recorded stores, rows and replaced rows all lie in it.
 */
export async function rollbackBatch(
	db: Database,
	batchId: number,
	by: string,
	locale: Locale = 'zh-CN',
	scope: readonly string[] | null = null
): Promise<RollbackResult> {
	return db.withWriteLock(async (conn) => {
		const visible = storeListInScopeSql(scope, 'stores', 2);
		const [batch] = await queryRows<{ kind: KindId; status: string; visible: boolean }>(
			conn,
			`SELECT kind, status, ${visible.sql} AS visible FROM batches WHERE batch_id = $1`,
			[batchId, ...visible.params]
		);
		const fail = (code: RollbackResult['code'], key: string, params: Record<string, unknown>): RollbackResult => ({
			ok: false,
			batch_id: batchId,
			removed: 0,
			restored: 0,
			code,
			message: message(key, { batch: batchId, ...params }, locale)
		});
		if (!batch) return fail('not_found', 'rollback_not_found', {});
		if (!batch.visible || !(await rowsInScope(conn, batch.kind, batchId, scope)))
			return fail('store', 'batches_rollback_forbidden_store', {});
		if (batch.status !== 'committed')
			return fail('not_committed', 'rollback_not_committed', { status: message(`status_${batch.status}`, {}, locale) });
		const t = schemas[batch.kind].table;
		const later = await queryRows<{ replaced_by: number }>(
			conn,
			`SELECT DISTINCT r.replaced_by FROM ${t}_replaced r JOIN batches b ON b.batch_id = r.replaced_by
			 WHERE r.batch_id = $1 AND b.status = 'committed' ORDER BY 1`,
			[batchId]
		);
		if (later.length > 0) return fail('blocked', 'rollback_blocked', { later: later.map((l) => l.replaced_by).join(', ') });
		await conn.run('BEGIN TRANSACTION');
		try {
			const [{ n: removed = 0 } = {}] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${t} WHERE batch_id = $1`, [
				batchId
			]);
			// the rows leaving and the rows coming back, recorded before they move: their rollups are recomputed after
			const keepRollups = await recordTouched(conn, batch.kind, t, batchId, 'rollback');
			await conn.run(`DELETE FROM ${t} WHERE batch_id = $1`, [batchId]);
			const [{ n: restored = 0 } = {}] = await queryRows<{ n: number }>(
				conn,
				`SELECT count(*) AS n FROM ${t}_replaced WHERE replaced_by = $1`,
				[batchId]
			);
			const cols = (await tableColumns(conn, t)).join(', ');
			await conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM ${t}_replaced WHERE replaced_by = $1`, [batchId]);
			await conn.run(`DELETE FROM ${t}_replaced WHERE replaced_by = $1`, [batchId]);
			if (keepRollups) await refreshTouched(conn, batch.kind);
			await conn.run(
				`UPDATE batches SET status = 'rolled_back', rolled_back_at = now()::TIMESTAMP, rolled_back_by = $2 WHERE batch_id = $1`,
				[batchId, by]
			);
			await conn.run('COMMIT');
			return {
				ok: true,
				batch_id: batchId,
				removed,
				restored,
				message: message('rollback_done', { batch: batchId, removed, restored }, locale)
			};
		} catch (e) {
			await conn.run('ROLLBACK');
			throw e;
		}
	}, 'keeps');
}

/** Whether every row a rollback would remove or put back belongs to a store in the scope (null = every store). */
async function rowsInScope(
	conn: Parameters<typeof tableColumns>[0],
	kind: KindId,
	batchId: number,
	scope: readonly string[] | null
): Promise<boolean> {
	if (scope === null) return true;
	const { table: t, storeColumn } = schemas[kind];
	if (!storeColumn) return false;
	const inScope = storeScopeSql(scope, storeColumn, 2);
	const [{ n = 0 } = {}] = await queryRows<{ n: number }>(
		conn,
		`SELECT count(*) AS n FROM (SELECT ${storeColumn} FROM ${t} WHERE batch_id = $1 UNION ALL SELECT ${storeColumn} FROM ${t}_replaced WHERE replaced_by = $1)
		 WHERE NOT ${inScope.sql}`,
		[batchId, ...inScope.params]
	);
	return Number(n) === 0;
}
