import { queryRows, type AbortReason, type Database } from '../src/lib/server/db';
import { message, type Locale } from './messages';
import { schemas, type KindId } from './schema';
import { tableColumns } from './store';

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

export async function listBatches(db: Database, limit = 100): Promise<BatchRow[]> {
	return db.withConnection((conn) =>
		queryRows<BatchRow>(conn,
			`SELECT batch_id, kind, file_name, source, created_by,
			        strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at, strftime(coalesce(finished_at, started_at), '%Y-%m-%d %H:%M:%S') AS finished_at,
			        status, rows_read, rows_loaded, rows_rejected, rows_replaced, encoding,
			        strftime(rolled_back_at, '%Y-%m-%d %H:%M:%S') AS rolled_back_at, rolled_back_by, abort_reason
			 FROM batches ORDER BY batch_id DESC LIMIT $1`, [limit])
	);
}

export interface RollbackResult {
	ok: boolean;
	batch_id: number;
	removed: number;
	restored: number;
	message: string;
	code?: 'not_found' | 'not_committed' | 'blocked';
}

/** Restores exactly the state before a batch: its rows removed, the rows it replaced put back. */
export async function rollbackBatch(db: Database, batchId: number, by: string, locale: Locale = 'zh-CN'): Promise<RollbackResult> {
	return db.withWriteLock(async (conn) => {
		const [batch] = await queryRows<{ kind: KindId; status: string }>(conn, 'SELECT kind, status FROM batches WHERE batch_id = $1', [batchId]);
		const fail = (code: RollbackResult['code'], key: string, params: Record<string, unknown>): RollbackResult =>
			({ ok: false, batch_id: batchId, removed: 0, restored: 0, code, message: message(key, { batch: batchId, ...params }, locale) });
		if (!batch) return fail('not_found', 'rollback_not_found', {});
		if (batch.status !== 'committed') return fail('not_committed', 'rollback_not_committed', { status: message(`status_${batch.status}`, {}, locale) });
		const t = schemas[batch.kind].table;
		const later = await queryRows<{ replaced_by: number }>(conn,
			`SELECT DISTINCT r.replaced_by FROM ${t}_replaced r JOIN batches b ON b.batch_id = r.replaced_by
			 WHERE r.batch_id = $1 AND b.status = 'committed' ORDER BY 1`, [batchId]);
		if (later.length > 0) return fail('blocked', 'rollback_blocked', { later: later.map((l) => l.replaced_by).join(', ') });
		await conn.run('BEGIN TRANSACTION');
		try {
			const [{ n: removed = 0 } = {}] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${t} WHERE batch_id = $1`, [batchId]);
			await conn.run(`DELETE FROM ${t} WHERE batch_id = $1`, [batchId]);
			const [{ n: restored = 0 } = {}] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${t}_replaced WHERE replaced_by = $1`, [batchId]);
			const cols = (await tableColumns(conn, t)).join(', ');
			await conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM ${t}_replaced WHERE replaced_by = $1`, [batchId]);
			await conn.run(`DELETE FROM ${t}_replaced WHERE replaced_by = $1`, [batchId]);
			await conn.run(`UPDATE batches SET status = 'rolled_back', rolled_back_at = now()::TIMESTAMP, rolled_back_by = $2 WHERE batch_id = $1`, [batchId, by]);
			await conn.run('COMMIT');
			return { ok: true, batch_id: batchId, removed, restored, message: message('rollback_done', { batch: batchId, removed, restored }, locale) };
		} catch (e) {
			await conn.run('ROLLBACK');
			throw e;
		}
	});
}
