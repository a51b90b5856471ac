import type { DuckDBConnection } from '@duckdb/node-api';
import { schemas } from '$lib/shared/schema';

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
 * Batches still 'running' when the file is opened belong to a process that died mid-load: only one
 * process can open the file for writing, so no live load is ever caught by this. They are marked
 * 'aborted', and whatever of their rows is in the tables is taken out again: DuckDB's WAL replay drops
 * an uncommitted transaction, but large inserts are written to the file before their commit, and the
 * 1.5 series can bring such rows back after a kill (seen once in about 160 SIGKILL trials; upstream:
 * duckdb/duckdb#25931 "Fix uncommitted data recovered accidentally"). So rows carrying an aborted
 * batch's id are deleted, and versions it had moved aside for replacement go back where their key has
 * no row left. All in one transaction; returns the batches and the rows removed.
 */
export async function closeInterruptedBatches(conn: DuckDBConnection): Promise<{ batches: number[]; strayRows: number }> {
	const running = (await conn.runAndReadAll(`SELECT batch_id FROM batches WHERE status = 'running' ORDER BY 1`))
		.getRowObjectsJS()
		.map((r) => Number(r.batch_id));
	if (running.length === 0) return { batches: [], strayRows: 0 };
	let strayRows = 0;
	let restored = 0;
	await conn.run('BEGIN TRANSACTION');
	try {
		for (const id of running) {
			for (const { table: t, key } of Object.values(schemas)) {
				strayRows += Number((await conn.run(`DELETE FROM ${t} WHERE batch_id = $1`, [id])).rowsChanged);
				const cols = (
					await conn.runAndReadAll(
						`SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
						[t]
					)
				)
					.getRowObjectsJS()
					.map((r) => `"${String(r.column_name)}"`)
					.join(', ');
				const sameKey = key.map((k) => `x."${k}" = r."${k}"`).join(' AND ');
				restored += Number(
					(
						await conn.run(
							`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM ${t}_replaced r
							WHERE r.replaced_by = $1 AND NOT EXISTS (SELECT 1 FROM ${t} x WHERE ${sameKey})`,
							[id]
						)
					).rowsChanged
				);
				await conn.run(`DELETE FROM ${t}_replaced WHERE replaced_by = $1`, [id]);
			}
			await conn.run('DELETE FROM rejected_rows WHERE batch_id = $1', [id]);
			// finished_at stays empty: when the process died is not known
			await conn.run(`UPDATE batches SET status = 'aborted', abort_reason = 'process_ended' WHERE batch_id = $1`, [id]);
		}
		// rows changed outside a batch transaction: the rollups are rebuilt rather than trusted (pipelines/rollups)
		if (strayRows + restored > 0) await conn.run('DELETE FROM rollup_state');
		await conn.run('COMMIT');
	} catch (e) {
		await conn.run('ROLLBACK').catch(() => undefined);
		throw e;
	}
	return { batches: running, strayRows };
}
