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
import { databasePath, readLang } from '../src/lib/server/core/config';
import type { Parsed } from './ingest-run';
import type { Locale } from '../pipelines/messages';
import { runMain } from './run';
// (named: the bundle keeps just this message of each file, not all of them)
import { cli_reading_file as readingEn } from '../messages/en.json';
import { cli_reading_file as readingZh } from '../messages/zh-CN.json';

/** The first line of a load, by language (a plain message with one parameter, {file}) */
const READING_FILE: Record<Locale, string> = { 'zh-CN': readingZh, en: readingEn };

const USAGE = `用法 / usage:
  npm run ingest -- <complaints|surveys|appraisals|traffic|staff|contacts|inspections> <文件.csv|文件.xlsx> [--sheet 工作表名|序号] [--as-of 数据截至日 YYYY-MM-DD] [--db PATH] [--map mapping.json] [--accept-partial] [--dry-run] [--json] [--as 姓名]
  npm run ingest -- rollback <batch_id> [--db PATH] [--json]
  npm run ingest -- batches [--db PATH] [--json] [--limit N]
  npm run backup -- <目录> [--db PATH]
  npm run restore -- <目录> [--db PATH]
  npm run export-parquet -- <目录> [--db PATH]
  npm run rollups -- rebuild|verify [--db PATH]`;

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
	const locale: Locale = values.lang === 'en' ? 'en' : values.lang ? 'zh-CN' : readLang();
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

async function main(): Promise<number> {
	let parsed: Parsed;
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
	// Said before DuckDB and the engine are loaded (a few hundred milliseconds): the load has begun. Its text is read
	// from the catalog's source files, not through the compiled messages (pipelines/messages.ts), whose every message
	// took ~65 ms to load before this line could be written.
	if ('cmd' in parsed && parsed.cmd.command === 'ingest' && !parsed.json)
		console.error(READING_FILE[parsed.cmd.locale].replace('{file}', parsed.cmd.fileName ?? ''));
	const { execute } = await import('./ingest-run');
	return execute(parsed);
}

runMain(main);
