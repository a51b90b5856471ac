/**
 * npm run ingest -- <kind> <file.csv|file.xlsx> [--sheet NAME|N] [--as-of YYYY-MM-DD] [--db PATH] [--map mapping.json] [--accept-partial] [--dry-run] [--json] [--as NAME] [--lang zh-CN|en]
 * npm run ingest -- rollback <batch_id> [--db PATH] [--json]
 * npm run ingest -- batches [--db PATH] [--json] [--limit N]
 * npm run backup -- <dir> [--db PATH]      (while the server runs, it takes the snapshot)
 * npm run restore -- <dir> [--db PATH]     (into a new database file; the server must be stopped)
 * npm run export-parquet -- <dir> [--db PATH]  (partitioned Parquet, customer data masked; while the server runs, it writes it)
 * npm run rollups -- rebuild|verify [--db PATH] [--json]  (rebuild the rollups from the raw rows; verify: exit 1 on a difference)
 *
 * Exit codes: 0 committed / duplicate / dry-run, 1 rejected, 2 usage or unreadable input, 3 stopped by Ctrl+C or
 * SIGTERM during the load (rolled back, recorded as an aborted batch; a second Ctrl+C exits at once, 130).
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../src/lib/server/core/db';
import { auditCliCommand } from '../pipelines/audit';
import { runCommand, usageError, type Command, type CommandResult } from '../pipelines/commands';
import { readHandoff } from '../src/lib/server/core/db/handoff';
import { localeFromEnv, reason, type Locale } from '../pipelines/messages';
import { BackupError, restoreDatabase } from '../src/lib/server/core/db/backup';
import { logToStderr } from '../src/lib/server/core/log';
import { runMain } from './run';

const USAGE = `用法 / usage:
  npm run ingest -- <complaints|surveys|appraisals|traffic|staff> <文件.csv|文件.xlsx> [--sheet 工作表名|序号] [--as-of 数据截至日 YYYY-MM-DD] [--db PATH] [--map mapping.json] [--accept-partial] [--dry-run] [--json] [--as 姓名]
  npm run ingest -- rollback <batch_id> [--db PATH] [--json]
  npm run ingest -- batches [--db PATH] [--json] [--limit N]
  npm run backup -- <目录> [--db PATH]
  npm run restore -- <目录> [--db PATH]
  npm run export-parquet -- <目录> [--db PATH]
  npm run rollups -- rebuild|verify [--db PATH]`;

type Parsed =
	| { cmd: Command; db: string; json: boolean }
	| { restore: string; db: string; json: boolean; locale: Locale }
	| { usage: string; json: boolean; locale: Locale };

function parse(argv: string[]): Parsed {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			db: { type: 'string' },
			map: { type: 'string' },
			sheet: { type: 'string' },
			'as-of': { type: 'string' },
			'accept-partial': { type: 'boolean', default: false },
			'dry-run': { type: 'boolean', default: false },
			json: { type: 'boolean', default: false },
			as: { type: 'string' },
			lang: { type: 'string' },
			limit: { type: 'string' },
			help: { type: 'boolean', default: false }
		}
	});
	const locale: Locale = values.lang === 'en' ? 'en' : values.lang ? 'zh-CN' : localeFromEnv();
	const json = values.json ?? false;
	const db = databasePath(values.db);
	const as = values.as ?? safeUser();
	const [first, second] = positionals;
	if (values.help || !first) return { usage: USAGE, json, locale };
	if (first === 'backup')
		return second ? { cmd: { command: 'backup', dir: resolve(second), as, locale }, db, json } : { usage: USAGE, json, locale };
	if (first === 'export-parquet')
		return second ? { cmd: { command: 'export_parquet', dir: resolve(second), as, locale }, db, json } : { usage: USAGE, json, locale };
	if (first === 'rollups')
		return second === 'rebuild' || second === 'verify'
			? { cmd: { command: 'rollups', action: second, locale }, db, json }
			: { usage: USAGE, json, locale };
	if (first === 'restore') return second ? { restore: resolve(second), db, json, locale } : { usage: USAGE, json, locale };
	if (first === 'batches') return { cmd: { command: 'batches', limit: Number(values.limit ?? 50) || 50, locale }, db, json };
	if (first === 'rollback') {
		const batchId = Number(second);
		if (!Number.isInteger(batchId) || batchId <= 0) return { usage: USAGE, json, locale };
		return { cmd: { command: 'rollback', batchId, as, locale }, db, json };
	}
	if (!second) return { usage: USAGE, json, locale };
	let mapping: unknown;
	if (values.map) {
		try {
			mapping = JSON.parse(readFileSync(values.map, 'utf8'));
		} catch (e) {
			mapping = { __unreadable: String(e instanceof Error ? e.message : e) };
		}
	}
	return {
		cmd: {
			command: 'ingest',
			kind: first,
			file: resolve(second),
			fileName: basename(second),
			mapping,
			sheet: values.sheet,
			...(values['as-of'] !== undefined ? { asOf: values['as-of'] } : {}),
			acceptPartial: values['accept-partial'] ?? false,
			dryRun: values['dry-run'] ?? false,
			as,
			locale
		},
		db,
		json
	};
}

function safeUser(): string {
	try {
		return userInfo().username;
	} catch {
		return 'cli';
	}
}

/** Hands the command to the running server that owns the database file. */
async function viaServer(port: number, token: string, cmd: Command): Promise<CommandResult> {
	const res = await fetch(`http://127.0.0.1:${port}/api/internal/cli`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify(cmd)
	});
	if (!res.ok) throw new Error(`server answered ${res.status}: ${await res.text()}`);
	return (await res.json()) as CommandResult;
}

async function direct(path: string, cmd: Command): Promise<CommandResult> {
	let db: Database;
	try {
		db = await Database.open(path);
	} catch (e) {
		const msg = e instanceof Error ? e.message : String(e);
		if (/lock/i.test(msg)) return usageError('database_locked', { path }, cmd.locale);
		throw e;
	}
	// Ctrl+C or SIGTERM: the load is rolled back and recorded as aborted, then the usual summary and exit.
	// A second signal exits at once; the file is safe either way (an open transaction never reaches it).
	let stopping = false;
	const onSignal = () => {
		if (stopping) process.exit(130);
		stopping = true;
		void db.abortWrites('interrupted');
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		const result = await runCommand(db, cmd);
		await auditCliCommand(db, cmd, result);
		return result;
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		await db.checkpointAndClose();
	}
}

async function main(): Promise<number> {
	logToStderr();
	let parsed: ReturnType<typeof parse>;
	try {
		parsed = parse(process.argv.slice(2));
	} catch (e) {
		console.error(e instanceof Error ? e.message : String(e));
		console.error(USAGE);
		return 2;
	}
	if ('usage' in parsed) {
		console.error(parsed.usage);
		return 2;
	}
	if ('restore' in parsed) {
		const r = await restore(parsed.restore, parsed.db, parsed.locale);
		print(r, parsed.json);
		return r.exitCode;
	}
	const { cmd, db, json } = parsed;
	if (cmd.command === 'ingest' && cmd.mapping && typeof cmd.mapping === 'object' && '__unreadable' in cmd.mapping) {
		const r = usageError('mapping_invalid', { detail: String((cmd.mapping as { __unreadable: string }).__unreadable) }, cmd.locale);
		print(r, json);
		return r.exitCode;
	}
	const handoff = readHandoff(db);
	let result: CommandResult;
	if (handoff) {
		try {
			result = await viaServer(handoff.port, handoff.token, cmd);
		} catch (e) {
			// A server that does not answer cannot hold the file for long; try it directly.
			if (!(e instanceof TypeError)) throw e;
			result = await direct(db, cmd);
		}
	} else {
		result = await direct(db, cmd);
	}
	print(result, json);
	return result.exitCode;
}

/** Restores a backup into a new database file; refused while a server owns that path. */
async function restore(dir: string, db: string, locale: Locale): Promise<CommandResult> {
	if (readHandoff(db)) return usageError('restore_server_running', { path: db }, locale);
	try {
		const manifest = await restoreDatabase(dir, db);
		const rows = Object.values(manifest.tables).reduce((a, b) => a + b, 0);
		return {
			exitCode: 0,
			json: { ...manifest },
			text: reason('restore_done', { path: db, tables: Object.keys(manifest.tables).length, rows, created: manifest.created_at }, locale)
		};
	} catch (e) {
		if (e instanceof BackupError) return usageError(e.code, e.params, locale);
		throw e;
	}
}

function print(r: CommandResult, json: boolean): void {
	if (json) console.log(JSON.stringify(r.json, null, 2));
	else if (r.exitCode >= 2) console.error(r.text);
	else console.log(r.text);
}

runMain(main);
