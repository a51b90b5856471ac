import { listValue } from '@duckdb/node-api';
import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import { findUser, toAuthUser } from '$lib/server/core/auth/users';
import type { AuthUser } from '$lib/shared/auth/roles';
import type { UiLocale } from '$lib/shared/views';
import { DEFAULT_SCHEDULE, isSubscriptionWhat, type SubscriptionWhat } from './kinds';
import { formatSchedule, parseSchedule } from './schedule';

/**
 * A subscription: what to send, to which channel, on which schedule, for whom. The owner's store scope is
 * read afresh at every run and always applies: the subscription's own stores can narrow it, never widen
 * it (a manager moved to other stores stops receiving the old ones at the next run).
 */
export interface SubscriptionRow {
	subscription_id: number;
	channel_id: number;
	channel_name: string;
	channel_kind: string;
	what: SubscriptionWhat;
	stores: string[] | null;
	schedule: string;
	owner: string;
	locale: UiLocale;
	created_ms: number;
}

export interface SubscriptionInput {
	channel: string;
	what: string;
	stores?: readonly string[] | null;
	at?: string | null;
	owner: string;
	locale: UiLocale;
}

export type SubscriptionError = 'channel_unknown' | 'what_invalid' | 'schedule_invalid' | 'owner_unknown' | 'stores_outside';

/** The stores a subscription shows: its own list inside its owner's scope (null = every store). */
export function effectiveScope(owner: Pick<AuthUser, 'stores'>, stores: readonly string[] | null): string[] | null {
	if (stores === null || stores.length === 0) return owner.stores;
	if (owner.stores === null) return [...stores];
	return stores.filter((s) => owner.stores!.includes(s));
}

/** The owner as a user of the app (their role and stores now), or null when gone or disabled. */
export async function ownerOf(c: DuckDBConnection, username: string): Promise<AuthUser | null> {
	const u = await findUser(c, username);
	return u && !u.disabled ? toAuthUser(u) : null;
}

export async function subscribe(
	db: Database,
	input: SubscriptionInput,
	actor: string,
	now = Date.now()
): Promise<{ ok: true; subscription: SubscriptionRow } | { ok: false; error: SubscriptionError }> {
	if (!isSubscriptionWhat(input.what)) return { ok: false, error: 'what_invalid' };
	const what = input.what;
	const schedule = parseSchedule(input.at?.trim() || DEFAULT_SCHEDULE[what]);
	if (!schedule) return { ok: false, error: 'schedule_invalid' };
	const stores = input.stores?.length ? [...new Set(input.stores.map((s) => s.normalize('NFKC').trim()).filter(Boolean))] : null;
	return db.withConnection(async (c) => {
		const [channel] = await queryRows<{ id: number }>(c, 'SELECT channel_id AS id FROM notify_channels WHERE name = $1', [input.channel]);
		if (!channel) return { ok: false as const, error: 'channel_unknown' as const };
		const owner = await ownerOf(c, input.owner);
		if (!owner) return { ok: false as const, error: 'owner_unknown' as const };
		// asking for stores outside the owner's scope is refused, not silently narrowed
		if (stores && owner.stores !== null && stores.some((s) => !owner.stores!.includes(s))) {
			return { ok: false as const, error: 'stores_outside' as const };
		}
		const [row] = await queryRows<{ id: number }>(c, `SELECT nextval('notify_subscription_seq')::INTEGER AS id`);
		await c.run(
			`INSERT INTO notify_subscriptions (subscription_id, channel_id, what, stores, schedule, owner, locale, created_ms)
			 VALUES ($1, $2, $3, $4::VARCHAR[], $5, $6, $7, $8)`,
			[row!.id, channel.id, what, stores ? listValue(stores) : null, formatSchedule(schedule), owner.username, input.locale, now] as never
		);
		await audit(
			c,
			{ actor, action: 'settings_changed', target: `notify-subscription:${row!.id}`, detail: { what, channel: input.channel } },
			now
		);
		const [sub] = await listSubscriptionsOn(c, { id: row!.id });
		return { ok: true as const, subscription: sub! };
	});
}

const SUB_COLUMNS = `s.subscription_id, s.channel_id, c.name AS channel_name, c.kind AS channel_kind, s.what, s.stores, s.schedule,
	s.owner, s.locale, s.created_ms`;

async function listSubscriptionsOn(c: DuckDBConnection, where: { owner?: string | null; id?: number }): Promise<SubscriptionRow[]> {
	return queryRows<SubscriptionRow>(
		c,
		`SELECT ${SUB_COLUMNS} FROM notify_subscriptions s JOIN notify_channels c USING (channel_id)
		 WHERE ($1::VARCHAR IS NULL OR s.owner = $1) AND ($2::INTEGER IS NULL OR s.subscription_id = $2)
		 ORDER BY s.subscription_id`,
		[where.owner ?? null, where.id ?? null]
	);
}

export const listSubscriptions = (db: Database, owner: string | null = null): Promise<SubscriptionRow[]> =>
	db.withConnection((c) => listSubscriptionsOn(c, { owner }));

/** Removes a subscription; an owner (not null) may remove only their own. */
export async function unsubscribe(db: Database, id: number, owner: string | null, actor: string, now = Date.now()): Promise<boolean> {
	return db.withConnection(async (c) => {
		const [sub] = await listSubscriptionsOn(c, { id, owner });
		if (!sub) return false;
		await c.run('DELETE FROM notify_subscriptions WHERE subscription_id = $1', [id]);
		await audit(c, { actor, action: 'settings_changed', target: `notify-subscription:${id}`, detail: { removed: true } }, now);
		return true;
	});
}
