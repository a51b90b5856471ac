import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import {
	checkPath,
	literalPath,
	MANIFEST_FILE,
	PARQUET_LAYOUT_FORMAT,
	quoteIdent,
	type ParquetManifest,
	type ParquetTable
} from './parquet';
import { maskName } from '$lib/server/core/auth/masking';
import { maskedTextSql, registerMaskedText } from '$lib/server/core/auth/masked-search';

/**
 * `npm run export-parquet -- <dir>`: the analytic tables as Hive-partitioned Parquet, the layout that
 * object storage, DuckLake, MotherDuck or ClickHouse take in (docs/scaling.md). The facts are split by
 * month (complaints by the month received, surveys with their answers by the month answered, traffic by
 * day's month, appraisals by period); batches and the small reference tables are one file each.
 *
 * The files are meant to leave this machine, so customer data is masked, not copied: names as the
 * dashboards show them to users without `pii` (张*), phones left out (the keyed hash stays, which is
 * all the repeat-complaint metric reads, and cannot be reversed without the key, which is not
 * exported), phone numbers inside summaries and comments masked. Accounts, sessions, the audit log,
 * rejected rows (raw file lines) and the replaced-row history are not exported. Whoever needs a full
 * copy takes a backup (`npm run backup`).
 *
 * One snapshot: under the write lock (no load or rollback runs meanwhile) and in one transaction.
 */
interface TableExport {
	table: string;
	/** the partition column and the expression giving it (text); without `sql`, a column of the table (kept in the folder name only) */
	partition?: { column: string; sql?: string };
	/** columns replaced by an expression over `t` and the mask tables */
	masked?: Record<string, string>;
}

const month = (col: string) => ({ column: 'month', sql: `strftime(t.${col}, '%Y-%m')` });
// a value without an entry in its mask table is one masking leaves as it is (王先生, a text without a phone)
const maskedVia = (masks: string, col: string) => `coalesce((SELECT m.masked FROM ${masks} m WHERE m.raw = t.${col}), t.${col})`;
// free text: phones in every written form and the row's own customer name, by the dashboards' masker (auth/masked-search.ts)
const maskedText = (col: string, name: string | null = null) => maskedTextSql(`t.${col}`, name);

export const EXPORTED_TABLES: readonly TableExport[] = [
	{
		table: 'complaints',
		partition: month('received_at'),
		masked: {
			customer_name: maskedVia('export_name_masks', 'customer_name'),
			customer_phone: 'NULL::VARCHAR',
			summary: maskedText('summary', 't.customer_name'),
			resolution: maskedText('resolution', 't.customer_name')
		}
	},
	{ table: 'surveys', partition: month('submitted_at'), masked: { comment: maskedText('comment') } },
	{ table: 'appraisals', partition: { column: 'period' }, masked: { comment: maskedText('comment') } },
	{ table: 'traffic', partition: month('date') },
	{ table: 'inspections', partition: month('inspected_at'), masked: { note: maskedText('note') } },
	{ table: 'staff' },
	{ table: 'contacts', partition: month('arrived_at'), masked: { customer_phone: 'NULL::VARCHAR' } },
	{ table: 'batches' },
	// reference tables the metrics read: SLA limits, targets (app_settings), evaluation rules and baselines
	{ table: 'app_settings' },
	{ table: 'eval_weights' },
	{ table: 'eval_settings' },
	{ table: 'qc_baselines' },
	{ table: 'qa_checklists' }
];

export class ExportError extends Error {
	constructor(
		readonly code: 'export_dir_not_empty',
		readonly params: Record<string, string | number>
	) {
		super(`${code} ${JSON.stringify(params)}`);
	}
}

/** The raw → masked pairs of one mask table, computed by the same functions the dashboards mask with. */
async function fillMasks(conn: DuckDBConnection, table: string, raws: string[], mask: (s: string) => string | null): Promise<void> {
	await conn.run(`CREATE TEMP TABLE ${table} (raw VARCHAR PRIMARY KEY, masked VARCHAR)`);
	const appender = await conn.createAppender(table, 'main', 'temp');
	for (const raw of raws) {
		const masked = mask(raw);
		if (masked === raw) continue;
		appender.appendVarchar(raw);
		if (masked === null) appender.appendNull();
		else appender.appendVarchar(masked);
		appender.endRow();
	}
	appender.flushSync();
	appender.closeSync();
}

async function buildMasks(conn: DuckDBConnection): Promise<void> {
	const names = await queryRows<{ v: string }>(conn, 'SELECT DISTINCT customer_name AS v FROM complaints WHERE customer_name IS NOT NULL');
	await fillMasks(
		conn,
		'export_name_masks',
		names.map((r) => r.v),
		maskName
	);
	registerMaskedText(conn);
}

async function columnsOf(conn: DuckDBConnection, table: string) {
	return queryRows<{ name: string; type: string }>(
		conn,
		`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
		[table]
	);
}

/** Every exported table written under `target`, in one transaction under the write lock; the manifest. */
function snapshot(db: Database, target: string): Promise<ParquetManifest> {
	return db.withWriteLock(async (conn) => {
		await conn.run('BEGIN TRANSACTION');
		try {
			const migrations = (await queryRows<{ version: number }>(conn, 'SELECT version FROM schema_migrations ORDER BY 1')).map((r) =>
				Number(r.version)
			);
			await buildMasks(conn);
			const tables: Record<string, ParquetTable> = {};
			for (const spec of EXPORTED_TABLES) {
				const columns = await columnsOf(conn, spec.table);
				const select = columns.map((c) => `${spec.masked?.[c.name] ?? `t.${quoteIdent(c.name)}`} AS ${quoteIdent(c.name)}`);
				const rows = Number((await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM ${quoteIdent(spec.table)}`))[0]!.n);
				const out = join(target, spec.table);
				if (spec.partition) {
					// the partition column is written as the folder name only (not into the files)
					if (spec.partition.sql) select.push(`${spec.partition.sql} AS ${quoteIdent(spec.partition.column)}`);
					await conn.run(
						`COPY (SELECT ${select.join(', ')} FROM ${quoteIdent(spec.table)} t) TO ${literalPath(out)} (FORMAT parquet, PARTITION_BY (${quoteIdent(spec.partition.column)}))`
					);
				} else {
					mkdirSync(out, { mode: 0o700 });
					await conn.run(
						`COPY (SELECT ${select.join(', ')} FROM ${quoteIdent(spec.table)} t) TO ${literalPath(join(out, 'data_0.parquet'))} (FORMAT parquet)`
					);
				}
				tables[spec.table] = { rows, partition: spec.partition?.column ?? null, columns };
			}
			await conn.run('COMMIT');
			return {
				format: PARQUET_LAYOUT_FORMAT,
				created_at: new Date().toISOString(),
				database: db.path,
				schema_version: Math.max(...migrations),
				migrations,
				customer_data: 'masked',
				tables
			};
		} catch (e) {
			await conn.run('ROLLBACK').catch(() => undefined);
			throw e;
		}
	}, 'keeps');
}

/**
 * Writes the Parquet layout of `db` into `dir` (created; refused if it exists and is not empty) with
 * `manifest.json`. Returns the manifest. The folder is made readable by its owner only.
 */
export async function exportParquet(db: Database, dir: string): Promise<ParquetManifest> {
	const target = resolve(dir);
	checkPath(target);
	if (existsSync(target) && readdirSync(target).length > 0) throw new ExportError('export_dir_not_empty', { dir: target });
	mkdirSync(target, { recursive: true, mode: 0o700 });
	chmodSync(target, 0o700);
	try {
		const manifest = await snapshot(db, target);
		writeFileSync(join(target, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
		return manifest;
	} catch (e) {
		// the folder was empty or new: leave no half export that could pass for a whole one
		for (const f of readdirSync(target)) rmSync(join(target, f), { recursive: true, force: true });
		throw e;
	}
}
