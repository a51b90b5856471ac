import { displayTime } from '$lib/server/core/time';
import { fail, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { config } from '$lib/server/core/config';
import { getDatabase } from '$lib/server/core/db/process';
import { knownStores } from '$lib/server/core/auth/users';
import type { AuthUser } from '$lib/shared/auth/roles';
import type { UiLocale } from '$lib/shared/views';
import { addChannel, findChannel, listChannels, removeChannel } from './channels';
import { errorText } from './commands';
import { listDeliveries, sendTest } from './deliveries';
import { CHANNEL_KINDS, SUBSCRIPTION_WHATS } from './kinds';
import { formatSchedule, nextRun, parseSchedule, WEEKDAYS, type Schedule } from './schedule';
import { listSubscriptions, subscribe, unsubscribe } from './subscriptions';

/**
 * The two delivery pages: `/admin/notifications` (admins: every channel, subscription and delivery) and
 * `/notifications` (managers and quality officers: their own channels and subscriptions, in their scope).
 * One loader and one set of actions; `all` says which page asks.
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** A schedule in plain words: 每周一 08:30, 每月 2 日 09:00. */
export function scheduleText(s: Schedule, locale: UiLocale): string {
	const L = { locale };
	const time = s.every === 'hour' ? '' : `${pad(s.hour)}:${pad(s.minute)}`;
	switch (s.every) {
		case 'week': {
			const day = (m[`notify_wd_${s.weekday}` as keyof typeof m] as (p: object, o: { locale: UiLocale }) => string)({}, L);
			return m.notify_sched_week({ day, time }, L);
		}
		case 'month':
			return m.notify_sched_month({ day: s.day, time }, L);
		case 'day':
			return m.notify_sched_day({ time }, L);
		case 'hour':
			return m.notify_sched_hour({ minute: pad(s.minute) }, L);
	}
}

const when = (ms: number | null) => (ms === null ? null : displayTime(ms));

export async function loadNotifications(user: AuthUser, all: boolean) {
	const db = await getDatabase();
	const owner = all ? null : user.username;
	const locale = getLocale() as UiLocale;
	const { timeZone, catchUpMs } = config().notify;
	const [channels, subs, log, stores] = await Promise.all([
		listChannels(db, owner),
		listSubscriptions(db, owner),
		listDeliveries(db, { owner, limit: 200 }),
		user.stores ?? db.withConnection(knownStores)
	]);
	const now = new Date();
	return {
		all,
		timeZone,
		catchUpHours: Math.round(catchUpMs / 3_600_000),
		kinds: [...CHANNEL_KINDS],
		whats: [...SUBSCRIPTION_WHATS],
		weekdays: WEEKDAYS.map((_, i) => i),
		stores,
		channels,
		subscriptions: subs.map((s) => {
			const parsed = parseSchedule(s.schedule);
			const next = parsed ? nextRun(parsed, timeZone, now) : null;
			return { ...s, plain: parsed ? scheduleText(parsed, locale) : s.schedule, next: when(next?.getTime() ?? null) };
		}),
		deliveries: log.map((d) => ({ ...d, when: when(d.sent_ms ?? d.recorded_ms)! }))
	};
}

const text = (max: number) => z.string().trim().max(max);
const channelForm = z.object({
	name: text(40),
	kind: text(20),
	url: text(2000),
	secret: text(500).optional(),
	to: text(4000).optional(),
	keyword: text(40).optional()
});
const subscribeForm = z.object({
	channel: text(40),
	what: text(40),
	frequency: z.enum(['week', 'month', 'day', 'hour']),
	weekday: z.coerce.number().int().min(0).max(6).default(1),
	day: z.coerce.number().int().min(1).max(28).default(1),
	time: z
		.string()
		.regex(/^\d{2}:\d{2}$/u)
		.default('08:30')
});

type Action = 'add' | 'remove' | 'test' | 'subscribe' | 'unsubscribe';
const failed = (action: Action, message: string) => fail(400, { action, ok: false as const, message });
const done = (action: Action, message: string) => ({ action, ok: true as const, message });
const fields = async (request: Request) => Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)]));

function scheduleOf(f: z.infer<typeof subscribeForm>): string {
	const [hour, minute] = f.time.split(':').map(Number) as [number, number];
	const s: Schedule =
		f.frequency === 'week'
			? { every: 'week', weekday: f.weekday, hour, minute }
			: f.frequency === 'month'
				? { every: 'month', day: f.day, hour, minute }
				: f.frequency === 'day'
					? { every: 'day', hour, minute }
					: { every: 'hour', minute };
	return formatSchedule(s);
}

/** The form actions of both pages; on `/notifications` a user acts on their own channels only. */
export function notificationActions(all: boolean) {
	const mayUse = async (user: AuthUser, name: string) => {
		const ch = await findChannel(await getDatabase(), name);
		return ch && (all || ch.owner === user.username) ? ch : null;
	};
	return {
		add: async ({ request, locals }: RequestEvent) => {
			const parsed = channelForm.safeParse(await fields(request));
			const locale = getLocale() as UiLocale;
			if (!parsed.success) return failed('add', errorText('name_invalid', locale));
			const f = parsed.data;
			const to = (f.to ?? '').split(/[,，;\s]+/u).filter(Boolean);
			const r = await addChannel(
				await getDatabase(),
				{ name: f.name, kind: f.kind, url: f.url, secret: f.secret, to, keyword: f.keyword },
				locals.user!.username
			);
			return r.ok ? done('add', m.notify_saved()) : failed('add', errorText(r.error, locale));
		},
		remove: async ({ request, locals }: RequestEvent) => {
			const name = String((await request.formData()).get('name') ?? '');
			if (!(await mayUse(locals.user!, name))) return failed('remove', errorText('not_found', getLocale() as UiLocale));
			await removeChannel(await getDatabase(), name, locals.user!.username);
			return done('remove', m.notify_saved());
		},
		test: async ({ request, locals }: RequestEvent) => {
			const ch = await mayUse(locals.user!, String((await request.formData()).get('name') ?? ''));
			if (!ch) return failed('test', errorText('not_found', getLocale() as UiLocale));
			const r = await sendTest(await getDatabase(), ch.channel_id, getLocale() as UiLocale);
			return r.ok ? done('test', m.notify_test_ok()) : failed('test', m.notify_test_failed({ error: r.error }));
		},
		subscribe: async ({ request, locals }: RequestEvent) => {
			const form = await request.formData();
			const locale = getLocale() as UiLocale;
			const parsed = subscribeForm.safeParse(Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)])));
			if (!parsed.success) return failed('subscribe', errorText('schedule_invalid', locale));
			if (!(await mayUse(locals.user!, parsed.data.channel))) return failed('subscribe', errorText('channel_unknown', locale));
			const stores = form.getAll('store').map(String).filter(Boolean);
			const r = await subscribe(
				await getDatabase(),
				{ channel: parsed.data.channel, what: parsed.data.what, stores, at: scheduleOf(parsed.data), owner: locals.user!.username, locale },
				locals.user!.username
			);
			return r.ok ? done('subscribe', m.notify_saved()) : failed('subscribe', errorText(r.error, locale));
		},
		unsubscribe: async ({ request, locals }: RequestEvent) => {
			const id = Number((await request.formData()).get('id'));
			const ok =
				Number.isInteger(id) && (await unsubscribe(await getDatabase(), id, all ? null : locals.user!.username, locals.user!.username));
			return ok ? done('unsubscribe', m.notify_saved()) : failed('unsubscribe', errorText('not_found', getLocale() as UiLocale));
		}
	};
}
