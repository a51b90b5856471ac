/**
 * npm run audit -- verify [--db PATH] [--json] [--lang en]
 *
 * Re-computes the audit log's hash chain. Exit 0 when intact (prints the head to anchor elsewhere),
 * 1 naming the first entry that was changed, removed or inserted, 2 usage.
 */
import { parseArgs } from 'node:util';
import { databasePath } from '../src/lib/server/core/db';
import { cliLocale, dispatch, print } from './accounts-client';
import { logToStderr } from '../src/lib/server/core/log';
import { runMain } from './run';

const USAGE = `用法 / usage:
  npm run audit -- verify [--db PATH] [--json] [--lang en]`;

async function main(): Promise<number> {
	logToStderr();
	let parsed;
	try {
		parsed = parseArgs({
			args: process.argv.slice(2),
			allowPositionals: true,
			options: { db: { type: 'string' }, json: { type: 'boolean', default: false }, lang: { type: 'string' } }
		});
	} catch (e) {
		console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
		return 2;
	}
	const { values, positionals } = parsed;
	if (positionals[0] !== 'verify' || positionals.length !== 1) {
		console.error(USAGE);
		return 2;
	}
	const result = await dispatch(databasePath(values.db), { command: 'audit-verify', locale: cliLocale(values.lang) });
	print(result, values.json ?? false);
	return result.exitCode;
}

runMain(main);
