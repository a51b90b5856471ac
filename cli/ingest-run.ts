/**
 * What `npm run ingest` does once its arguments are read (cli/ingest.ts): loaded only then, since DuckDB
 * and the engine take a few hundred milliseconds to load.
 */
import { Database } from '../src/lib/server/core/db';
import { auditCliCommand } from '../pipelines/audit';
import { runCommand, usageError, type Command, type CommandResult } from '../pipelines/commands';
import { rebuildLeftKinds } from '../pipelines/rollups/maintain';
import { readHandoff } from '../src/lib/server/core/db/handoff';
import { reason, type Locale } from '../pipelines/messages';
import { BackupError, restoreDatabase } from '../src/lib/server/core/db/backup';
import { logToStderr } from '../src/lib/server/core/log';
import { postToServer } from './handoff-client';

/** The command line, read (cli/ingest.ts). */
export type Parsed =
	| { cmd: Command; db: string; json: boolean }
	| { restore: string; db: string; json: boolean; locale: Locale }
	| { usage: string; json: boolean; locale: Locale };

export async function execute(parsed: Exclude<Parsed, { usage: string }>): Promise<number> {
	logToStderr();
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
			result = await postToServer<CommandResult>(handoff, '/api/internal/cli', cmd);
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

async function direct(path: string, cmd: Command): Promise<CommandResult> {
	let db: Database;
	try {
		db = await Database.open(path, { alone: true });
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
		// a big load or rollback committed without its kind's rollups: rebuilt before the file is closed
		await rebuildLeftKinds(db);
		return result;
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		await db.checkpointAndClose();
	}
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
