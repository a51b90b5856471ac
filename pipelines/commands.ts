import { resolve } from 'node:path';
import { WriteAborted, type Database } from '$lib/server/core/db';
import { BackupError, backupDatabase } from '$lib/server/core/db/backup';
import { ExportError, exportParquet } from '$lib/server/core/db/export-parquet';
import { ParquetLayoutError } from '$lib/server/core/db/parquet';
import { listBatches, rollbackBatch } from './batches';
import { ingest, type IngestSummary } from './engine';
import { IngestFailure } from '$lib/shared/schema/errors';
import { message, reason, type Locale } from './messages';
import { isKind, KINDS } from '$lib/shared/schema';
import { isIsoDay } from '$lib/shared/dashboard/range';
import { log } from '$lib/server/core/log';
import { rebuildRollups, rollupState, verifyRollups } from './rollups/maintain';
import { ROLLUP_TABLES } from './rollups/tables';

/** One CLI command, runnable in this process or handed to the running server. */
export type Command =
	| {
			command: 'ingest';
			kind: string;
			file: string;
			fileName?: string;
			mapping?: unknown;
			/** a workbook's sheet: name or 1-based position */
			sheet?: string;
			/** the day the data describes (the register's export day), YYYY-MM-DD */
			asOf?: string;
			acceptPartial: boolean;
			dryRun: boolean;
			as: string;
			locale: Locale;
			source?: 'cli' | 'web';
			stores?: readonly string[] | null;
	  }
	| { command: 'rollback'; batchId: number; as: string; locale: Locale; stores?: readonly string[] | null }
	| { command: 'batches'; limit: number; locale: Locale }
	| { command: 'backup'; dir: string; as: string; locale: Locale }
	| { command: 'export_parquet'; dir: string; as: string; locale: Locale }
	| { command: 'rollups'; action: 'rebuild' | 'verify'; locale: Locale };

export interface CommandResult {
	/** 0 done, 1 rejected or refused, 2 usage or unreadable input, 3 the load was stopped and rolled back */
	exitCode: 0 | 1 | 2 | 3;
	json: unknown;
	text: string;
}

const ENCODING_LABEL: Record<string, string> = {
	'utf-8': 'UTF-8',
	'utf-8-bom': 'UTF-8 (BOM)',
	gbk: 'GBK/GB18030',
	'utf-16le': 'UTF-16LE',
	'utf-16be': 'UTF-16BE'
};

export function usageError(code: string, params: Record<string, string | number>, locale: Locale): CommandResult {
	const text = reason(code, params, locale);
	return { exitCode: 2, json: { error: { code, message: text } }, text };
}

export async function runCommand(db: Database, cmd: Command): Promise<CommandResult> {
	switch (cmd.command) {
		case 'ingest': {
			if (!isKind(cmd.kind)) return usageError('kind_unknown', { kind: cmd.kind, allowed: KINDS.join(', ') }, cmd.locale);
			if (cmd.asOf !== undefined && !isIsoDay(cmd.asOf)) return usageError('as_of_invalid', { value: cmd.asOf }, cmd.locale);
			const source = cmd.source ?? 'cli';
			const started = performance.now();
			// ids, counts and statuses only: the file name and the rows may name customers
			const loadLog = (fields: Record<string, unknown>) => ({
				kind: cmd.kind,
				source,
				dry_run: cmd.dryRun,
				accept_partial: cmd.acceptPartial,
				...fields,
				ms: Math.round(performance.now() - started)
			});
			try {
				const summary = await ingest(db, {
					kind: cmd.kind,
					filePath: cmd.file,
					fileName: cmd.fileName,
					mapping: cmd.mapping,
					sheet: cmd.sheet,
					...(cmd.asOf !== undefined ? { asOf: cmd.asOf } : {}),
					acceptPartial: cmd.acceptPartial,
					dryRun: cmd.dryRun,
					source,
					createdBy: cmd.as,
					locale: cmd.locale,
					stores: cmd.stores ?? null
				});
				log('ingest').info(
					loadLog({
						batch_id: summary.batch_id,
						status: summary.status,
						rows_read: summary.rows_read,
						rows_loaded: summary.rows_loaded,
						rows_rejected: summary.rows_rejected,
						rows_replaced: summary.rows_replaced,
						encoding: summary.encoding
					}),
					'load'
				);
				return { exitCode: summary.status === 'rejected' ? 1 : 0, json: summary, text: describeSummary(summary, cmd.locale) };
			} catch (e) {
				if (e instanceof IngestFailure) {
					log('ingest').warn(loadLog({ status: 'unreadable', code: e.code }), 'load');
					return usageError(e.code, e.params, cmd.locale);
				}
				if (e instanceof WriteAborted) {
					log('ingest').warn(loadLog({ status: 'aborted', reason: e.reason }), 'load');
					return loadAborted(e, cmd.kind, cmd.locale);
				}
				log('ingest').error(loadLog({ status: 'failed', err: e }), 'load failed');
				throw e;
			}
		}
		case 'rollback': {
			const started = performance.now();
			const r = await rollbackBatch(db, cmd.batchId, cmd.as, cmd.locale, cmd.stores ?? null);
			log('ingest').info(
				{
					batch_id: cmd.batchId,
					ok: r.ok,
					code: r.code,
					removed: r.removed,
					restored: r.restored,
					ms: Math.round(performance.now() - started)
				},
				'rollback'
			);
			return { exitCode: r.ok ? 0 : 1, json: r, text: r.message };
		}
		case 'backup': {
			try {
				const manifest = await backupDatabase(db, cmd.dir);
				const rows = Object.values(manifest.tables).reduce((a, b) => a + b, 0);
				return {
					exitCode: 0,
					json: { dir: resolve(cmd.dir), ...manifest },
					text: reason('backup_done', { dir: resolve(cmd.dir), tables: Object.keys(manifest.tables).length, rows }, cmd.locale)
				};
			} catch (e) {
				if (e instanceof BackupError) return usageError(e.code, e.params, cmd.locale);
				throw e;
			}
		}
		case 'export_parquet': {
			try {
				const manifest = await exportParquet(db, cmd.dir);
				const rows = Object.values(manifest.tables).reduce((a, t) => a + t.rows, 0);
				return {
					exitCode: 0,
					json: { dir: resolve(cmd.dir), ...manifest },
					text: reason('export_parquet_done', { dir: resolve(cmd.dir), tables: Object.keys(manifest.tables).length, rows }, cmd.locale)
				};
			} catch (e) {
				if (e instanceof ExportError || e instanceof ParquetLayoutError) return usageError(e.code, e.params, cmd.locale);
				throw e;
			}
		}
		case 'rollups':
			return rollupsCommand(db, cmd.action, cmd.locale);
		case 'batches': {
			const rows = await listBatches(db, cmd.limit);
			const lines = rows.map((b) =>
				[
					String(b.batch_id).padStart(5),
					b.finished_at,
					b.kind.padEnd(10),
					message(`status_${b.status}`, {}, cmd.locale).padEnd(6),
					`${b.rows_read}/${b.rows_loaded}/${b.rows_rejected}`.padEnd(16),
					b.created_by,
					b.file_name
				].join('  ')
			);
			return { exitCode: 0, json: rows, text: lines.join('\n') };
		}
	}
}

/** `npm run rollups -- rebuild`: every rollup from the raw rows; `verify`: 1 when a rollup differs from the raw rows or is not current. */
async function rollupsCommand(db: Database, action: 'rebuild' | 'verify', locale: Locale): Promise<CommandResult> {
	if (action === 'rebuild') {
		const r = await db.withWriteLock((conn) => rebuildRollups(conn), 'rebuilds');
		const rows = Object.values(r.tables).reduce((a, b) => a + b, 0);
		log('rollups').info({ ...r.tables, ms: r.ms }, 'rollups rebuilt');
		return { exitCode: 0, json: r, text: reason('rollups_rebuilt', { rows, ms: r.ms }, locale) };
	}
	const { current, differences } = await db.withConnection(async (conn) => {
		const state = await rollupState(conn);
		// a kind left to a rebuild after a big write is not current until that rebuild ends
		return { current: state.current && state.stale.length === 0, differences: await verifyRollups(conn) };
	});
	const json = { current, differences };
	if (!current) return { exitCode: 1, json, text: reason('rollups_not_current', {}, locale) };
	if (differences.length === 0) return { exitCode: 0, json, text: reason('rollups_verified', { tables: ROLLUP_TABLES.length }, locale) };
	const lines = differences.map((d) => `  ${d.table} [${d.key}] ${d.column}: ${d.rollup ?? '∅'} ≠ ${d.raw ?? '∅'}`);
	return { exitCode: 1, json, text: [reason('rollups_differ', { count: differences.length }, locale), ...lines].join('\n') };
}

/** A load stopped by a shutdown or Ctrl+C: rolled back, its batch recorded as 'aborted'. */
function loadAborted(e: WriteAborted, kind: string, locale: Locale): CommandResult {
	const code = `load_aborted_${e.reason}`;
	const text = reason(code, { batch: e.batchId ?? '—' }, locale);
	return {
		exitCode: 3,
		json: {
			batch_id: e.batchId,
			kind,
			status: 'aborted',
			abort_reason: e.reason,
			rows_loaded: 0,
			message: text,
			error: { code, message: text }
		},
		text
	};
}

function describeSummary(s: IngestSummary, locale: Locale): string {
	const out = [s.message];
	if (s.sheet !== undefined) out.push(`  ${message('cli_summary_sheet', { file: s.file_name, sheet: s.sheet }, locale)}`);
	else if (s.encoding)
		out.push(`  ${s.file_name} · ${ENCODING_LABEL[s.encoding] ?? s.encoding} · "${s.delimiter === '\t' ? '\\t' : s.delimiter}"`);
	for (const w of s.warnings) out.push(`  ! ${w}`);
	for (const e of s.errors) out.push(`  ${e.row === null ? '' : locale === 'en' ? `row ${e.row}: ` : `第 ${e.row} 行：`}${e.reason}`);
	if (s.rows_rejected > s.errors.length && s.errors.length > 0)
		out.push(locale === 'en' ? `  … ${s.rows_rejected} rows with problems in all` : `  …… 共 ${s.rows_rejected} 行有问题`);
	return out.join('\n');
}
