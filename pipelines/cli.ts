/**
 * npm run ingest -- <kind> <file> [--db PATH] [--map mapping.json] [--accept-partial] [--dry-run] [--json] [--as NAME] [--lang zh-CN|en]
 * npm run ingest -- rollback <batch_id> [--db PATH] [--json]
 * npm run ingest -- batches [--db PATH] [--json] [--limit N]
 *
 * Exit codes: 0 committed / duplicate / dry-run, 1 rejected, 2 usage or unreadable input.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../src/lib/server/db';
import { auditCliCommand } from './audit';
import { runCommand, usageError, type Command, type CommandResult } from './commands';
import { readHandoff } from '../src/lib/server/db/handoff';
import { localeFromEnv, type Locale } from './messages';

const USAGE = `用法 / usage:
  npm run ingest -- <complaints|surveys|appraisals|traffic|staff> <文件.csv> [--db PATH] [--map mapping.json] [--accept-partial] [--dry-run] [--json] [--as 姓名]
  npm run ingest -- rollback <batch_id> [--db PATH] [--json]
  npm run ingest -- batches [--db PATH] [--json] [--limit N]`;

function parse(argv: string[]): { cmd: Command; db: string; json: boolean } | { usage: string; json: boolean; locale: Locale } {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			db: { type: 'string' }, map: { type: 'string' }, 'accept-partial': { type: 'boolean', default: false },
			'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, as: { type: 'string' },
			lang: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', default: false }
		}
	});
	const locale: Locale = values.lang === 'en' ? 'en' : values.lang ? 'zh-CN' : localeFromEnv();
	const json = values.json ?? false;
	const db = databasePath(values.db);
	const as = values.as ?? safeUser();
	const [first, second] = positionals;
	if (values.help || !first) return { usage: USAGE, json, locale };
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
		cmd: { command: 'ingest', kind: first, file: resolve(second), fileName: basename(second), mapping, acceptPartial: values['accept-partial'] ?? false, dryRun: values['dry-run'] ?? false, as, locale },
		db, json
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
	try {
		const result = await runCommand(db, cmd);
		await auditCliCommand(db, cmd, result);
		return result;
	} finally {
		db.close();
	}
}

async function main(): Promise<number> {
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

function print(r: CommandResult, json: boolean): void {
	if (json) console.log(JSON.stringify(r.json, null, 2));
	else if (r.exitCode === 2) console.error(r.text);
	else console.log(r.text);
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e instanceof Error ? e.stack ?? e.message : String(e));
		process.exit(2);
	}
);
