import { listValue } from '@duckdb/node-api';
import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import { isChannelKind, type ChannelKind } from './kinds';
import { notifyKey, seal, unseal } from './secrets';

/**
 * Channels: where messages go. The address and the secret are sealed (secrets.ts) before they reach the
 * database and never come back out except to send; what lists show is a hint with tokens hidden.
 */
export interface ChannelInput {
	name: string;
	kind: string;
	url: string;
	secret?: string | null;
	to?: readonly string[] | null;
	keyword?: string | null;
}

/** What anyone may see of a channel. */
export interface ChannelView {
	channel_id: number;
	name: string;
	kind: ChannelKind;
	target_hint: string;
	has_secret: boolean;
	recipients: string[] | null;
	keyword: string | null;
	owner: string;
	created_ms: number;
}

/** A channel opened for sending (never logged, never sent to a browser). */
export interface OpenChannel {
	id: number;
	name: string;
	kind: ChannelKind;
	url: string;
	secret: string | null;
	recipients: string[];
	keyword: string | null;
}

export type ChannelError = 'name_invalid' | 'name_taken' | 'kind_invalid' | 'url_invalid' | 'to_invalid' | 'not_found';

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u;
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$|^[^\s@<>(),;:"]+@localhost$/u;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Bots must be reached over TLS; plain http only on this machine (test receivers, a local relay). */
function urlProblem(kind: ChannelKind, raw: string): boolean {
	let u: URL;
	try {
		u = new URL(raw);
	} catch {
		return true;
	}
	if (kind === 'email') return !(u.protocol === 'smtp:' || u.protocol === 'smtps:') || u.hostname === '';
	return !(u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname)));
}

/** The address with its tokens hidden: host and path shape stay, long path segments and query values go. */
export function targetHint(kind: ChannelKind, raw: string): string {
	const u = new URL(raw);
	if (kind === 'email') return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}`;
	const path = u.pathname
		.split('/')
		.map((s) => (s.length > 12 ? `${s.slice(0, 2)}…` : s))
		.join('/');
	const query = [...u.searchParams.keys()].map((k) => `${k}=…`).join('&');
	return `${u.protocol}//${u.host}${path}${query ? `?${query}` : ''}`;
}

export async function addChannel(
	db: Database,
	input: ChannelInput,
	owner: string,
	now = Date.now()
): Promise<{ ok: true; channel: ChannelView } | { ok: false; error: ChannelError }> {
	const name = input.name.normalize('NFKC').trim();
	if (!NAME.test(name)) return { ok: false, error: 'name_invalid' };
	if (!isChannelKind(input.kind)) return { ok: false, error: 'kind_invalid' };
	const kind = input.kind;
	const url = input.url.trim();
	if (urlProblem(kind, url)) return { ok: false, error: 'url_invalid' };
	const to = [...new Set((input.to ?? []).map((s) => s.trim()).filter(Boolean))];
	if (kind === 'email' ? to.length === 0 || to.some((a) => !EMAIL.test(a)) : to.length > 0) return { ok: false, error: 'to_invalid' };
	const key = notifyKey(db);
	const secret = input.secret?.trim() || null;
	const keyword = input.keyword?.trim().slice(0, 40) || null;
	return db.withConnection(async (c) => {
		const [taken] = await queryRows(c, 'SELECT 1 FROM notify_channels WHERE name = $1', [name]);
		if (taken) return { ok: false as const, error: 'name_taken' as const };
		const [row] = await queryRows<{ id: number }>(c, `SELECT nextval('notify_channel_seq')::INTEGER AS id`);
		await c.run(
			`INSERT INTO notify_channels (channel_id, name, kind, target_enc, target_hint, secret_enc, recipients, keyword, owner, created_ms)
			 VALUES ($1, $2, $3, $4, $5, $6, $7::VARCHAR[], $8, $9, $10)`,
			[
				row!.id,
				name,
				kind,
				seal(key, url, `target:${name}`),
				targetHint(kind, url),
				secret ? seal(key, secret, `secret:${name}`) : null,
				kind === 'email' ? listValue(to) : null,
				keyword,
				owner,
				now
			] as never
		);
		// the name, kind and hint only: never the address or the secret
		await audit(c, { actor: owner, action: 'settings_changed', target: `notify-channel:${name}`, detail: { added: kind } }, now);
		const [view] = await listChannelsOn(c, { name });
		return { ok: true as const, channel: view! };
	});
}

const VIEW_COLUMNS = `channel_id, name, kind, target_hint, secret_enc IS NOT NULL AS has_secret, recipients, keyword, owner, created_ms`;

async function listChannelsOn(c: DuckDBConnection, where: { owner?: string | null; name?: string }): Promise<ChannelView[]> {
	return queryRows<ChannelView>(
		c,
		`SELECT ${VIEW_COLUMNS} FROM notify_channels
		 WHERE ($1::VARCHAR IS NULL OR owner = $1) AND ($2::VARCHAR IS NULL OR name = $2) ORDER BY name`,
		[where.owner ?? null, where.name ?? null]
	);
}

/** Every channel (owner null), or one owner's. */
export const listChannels = (db: Database, owner: string | null = null): Promise<ChannelView[]> =>
	db.withConnection((c) => listChannelsOn(c, { owner }));

export async function findChannel(db: Database, name: string): Promise<ChannelView | null> {
	return (await db.withConnection((c) => listChannelsOn(c, { name })))[0] ?? null;
}

/** Removes a channel and its subscriptions (the delivery log keeps the channel's name). */
export async function removeChannel(db: Database, name: string, actor: string, now = Date.now()): Promise<boolean> {
	return db.withConnection(async (c) => {
		const [row] = await queryRows<{ id: number }>(c, 'SELECT channel_id AS id FROM notify_channels WHERE name = $1', [name]);
		if (!row) return false;
		await c.run('DELETE FROM notify_subscriptions WHERE channel_id = $1', [row.id]);
		await c.run('DELETE FROM notify_channels WHERE channel_id = $1', [row.id]);
		await audit(c, { actor, action: 'settings_changed', target: `notify-channel:${name}`, detail: { removed: true } }, now);
		return true;
	});
}

export async function openChannel(db: Database, id: number): Promise<OpenChannel | null> {
	const [row] = await db.withConnection((c) =>
		queryRows<{
			name: string;
			kind: ChannelKind;
			target_enc: string;
			secret_enc: string | null;
			recipients: string[] | null;
			keyword: string | null;
		}>(c, 'SELECT name, kind, target_enc, secret_enc, recipients, keyword FROM notify_channels WHERE channel_id = $1', [id])
	);
	if (!row) return null;
	const key = notifyKey(db);
	return {
		id,
		name: row.name,
		kind: row.kind,
		url: unseal(key, row.target_enc, `target:${row.name}`),
		secret: row.secret_enc ? unseal(key, row.secret_enc, `secret:${row.name}`) : null,
		recipients: row.recipients ?? [],
		keyword: row.keyword
	};
}
