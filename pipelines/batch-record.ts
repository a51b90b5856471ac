import type { DuckDBConnection } from '@duckdb/node-api';
import { WriteAborted, type Database } from '$lib/server/core/db';
import { IngestFailure } from '$lib/shared/schema/errors';
import { log } from '$lib/server/core/log';
import type { KindId } from '$lib/shared/schema';

export interface BatchStart {
	kind: KindId;
	fileName: string;
	source: 'cli' | 'web';
	createdBy: string;
	started: Date;
	acceptPartial: boolean;
	dryRun?: boolean;
}

/**
 * Runs one load under the write lock with its batch on record from the start: a 'running' batch,
 * committed on its own, that the batch transaction turns into 'committed' or 'rejected' (`work` gets
 * its id; a dry run gets none and records nothing). When the load ends otherwise the record says so:
 * stopped by a shutdown or Ctrl+C → 'aborted' with that reason; an unexpected error → 'aborted'
 * ('failed'); a duplicate, or a file that cannot be read at all (never recorded) → the record is removed.
 * If the process dies, the next open marks it (db/interrupted.ts).
 */
export async function withBatchRecord<T extends { batch_id: number | null }>(
	db: Database,
	conn: DuckDBConnection,
	start: BatchStart,
	work: (batchId: number | undefined) => Promise<T>
): Promise<T> {
	if (start.dryRun) return work(undefined);
	// The next number after the last batch (not the sequence, which never gives a number back): this runs
	// under the write lock of the one process that can write the file, and a duplicate's record is removed
	// again, so 导入记录 has no gap for it.
	const [row] = (
		await conn.runAndReadAll(
			`INSERT INTO batches (batch_id, kind, file_name, source, created_by, started_at, status, accept_partial,
			   rows_read, rows_loaded, rows_rejected, rows_collapsed, rows_replaced)
			 VALUES ((SELECT coalesce(max(batch_id), 0) + 1 FROM batches), $1, $2, $3, $4, $5::TIMESTAMPTZ::TIMESTAMP, 'running', $6, 0, 0, 0, 0, 0) RETURNING batch_id`,
			[start.kind, start.fileName, start.source, start.createdBy, start.started.toISOString(), start.acceptPartial]
		)
	).getRowObjectsJS();
	const batchId = Number(row!.batch_id);
	try {
		const result = await work(batchId);
		// a duplicate (it names the batch that loaded the file) or a file refused before it was read records nothing
		if (result.batch_id !== batchId) await forget(conn, batchId);
		return result;
	} catch (e) {
		// stopped, whatever the error the stop surfaced as (the engine may have turned it into its own)
		const aborted = e instanceof WriteAborted ? e : db.writeAbort;
		try {
			if (aborted)
				await db.withConnection((c) => markAborted(c, batchId, aborted.reason)); // a fresh connection: the load's own refuses statements now
			else if (e instanceof IngestFailure) await forget(conn, batchId);
			else await db.withConnection((c) => markAborted(c, batchId, 'failed'));
		} catch (recordFailure) {
			// still 'running': the next open marks it aborted
			log('ingest').error({ batch_id: batchId, err: recordFailure }, 'could not record how the batch ended');
		}
		if (aborted) {
			aborted.batchId = batchId;
			throw aborted;
		}
		throw e;
	}
}

const forget = (conn: DuckDBConnection, batchId: number) =>
	conn.run(`DELETE FROM batches WHERE batch_id = $1 AND status = 'running'`, [batchId]);

const markAborted = (conn: DuckDBConnection, batchId: number, reason: string) =>
	conn.run(
		`UPDATE batches SET status = 'aborted', abort_reason = $2, finished_at = now()::TIMESTAMP WHERE batch_id = $1 AND status = 'running'`,
		[batchId, reason]
	);
