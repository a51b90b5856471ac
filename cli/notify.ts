/**
 * npm run notify -- channel add <name> --kind email|wecom|dingtalk|feishu|webhook --url URL [--secret S] [--to a@b,c@d] [--keyword K] [--db PATH]
 * npm run notify -- channel list|remove|test [<name>] [--db PATH]
 * npm run notify -- subscribe <channel> --what weekly-report|monthly-report|evaluation-report|alerts|freshness [--stores A,B] [--at "MON 08:30"] [--owner USER] [--db PATH]
 * npm run notify -- run-due [--now ISO-TIME] [--db PATH]
 * npm run notify -- log [--json] [--limit N] [--db PATH]
 *
 * While the server runs, the command is handed to it (it owns the database file), as `npm run ingest` does.
 * Exit codes: 0 done, 1 refused or a delivery failed, 2 usage.
 */
import { parseArgs } from 'node:util';
import { databasePath } from '../src/lib/server/core/db';
import { cliLocale, osUser } from './accounts-client';
import { runWhereTheDatabaseIs } from './handoff-client';
import { logToStderr } from '../src/lib/server/core/log';
import { runNotifyCommand, type NotifyCommand, type NotifyResult } from '../src/lib/server/features/notifications/commands';
import { runMain } from './run';

const USAGE = `用法 / usage:
  npm run notify -- channel add <名称> --kind email|wecom|dingtalk|feishu|webhook --url URL [--secret S] [--to a@b,c@d] [--keyword K] [--db PATH]
  npm run notify -- channel list|remove|test [<名称>] [--db PATH]
  npm run notify -- subscribe <渠道> --what weekly-report|monthly-report|evaluation-report|alerts|freshness [--stores A,B] [--at "MON 08:30"] [--owner USER] [--db PATH]
  npm run notify -- run-due [--now ISO-TIME] [--db PATH]
  npm run notify -- log [--json] [--limit N] [--db PATH]
  --at: "MON 08:30" (每周一), "MONTHLY 2 09:00" (每月 2 日), "DAILY 09:00", "HOURLY :05"`;

const list = (v: string | undefined) =>
	(v ?? '')
		.split(/[,，]/u)
		.map((s) => s.trim())
		.filter(Boolean);

function parse(argv: string[]): { cmd: NotifyCommand; db: string; json: boolean } | null {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			db: { type: 'string' },
			kind: { type: 'string' },
			url: { type: 'string' },
			secret: { type: 'string' },
			to: { type: 'string' },
			keyword: { type: 'string' },
			what: { type: 'string' },
			stores: { type: 'string' },
			at: { type: 'string' },
			owner: { type: 'string' },
			now: { type: 'string' },
			limit: { type: 'string' },
			lang: { type: 'string' },
			json: { type: 'boolean', default: false }
		}
	});
	const locale = cliLocale(values.lang);
	const as = `cli:${osUser()}`;
	const [first, second, third] = positionals;
	const wrap = (cmd: NotifyCommand) => ({ cmd, db: databasePath(values.db), json: values.json ?? false });
	if (first === 'channel') {
		if (second === 'list') return wrap({ command: 'channel_list', locale });
		if (!third) return null;
		if (second === 'remove') return wrap({ command: 'channel_remove', name: third, as, locale });
		if (second === 'test') return wrap({ command: 'channel_test', name: third, locale });
		if (second === 'add' && values.kind && values.url) {
			return wrap({
				command: 'channel_add',
				name: third,
				kind: values.kind,
				url: values.url,
				secret: values.secret ?? null,
				to: list(values.to),
				keyword: values.keyword ?? null,
				as,
				locale
			});
		}
		return null;
	}
	if (first === 'subscribe' && second && values.what) {
		const stores = list(values.stores);
		return wrap({
			command: 'subscribe',
			channel: second,
			what: values.what,
			stores: stores.length ? stores : null,
			at: values.at ?? null,
			owner: values.owner ?? null,
			as,
			locale
		});
	}
	if (first === 'run-due') return wrap({ command: 'run_due', now: values.now ?? null, locale });
	if (first === 'log') return wrap({ command: 'log', limit: Number(values.limit ?? 100) || 100, locale });
	return null;
}

async function main(): Promise<number> {
	logToStderr();
	let parsed: ReturnType<typeof parse>;
	try {
		parsed = parse(process.argv.slice(2));
	} catch (e) {
		console.error(e instanceof Error ? e.message : String(e));
		parsed = null;
	}
	if (!parsed) {
		console.error(USAGE);
		return 2;
	}
	const { cmd, db, json } = parsed;
	const result = await runWhereTheDatabaseIs<NotifyCommand, NotifyResult>(db, '/api/internal/notify', cmd, (d) => runNotifyCommand(d, cmd));
	if (json) console.log(JSON.stringify(result.json, null, 2));
	else if (result.exitCode !== 0) console.error(result.text);
	else console.log(result.text);
	return result.exitCode;
}

runMain(main);
