import { DuckDBInstance } from '@duckdb/node-api';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { duckdbOptions, queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { keyFilePath } from './phone-hash';
import { createPrivateFiles, makePrivate } from './file-modes';

/**
 * Backups: a consistent snapshot of the whole database as Parquet files (DuckDB's EXPORT DATABASE),
 * taken under the write lock so no load or rollback is half in it, plus the phone-hash key (without it
 * the restored phone hashes could not be matched to new loads) and a manifest with the row count of
 * every table, which a restore checks. A backup holds password hashes and customer data: its folder is
 * made readable by its owner only.
 *
 * EXPORT/IMPORT DATABASE take the folder as a literal, not a parameter: the path (given by the operator
 * on this machine) is checked for control characters and quoted.
 */
export interface BackupManifest {
	format: 1;
	created_at: string;
	database: string;
	migrations: number[];
	tables: Record<string, number>;
}

export class BackupError extends Error {
	constructor(
		readonly code:
			'backup_dir_not_empty' | 'backup_path_invalid' | 'restore_target_exists' | 'restore_not_a_backup' | 'restore_count_mismatch',
		readonly params: Record<string, string | number>
	) {
		super(`${code} ${JSON.stringify(params)}`);
	}
}

function literalPath(path: string): string {
	if (/[\u0000-\u001f]/u.test(path)) throw new BackupError('backup_path_invalid', { path });
	return `'${path.replaceAll("'", "''")}'`;
}

async function tableCounts(conn: DuckDBConnection): Promise<Record<string, number>> {
	const tables = await queryRows<{ name: string }>(
		conn,
		`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1`
	);
	if (tables.length === 0) return {};
	// one query for every table (a statement apiece took ~2 ms each, most of a small database's backup); identifiers
	// from the catalog itself, quoted
	const counts = await queryRows<{ i: number; n: bigint }>(
		conn,
		tables.map(({ name }, i) => `SELECT ${i} AS i, count(*) AS n FROM "${name.replaceAll('"', '""')}"`).join(' UNION ALL ')
	);
	const out: Record<string, number> = {};
	for (const { i, n } of [...counts].sort((a, b) => a.i - b.i)) out[tables[i]!.name] = Number(n);
	return out;
}

/** Writes a backup of `db` into `dir` (created; must be empty if it exists). */
export async function backupDatabase(db: Database, dir: string): Promise<BackupManifest> {
	const target = resolve(dir);
	if (existsSync(target) && readdirSync(target).length > 0) throw new BackupError('backup_dir_not_empty', { dir: target });
	mkdirSync(target, { recursive: true, mode: 0o700 });
	chmodSync(target, 0o700);
	const manifest = await db.withWriteLock(async (conn) => {
		const tables = await tableCounts(conn);
		const migrations = (await queryRows<{ version: number }>(conn, 'SELECT version FROM schema_migrations ORDER BY 1')).map((r) =>
			Number(r.version)
		);
		await conn.run(`EXPORT DATABASE ${literalPath(target)} (FORMAT parquet)`);
		return { format: 1 as const, created_at: new Date().toISOString(), database: db.path, migrations, tables };
	}, 'keeps');
	if (existsSync(keyFilePath(db.path))) copyFileSync(keyFilePath(db.path), join(target, 'keys.json'));
	writeFileSync(join(target, 'backup.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
	return manifest;
}

/**
 * Restores a backup into a new database file (never over an existing one: move it away first), then
 * checks every table's row count against the manifest; on any difference the new file is removed.
 */
export async function restoreDatabase(dir: string, targetPath: string): Promise<BackupManifest> {
	const source = resolve(dir);
	const target = resolve(targetPath);
	const manifestPath = join(source, 'backup.json');
	if (!existsSync(manifestPath) || !existsSync(join(source, 'schema.sql'))) throw new BackupError('restore_not_a_backup', { dir: source });
	if (existsSync(target) || existsSync(keyFilePath(target))) throw new BackupError('restore_target_exists', { path: target });
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest;
	createPrivateFiles();
	mkdirSync(resolve(target, '..'), { recursive: true });
	const instance = await DuckDBInstance.create(target, duckdbOptions(target));
	let ok = false;
	try {
		const conn = await instance.connect();
		try {
			await conn.run(`IMPORT DATABASE ${literalPath(source)}`);
			const counts = await tableCounts(conn);
			for (const [table, n] of Object.entries(manifest.tables)) {
				if (counts[table] !== n) throw new BackupError('restore_count_mismatch', { table, expected: n, found: counts[table] ?? 0 });
			}
			await conn.run('CHECKPOINT');
		} finally {
			conn.closeSync();
		}
		ok = true;
	} finally {
		instance.closeSync();
		if (!ok) {
			rmSync(target, { force: true });
			rmSync(`${target}.wal`, { force: true });
		}
	}
	makePrivate(target);
	if (existsSync(join(source, 'keys.json'))) {
		copyFileSync(join(source, 'keys.json'), keyFilePath(target));
		makePrivate(keyFilePath(target));
	}
	return manifest;
}
