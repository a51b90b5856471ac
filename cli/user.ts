/**
 * npm run user -- add <username> --role <role> [--name 显示名] [--stores 店1,店2] [--pii] [--password-stdin]
 * npm run user -- passwd <username> [--password-stdin]
 * npm run user -- disable <username>      npm run user -- enable <username>
 * npm run user -- list [--json]
 * Every command also takes [--db PATH] [--as NAME] [--json] [--lang en].
 *
 * Without --password-stdin the password is asked twice, without echo. Exit codes: 0 done, 1 refused
 * (e.g. the name is taken), 2 usage.
 */
import { parseArgs } from 'node:util';
import { databasePath } from '../src/lib/server/core/db';
import { ROLES, isRole } from '../src/lib/shared/auth/roles';
import { cliLocale, dispatch, osUser, print } from './accounts-client';
import type { AccountCommand, Locale } from '../src/lib/server/core/auth/commands';
import { hashPassword, passwordProblem, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../src/lib/server/core/auth/password';
import { logToStderr } from '../src/lib/server/core/log';
import { runMain } from './run';

const USAGE = `用法 / usage:
  npm run user -- add <用户名> --role <${ROLES.join('|')}> [--name 显示名] [--stores 店1,店2] [--pii] [--password-stdin]
  npm run user -- passwd <用户名> [--password-stdin]
  npm run user -- disable <用户名>
  npm run user -- enable <用户名>
  npm run user -- list [--json]
  (all: [--db PATH] [--as NAME] [--json] [--lang en])`;

const text = {
	'zh-CN': {
		prompt: '新密码：',
		again: '再输入一次：',
		mismatch: '两次输入的密码不一致',
		short: `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`,
		long: `密码最多 ${PASSWORD_MAX_LENGTH} 个字符`,
		noTty: '没有终端可以输入密码：请用 --password-stdin 从标准输入传入'
	},
	en: {
		prompt: 'New password: ',
		again: 'Again: ',
		mismatch: 'The two passwords differ',
		short: `A password needs at least ${PASSWORD_MIN_LENGTH} characters`,
		long: `A password may have at most ${PASSWORD_MAX_LENGTH} characters`,
		noTty: 'No terminal to type a password: pass it on standard input with --password-stdin'
	}
} satisfies Record<Locale, Record<string, string>>;

class UsageError extends Error {}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
	const stdin = process.stdin;
	process.stderr.write(question);
	stdin.setRawMode(true);
	stdin.resume();
	stdin.setEncoding('utf8');
	let value = '';
	return new Promise((resolve, reject) => {
		const done = (error?: Error) => {
			stdin.off('data', onData);
			stdin.setRawMode(false);
			stdin.pause();
			process.stderr.write('\n');
			if (error) reject(error);
			else resolve(value);
		};
		const onData = (chunk: string) => {
			for (const c of chunk) {
				if (c === '\r' || c === '\n' || c === '\u0004') return done();
				if (c === '\u0003') return done(new UsageError('cancelled'));
				if (c === '\u007f' || c === '\b') value = [...value].slice(0, -1).join('');
				else value += c;
			}
		};
		stdin.on('data', onData);
	});
}

async function readStdinLine(): Promise<string> {
	let data = '';
	for await (const chunk of process.stdin) data += chunk;
	return data.split(/\r?\n/u)[0] ?? '';
}

async function newPasswordHash(fromStdin: boolean, locale: Locale): Promise<string> {
	const t = text[locale];
	let password: string;
	if (fromStdin) password = await readStdinLine();
	else {
		if (!process.stdin.isTTY) throw new UsageError(t.noTty);
		password = await promptHidden(t.prompt);
		if ((await promptHidden(t.again)) !== password) throw new UsageError(t.mismatch);
	}
	const problem = passwordProblem(password);
	if (problem) throw new UsageError(problem === 'too_short' ? t.short : t.long);
	return hashPassword(password);
}

const splitStores = (raw: string) =>
	raw
		.split(/[,，、]/u)
		.map((s) => s.trim())
		.filter((s) => s !== '');

async function parse(argv: string[]): Promise<{ cmd: AccountCommand; db: string; json: boolean }> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			role: { type: 'string' },
			name: { type: 'string' },
			stores: { type: 'string' },
			pii: { type: 'boolean', default: false },
			'password-stdin': { type: 'boolean', default: false },
			db: { type: 'string' },
			as: { type: 'string' },
			json: { type: 'boolean', default: false },
			lang: { type: 'string' },
			help: { type: 'boolean', default: false }
		}
	});
	const locale = cliLocale(values.lang);
	const db = databasePath(values.db);
	const json = values.json ?? false;
	const as = `cli:${values.as ?? osUser()}`;
	const [command, username] = positionals;
	if (values.help || !command) throw new UsageError(USAGE);
	if (command === 'list') return { cmd: { command: 'user-list', locale }, db, json };
	if (!username) throw new UsageError(USAGE);
	switch (command) {
		case 'add': {
			if (!isRole(values.role)) throw new UsageError(USAGE);
			const stores = values.stores === undefined ? null : splitStores(values.stores);
			const passwordHash = await newPasswordHash(values['password-stdin'] ?? false, locale);
			return {
				cmd: {
					command: 'user-add',
					username,
					displayName: values.name ?? username,
					role: values.role,
					stores,
					pii: values.pii ?? false,
					passwordHash,
					as,
					locale
				},
				db,
				json
			};
		}
		case 'passwd':
			return {
				cmd: {
					command: 'user-passwd',
					username,
					passwordHash: await newPasswordHash(values['password-stdin'] ?? false, locale),
					as,
					locale
				},
				db,
				json
			};
		case 'disable':
		case 'enable':
			return { cmd: { command: command === 'disable' ? 'user-disable' : 'user-enable', username, as, locale }, db, json };
		default:
			throw new UsageError(USAGE);
	}
}

async function main(): Promise<number> {
	logToStderr();
	let parsed: Awaited<ReturnType<typeof parse>>;
	try {
		parsed = await parse(process.argv.slice(2));
	} catch (e) {
		console.error(e instanceof UsageError ? e.message : `${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
		return 2;
	}
	const result = await dispatch(parsed.db, parsed.cmd);
	print(result, parsed.json);
	return result.exitCode;
}

runMain(main);
