import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Why a load stopped before its batch transaction committed: the server shut down with the load
 * still running past its grace period ('shutdown'), the CLI got Ctrl+C or SIGTERM ('interrupted'), the
 * process died without a word — SIGKILL, power cut, crash — and the batch was found 'running' at the
 * next open ('process_ended'), or the load failed with an unexpected error ('failed').
 */
export type AbortReason = 'shutdown' | 'interrupted' | 'process_ended' | 'failed';

/** Thrown into write work that was stopped by `Database.abortWrites`; the work's transaction is rolled back. */
export class WriteAborted extends Error {
	/** the batch the stopped load had opened, when it had one */
	batchId: number | null = null;

	constructor(readonly reason: Extract<AbortReason, 'shutdown' | 'interrupted'>) {
		super(`write aborted (${reason})`);
		this.name = 'WriteAborted';
	}
}

/**
 * Batches still 'running' when the file is opened belong to a process that died mid-load: DuckDB's
 * WAL replay has already dropped their uncommitted rows, so they are marked 'aborted'. Only one process
 * can open the file for writing, so no live load is ever caught by this. Returns their ids.
 */
export async function closeInterruptedBatches(conn: DuckDBConnection): Promise<number[]> {
	const reader = await conn.runAndReadAll(
		// finished_at stays empty: when the process died is not known
		`UPDATE batches SET status = 'aborted', abort_reason = 'process_ended' WHERE status = 'running' RETURNING batch_id`
	);
	return reader.getRowObjectsJS().map((r) => Number(r.batch_id));
}
