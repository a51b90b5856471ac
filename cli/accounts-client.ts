import { userInfo } from 'node:os';
import { readHandoff } from '../src/lib/server/core/db/handoff';
import { Database } from '../src/lib/server/core/db';
import { config } from '../src/lib/server/core/config';
import { postToServer } from './handoff-client';
import { runAccountCommand, type AccountCommand, type AccountCommandResult, type Locale } from '../src/lib/server/core/auth/commands';

/**
 * What `npm run user` and `npm run audit` share: when the dashboard server holds the database file
 * (its handoff note is beside it) the command goes to the server over 127.0.0.1 with the note's secret,
 * as `npm run ingest` does; otherwise the CLI opens the file itself.
 */
export function osUser(): string {
	try {
		return userInfo().username;
	} catch {
		return 'unknown';
	}
}

export function cliLocale(lang: string | undefined): Locale {
	if (lang) return /^en/iu.test(lang) ? 'en' : 'zh-CN';
	return config().lang;
}

async function direct(path: string, cmd: AccountCommand): Promise<AccountCommandResult> {
	const db = await Database.open(path);
	try {
		return await runAccountCommand(db, cmd);
	} finally {
		db.close();
	}
}

export async function dispatch(dbPath: string, cmd: AccountCommand): Promise<AccountCommandResult> {
	const handoff = readHandoff(dbPath);
	if (handoff) {
		try {
			return await postToServer<AccountCommandResult>(handoff, '/api/internal/accounts', cmd);
		} catch (e) {
			// A server that does not answer cannot hold the file for long; try it directly.
			if (!(e instanceof TypeError)) throw e;
		}
	}
	return direct(dbPath, cmd);
}

export function print(r: AccountCommandResult, json: boolean): void {
	if (json) console.log(JSON.stringify(r.json, null, 2));
	else if (r.exitCode === 0) console.log(r.text);
	else console.error(r.text);
}
