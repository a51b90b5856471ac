import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { config } from '$lib/server/core/config';
import { log } from '$lib/server/core/log';
import { m } from '$lib/paraglide/messages.js';
import { evaluationView } from '$lib/server/features/evaluations/view';
import type { AuthUser } from '$lib/shared/auth/roles';
import type { UiLocale } from '$lib/shared/views';
import { openChannel } from './channels';
import { buildDigest, reportPeriodKey, type Built, type Digest } from './content';
import { processLimiter, type RateLimiter } from './limiter';
import { scrubberOf, type Scrub } from './privacy';
import { dueRun, localParts, parseSchedule } from './schedule';
import { deliver, RateLimited } from './send';
import { effectiveScope, listSubscriptions, ownerOf, type SubscriptionRow } from './subscriptions';

/**
 * Running what is due. Each due delivery is first recorded (`pending`, committed; its key is the
 * subscription and the period, unique), then sent, then marked `sent`. A process that stops between the
 * two finds the pending row at its next run and sends it then: one delivery, never two (the key refuses a
 * second row for the same period) and never none. A failed send is retried with growing waits and, after
 * the last, marked `failed` with its error, logged and shown on the page.
 */
export interface DeliveryRow {
	delivery_id: number;
	subscription_id: number | null;
	channel_id: number;
	channel_name: string;
	what: string;
	period: string;
	status: 'pending' | 'sent' | 'skipped' | 'failed';
	attempts: number;
	recorded_ms: number;
	sent_ms: number | null;
	next_attempt_ms: number | null;
	messages: number | null;
	error: string | null;
	note: string | null;
}

/** Waits before the 2nd, 3rd, … attempt; after the last the delivery has failed. */
export const BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000] as const;
const ALERT_LOOKBACK_MS = 7 * 86_400_000;

export interface RunOptions {
	now?: Date;
	limiter?: RateLimiter;
	/** called after a delivery is recorded and before it is sent (tests stop the process here) */
	onRecorded?: (deliveryId: number) => void | Promise<void>;
	sleep?: (ms: number) => Promise<void>;
}

export interface RunSummary {
	due: number;
	sent: number;
	skipped: number;
	retrying: number;
	failed: number;
}

const running = new WeakMap<Database, Promise<unknown>>();

/** Runs what is due once; one run at a time per database (the scheduler's tick and a CLI hand-off queue up). */
export function runDue(db: Database, opts: RunOptions = {}): Promise<RunSummary> {
	const before = running.get(db) ?? Promise.resolve();
	const next = before.catch(() => undefined).then(() => runOnce(db, opts));
	running.set(db, next);
	return next;
}

/** Resolves when no run is going on (before the database closes). */
export async function deliveriesSettled(db: Database): Promise<void> {
	await running.get(db)?.catch(() => undefined);
}

const DELIVERY_COLUMNS = `delivery_id, subscription_id, channel_id, channel_name, what, period, status, attempts, recorded_ms, sent_ms,
	next_attempt_ms, messages, error, note`;

interface Prepared {
	sub: SubscriptionRow;
	owner: AuthUser;
	scope: string[] | null;
}

async function runOnce(db: Database, opts: RunOptions): Promise<RunSummary> {
	const now = opts.now ?? new Date();
	const { timeZone, catchUpMs } = config().notify;
	const summary: RunSummary = { due: 0, sent: 0, skipped: 0, retrying: 0, failed: 0 };
	// the customers' names are read only once a delivery is built: a tick with nothing due (most minutes) must not
	// read every complaint's name (2.4 s of the cores at 5M complaints, once a minute)
	let scrub: Promise<Scrub> | null = null;
	const subs = await listSubscriptions(db);
	for (const sub of subs) {
		const schedule = parseSchedule(sub.schedule);
		const run = schedule && dueRun(schedule, timeZone, now, catchUpMs);
		if (!run) continue;
		const local = localParts(run, timeZone);
		const ready = await prepare(db, sub);
		let period = reportPeriodKey(sub.what, local.day, local.time);
		if (sub.what === 'evaluation-report' && ready) period = (await latestEvaluationPeriod(db, ready)) ?? '';
		if (period === '' || (await recorded(db, `${sub.subscription_id}|${period}`))) continue;
		const window = sub.what === 'alerts' || sub.what === 'freshness' ? await alertWindow(db, sub, run.getTime()) : undefined;
		if (window && window.from >= window.to) continue;
		summary.due++;
		const built: Built | null = ready ? await build(db, ready, period, window, await (scrub ??= scrubberOf(db))) : null;
		if (built && 'skip' in built) {
			// reports record a skipped period (shown once on the page); alerts and freshness stay quiet
			if (sub.what.endsWith('-report')) await insert(db, sub, period, window?.to ?? null, 'skipped', now, built.skip);
			summary.skipped++;
			continue;
		}
		const id = await insert(db, sub, period, window?.to ?? null, 'pending', now, null);
		if (id === null) continue; // recorded meanwhile by another run: that one sends it
		await opts.onRecorded?.(id);
		await attempt(db, id, built?.digest ?? null, sub.locale, now, opts, summary);
	}
	// left pending by a stopped process, or waiting for their next attempt
	const pending = await db.withConnection((c) =>
		queryRows<{ id: number; locale: UiLocale | null }>(
			c,
			`SELECT d.delivery_id AS id, s.locale FROM notify_deliveries d LEFT JOIN notify_subscriptions s USING (subscription_id)
			 WHERE d.status = 'pending' AND coalesce(d.next_attempt_ms, 0) <= $1 ORDER BY d.delivery_id`,
			[now.getTime()]
		)
	);
	for (const p of pending) await attempt(db, p.id, null, p.locale ?? config().lang, now, opts, summary);
	return summary;
}

async function prepare(db: Database, sub: SubscriptionRow): Promise<Prepared | null> {
	const owner = await db.withConnection((c) => ownerOf(c, sub.owner));
	if (!owner) return null;
	const scope = effectiveScope(owner, sub.stores);
	return scope !== null && scope.length === 0 ? null : { sub, owner, scope };
}

async function latestEvaluationPeriod(db: Database, p: Prepared): Promise<string | null> {
	const view = await evaluationView(db, { ...p.owner, stores: p.scope }, { cycle: 'quarter', period: null, group: 'store', stores: [] });
	return view.period;
}

function build(db: Database, p: Prepared, period: string, window: { from: number; to: number } | undefined, scrub: Scrub): Promise<Built> {
	return buildDigest(db, { what: p.sub.what, period, window, owner: p.owner, scope: p.scope, locale: p.sub.locale }, scrub);
}

/** Alerts and freshness cover the time since the last recorded delivery (the first: a week back). */
async function alertWindow(db: Database, sub: SubscriptionRow, to: number): Promise<{ from: number; to: number }> {
	const [row] = await db.withConnection((c) =>
		queryRows<{ last: number | null }>(c, 'SELECT max(cursor_ms) AS last FROM notify_deliveries WHERE subscription_id = $1', [
			sub.subscription_id
		])
	);
	return { from: row?.last ?? sub.created_ms - ALERT_LOOKBACK_MS, to };
}

async function recorded(db: Database, key: string): Promise<boolean> {
	const rows = await db.withConnection((c) => queryRows(c, 'SELECT 1 FROM notify_deliveries WHERE idem_key = $1', [key]));
	return rows.length > 0;
}

async function insert(
	db: Database,
	sub: SubscriptionRow,
	period: string,
	cursor: number | null,
	status: 'pending' | 'skipped',
	now: Date,
	note: string | null
): Promise<number | null> {
	return db.withConnection(async (c) => {
		const [row] = await queryRows<{ id: number }>(
			c,
			`INSERT INTO notify_deliveries (delivery_id, idem_key, subscription_id, channel_id, channel_name, what, period, cursor_ms, status,
			   attempts, next_attempt_ms, recorded_ms, note)
			 VALUES (nextval('notify_delivery_seq'), $1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, $9, $10)
			 ON CONFLICT DO NOTHING RETURNING delivery_id AS id`,
			[
				`${sub.subscription_id}|${period}`,
				sub.subscription_id,
				sub.channel_id,
				sub.channel_name,
				sub.what,
				period,
				cursor,
				status,
				now.getTime(),
				note
			]
		);
		return row?.id ?? null;
	});
}

async function deliveryById(c: DuckDBConnection, id: number): Promise<(DeliveryRow & { cursor_ms: number | null }) | null> {
	const [row] = await queryRows<DeliveryRow & { cursor_ms: number | null }>(
		c,
		`SELECT ${DELIVERY_COLUMNS}, cursor_ms FROM notify_deliveries WHERE delivery_id = $1`,
		[id]
	);
	return row ?? null;
}

/** One attempt at a recorded delivery: sent, skipped, retried later, or failed for good. */
async function attempt(
	db: Database,
	id: number,
	known: Digest | null,
	locale: UiLocale,
	now: Date,
	opts: RunOptions,
	summary: RunSummary
): Promise<void> {
	const row = await db.withConnection((c) => deliveryById(c, id));
	if (!row || row.status !== 'pending') return;
	const set = (fields: string, params: unknown[]) =>
		db.withConnection((c) => c.run(`UPDATE notify_deliveries SET ${fields} WHERE delivery_id = $1`, [id, ...params] as never));
	try {
		let digest = known;
		if (!digest) {
			const built = await rebuild(db, row);
			if ('skip' in built) {
				await set(`status = 'skipped', note = $2`, [built.skip]);
				summary.skipped++;
				return;
			}
			digest = built.digest;
		}
		const channel = await openChannel(db, row.channel_id);
		if (!channel) throw new Error('the channel was removed');
		const messages = await deliver(channel, digest, { limiter: opts.limiter ?? processLimiter, locale, sleep: opts.sleep });
		await set(`status = 'sent', sent_ms = $2, messages = $3, attempts = attempts + 1, error = NULL`, [Date.now(), messages]);
		summary.sent++;
	} catch (e) {
		const error = e instanceof Error ? e.message : String(e);
		if (e instanceof RateLimited) {
			await set(`next_attempt_ms = $2, error = $3`, [now.getTime() + e.retryAfterMs, error]);
			summary.retrying++;
			return;
		}
		const attempts = row.attempts + 1;
		if (attempts > BACKOFF_MS.length) {
			await set(`status = 'failed', attempts = $2, error = $3, next_attempt_ms = NULL`, [attempts, error]);
			log('notify').error({ delivery: id, channel: row.channel_id, what: row.what, attempts, err: e }, 'delivery failed for good');
			summary.failed++;
		} else {
			await set(`attempts = $2, error = $3, next_attempt_ms = $4`, [attempts, error, now.getTime() + BACKOFF_MS[attempts - 1]!]);
			log('notify').warn({ delivery: id, channel: row.channel_id, what: row.what, attempts, err: e }, 'delivery failed; will retry');
			summary.retrying++;
		}
	}
}

/** The digest of a recorded delivery, made again (after a restart, or for a retry). */
async function rebuild(db: Database, row: DeliveryRow & { cursor_ms: number | null }): Promise<Built> {
	if (row.subscription_id === null) return { skip: 'no_subscription' };
	const sub = (await listSubscriptions(db)).find((s) => s.subscription_id === row.subscription_id);
	if (!sub) return { skip: 'subscription_removed' };
	const ready = await prepare(db, sub);
	if (!ready) throw new Error('the owner of the subscription is gone or sees no store');
	let window: { from: number; to: number } | undefined;
	if (row.cursor_ms !== null) {
		const [prev] = await db.withConnection((c) =>
			queryRows<{ last: number | null }>(
				c,
				'SELECT max(cursor_ms) AS last FROM notify_deliveries WHERE subscription_id = $1 AND delivery_id < $2',
				[sub.subscription_id, row.delivery_id]
			)
		);
		window = { from: prev?.last ?? sub.created_ms - ALERT_LOOKBACK_MS, to: row.cursor_ms };
	}
	return build(db, ready, row.period, window, await scrubberOf(db));
}

/** A test message to a channel, recorded in the log like any delivery. */
export async function sendTest(
	db: Database,
	channelId: number,
	locale: UiLocale,
	now = new Date()
): Promise<{ ok: true } | { ok: false; error: string }> {
	const channel = await openChannel(db, channelId);
	if (!channel) return { ok: false, error: 'not_found' };
	const digest: Digest = {
		title: m.notify_test_title({}, { locale }),
		sections: [{ heading: m.notify_test_heading({}, { locale }), lines: [m.notify_test_line({ name: channel.name }, { locale })] }],
		link: new URL('/', config().notify.publicOrigin).href,
		notes: [],
		workbook: null
	};
	const base = [`test|${channelId}|${now.getTime()}`, channelId, channel.name, now.getTime()];
	try {
		const messages = await deliver(channel, digest, { limiter: processLimiter, locale });
		await db.withConnection((c) =>
			c.run(
				`INSERT INTO notify_deliveries (delivery_id, idem_key, subscription_id, channel_id, channel_name, what, period, status, attempts, recorded_ms, sent_ms, messages)
				 VALUES (nextval('notify_delivery_seq'), $1, NULL, $2, $3, 'test', '', 'sent', 1, $4, $4, $5)`,
				[...base, messages] as never
			)
		);
		return { ok: true };
	} catch (e) {
		const error = e instanceof Error ? e.message : String(e);
		await db.withConnection((c) =>
			c.run(
				`INSERT INTO notify_deliveries (delivery_id, idem_key, subscription_id, channel_id, channel_name, what, period, status, attempts, recorded_ms, error)
				 VALUES (nextval('notify_delivery_seq'), $1, NULL, $2, $3, 'test', '', 'failed', 1, $4, $5)`,
				[...base, error] as never
			)
		);
		return { ok: false, error };
	}
}

/** The delivery log, newest first: all of it, or what goes to one owner's channels. */
export async function listDeliveries(db: Database, opts: { owner?: string | null; limit?: number } = {}): Promise<DeliveryRow[]> {
	return db.withConnection((c) =>
		queryRows<DeliveryRow>(
			c,
			`SELECT ${DELIVERY_COLUMNS} FROM notify_deliveries d
			 WHERE $1::VARCHAR IS NULL
			    OR channel_id IN (SELECT channel_id FROM notify_channels WHERE owner = $1)
			    OR subscription_id IN (SELECT subscription_id FROM notify_subscriptions WHERE owner = $1)
			 ORDER BY recorded_ms DESC, delivery_id DESC LIMIT $2`,
			[opts.owner ?? null, opts.limit ?? 200]
		)
	);
}
