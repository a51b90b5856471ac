import type { Database } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';

/**
 * The audit entry of an ingest-CLI command, for the two places that run one: the server's
 * /api/internal/cli endpoint and cli/ingest.ts when it opens the file itself. Call it after
 * `runCommand` returns (the batch has committed). Loads that changed something (committed or
 * rejected batches) and successful rollbacks are recorded; dry runs, duplicates and the batch list
 * are not. The shapes are declared here structurally so auth does not depend on pipelines.
 * The browser upload and the batch pages record theirs with the signed-in user as the actor
 * (`actor`); commands from the CLI are recorded as `cli:<name>`.
 */
interface IngestCommand {
	command: 'ingest';
	as: string;
	dryRun: boolean;
}
interface RollbackCommand {
	command: 'rollback';
	as: string;
	batchId: number;
}
type CliCommand = IngestCommand | RollbackCommand | { command: string };

interface IngestSummaryLike {
	batch_id: number | null;
	kind: string;
	status: string;
	file_name: string;
	sha256: string | null;
	rows_read: number;
	rows_loaded: number;
	rows_rejected: number;
}
interface RollbackLike {
	ok: boolean;
	removed: number;
	restored: number;
}

export async function auditCliCommand(
	db: Database,
	cmd: CliCommand,
	result: { json: unknown },
	ip: string | null = null,
	actor?: string
): Promise<void> {
	// a backup or an export: who asked, and what left the database
	const auditExport = (target: 'backup' | 'parquet', detail: Record<string, unknown>) =>
		db.withConnection((conn) =>
			audit(conn, { actor: actor ?? `cli:${(cmd as { as?: string }).as ?? 'cli'}`, action: 'export', target, ip, detail })
		);
	if (cmd.command === 'ingest') {
		const c = cmd as IngestCommand;
		const s = result.json as IngestSummaryLike;
		if (c.dryRun || s.batch_id === null || (s.status !== 'committed' && s.status !== 'rejected')) return;
		await db.withConnection((conn) =>
			audit(conn, {
				actor: actor ?? `cli:${c.as}`,
				action: 'ingest',
				target: `batch:${s.batch_id}`,
				ip,
				detail: {
					kind: s.kind,
					file_name: s.file_name,
					sha256: s.sha256,
					status: s.status,
					rows_read: s.rows_read,
					rows_loaded: s.rows_loaded,
					rows_rejected: s.rows_rejected
				}
			})
		);
	} else if (cmd.command === 'backup') {
		const b = result.json as { dir?: string; tables?: Record<string, number> };
		if (!b.tables) return;
		await auditExport('backup', { dir: b.dir, tables: Object.keys(b.tables).length });
	} else if (cmd.command === 'export_parquet') {
		// the Parquet export carries masked customer data only (see src/lib/server/core/db/export-parquet.ts)
		const b = result.json as { dir?: string; tables?: Record<string, { rows: number }>; customer_data?: string };
		const tables = b.tables;
		if (!tables) return;
		await auditExport('parquet', {
			dir: b.dir,
			tables: Object.keys(tables).length,
			rows: Object.values(tables).reduce((a, t) => a + t.rows, 0),
			customer_data: b.customer_data
		});
	} else if (cmd.command === 'rollback') {
		const c = cmd as RollbackCommand;
		const r = result.json as RollbackLike;
		if (!r.ok) return;
		await db.withConnection((conn) =>
			audit(conn, {
				actor: actor ?? `cli:${c.as}`,
				action: 'rollback',
				target: `batch:${c.batchId}`,
				ip,
				detail: { removed: r.removed, restored: r.restored }
			})
		);
	}
}
