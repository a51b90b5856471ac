import { displayTime } from '$lib/server/core/time';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { queryRows, type Database } from '$lib/server/core/db';
import type { UiLocale } from '$lib/shared/views';
import { addChannel, findChannel, listChannels, removeChannel } from './channels';
import { listDeliveries, runDue, sendTest } from './deliveries';
import { subscribe } from './subscriptions';

/**
 * `npm run notify` commands, run in the CLI's process or handed to the running server (which owns the
 * database file) through /api/internal/notify, as `npm run ingest` does.
 */
const locale = z.enum(['zh-CN', 'en']);
export const notifyCommandSchema = z.discriminatedUnion('command', [
	z.object({
		command: z.literal('channel_add'),
		name: z.string().max(200),
		kind: z.string().max(20),
		url: z.string().max(2000),
		secret: z.string().max(500).nullable(),
		to: z.array(z.string().max(320)).max(100),
		keyword: z.string().max(100).nullable(),
		as: z.string().max(100),
		locale
	}),
	z.object({ command: z.literal('channel_list'), locale }),
	z.object({ command: z.literal('channel_remove'), name: z.string().max(200), as: z.string().max(100), locale }),
	z.object({ command: z.literal('channel_test'), name: z.string().max(200), locale }),
	z.object({
		command: z.literal('subscribe'),
		channel: z.string().max(200),
		what: z.string().max(40),
		stores: z.array(z.string().max(200)).max(1000).nullable(),
		at: z.string().max(40).nullable(),
		owner: z.string().max(100).nullable(),
		as: z.string().max(100),
		locale
	}),
	z.object({ command: z.literal('run_due'), now: z.string().max(40).nullable(), locale }),
	z.object({ command: z.literal('log'), limit: z.number().int().positive().max(10_000), locale })
]);
export type NotifyCommand = z.infer<typeof notifyCommandSchema>;

export interface NotifyResult {
	/** 0 done, 1 refused or failed, 2 usage */
	exitCode: 0 | 1 | 2;
	json: unknown;
	text: string;
}

const fail = (code: string, loc: UiLocale): NotifyResult => ({
	exitCode: 1,
	json: { error: code },
	text: errorText(code, loc)
});

export function errorText(code: string, locale: UiLocale): string {
	const key = `notify_err_${code}` as keyof typeof m;
	const f = m[key] as ((p: object, o: { locale: UiLocale }) => string) | undefined;
	return typeof f === 'function' ? f({}, { locale }) : code;
}

/** The owner a subscription made without `--owner` gets: the first admin (every store). */
async function defaultOwner(db: Database): Promise<string | null> {
	const [row] = await db.withConnection((c) =>
		queryRows<{ u: string }>(
			c,
			`SELECT username AS u FROM users WHERE role = 'admin' AND NOT disabled ORDER BY created_at, user_id LIMIT 1`
		)
	);
	return row?.u ?? null;
}

export async function runNotifyCommand(db: Database, cmd: NotifyCommand): Promise<NotifyResult> {
	const loc = cmd.locale;
	switch (cmd.command) {
		case 'channel_add': {
			const r = await addChannel(
				db,
				{ name: cmd.name, kind: cmd.kind, url: cmd.url, secret: cmd.secret, to: cmd.to, keyword: cmd.keyword },
				cmd.as
			);
			if (!r.ok) return fail(r.error, loc);
			return { exitCode: 0, json: r.channel, text: `${r.channel.name}\t${r.channel.kind}\t${r.channel.target_hint}` };
		}
		case 'channel_list': {
			const list = await listChannels(db);
			const text = list
				.map((c) =>
					[
						c.name,
						c.kind,
						c.target_hint,
						c.recipients?.join(',') ?? '',
						c.has_secret ? m.notify_secret_saved({}, { locale: loc }) : ''
					].join('\t')
				)
				.join('\n');
			return { exitCode: 0, json: list, text: text || m.notify_no_channels({}, { locale: loc }) };
		}
		case 'channel_remove':
			return (await removeChannel(db, cmd.name, cmd.as))
				? { exitCode: 0, json: { removed: cmd.name }, text: m.notify_saved({}, { locale: loc }) }
				: fail('not_found', loc);
		case 'channel_test': {
			const ch = await findChannel(db, cmd.name);
			if (!ch) return fail('not_found', loc);
			const r = await sendTest(db, ch.channel_id, loc);
			return r.ok
				? { exitCode: 0, json: { sent: true }, text: m.notify_test_ok({}, { locale: loc }) }
				: { exitCode: 1, json: { sent: false, error: r.error }, text: m.notify_test_failed({ error: r.error }, { locale: loc }) };
		}
		case 'subscribe': {
			const owner = cmd.owner ?? (await defaultOwner(db));
			if (!owner) return fail('owner_unknown', loc);
			const r = await subscribe(db, { channel: cmd.channel, what: cmd.what, stores: cmd.stores, at: cmd.at, owner, locale: loc }, cmd.as);
			if (!r.ok) return fail(r.error, loc);
			const s = r.subscription;
			return { exitCode: 0, json: s, text: `#${s.subscription_id}\t${s.what}\t${s.channel_name}\t${s.schedule}\t${s.owner}` };
		}
		case 'run_due': {
			const now = cmd.now ? new Date(cmd.now) : new Date();
			if (Number.isNaN(now.getTime())) return { exitCode: 2, json: { error: 'now_invalid' }, text: `--now ${cmd.now}?` };
			const summary = await runDue(db, { now });
			return {
				exitCode: summary.failed > 0 ? 1 : 0,
				json: summary,
				text: Object.entries(summary)
					.map(([k, v]) => `${k}=${v}`)
					.join(' ')
			};
		}
		case 'log': {
			const rows = await listDeliveries(db, { limit: cmd.limit });
			const text = rows
				.map((r) =>
					[displayTime(r.recorded_ms), r.what, r.period, r.channel_name, r.status, r.attempts, r.error ?? r.note ?? ''].join('\t')
				)
				.join('\n');
			return { exitCode: 0, json: rows, text: text || m.notify_no_log({}, { locale: loc }) };
		}
	}
}
