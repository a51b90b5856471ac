import { z } from 'zod';
import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import { DEFAULT_CONTACT_LIMITS, MAX_FCR_DAYS, type ContactLimits } from './catalog';
import type { Actor } from '$lib/server/core/auth/users';
import { channel } from '$lib/shared/schema/vocabularies';

/**
 * The contact limits in force (short abandon, service-level seconds per channel, FCR window): the
 * catalog's defaults until a quality officer sets others on the targets page, kept as JSON in
 * `app_settings` under `contact_limits`, audited — the same way as the SLA limits (sla.ts).
 */
const SETTING = 'contact_limits';

const secondsLimit = z.number().positive().max(3600);
export const contactLimitsSchema = z
	.object({
		shortAbandonSeconds: z.number().min(0).max(600),
		serviceLevel: z
			.object({ default: secondsLimit, byChannel: z.partialRecord(z.enum(channel.values as [string, ...string[]]), secondsLimit) })
			.strict(),
		fcrDays: z.number().int().min(1).max(MAX_FCR_DAYS)
	})
	.strict();

const current = new WeakMap<Database, ContactLimits>();

export async function readContactLimits(conn: DuckDBConnection): Promise<ContactLimits> {
	const [row] = await queryRows<{ value: string }>(conn, 'SELECT value FROM app_settings WHERE name = $1', [SETTING]);
	if (!row) return DEFAULT_CONTACT_LIMITS;
	const parsed = contactLimitsSchema.safeParse(JSON.parse(row.value));
	return parsed.success ? (parsed.data as ContactLimits) : DEFAULT_CONTACT_LIMITS;
}

/** The limits in force, read once per database and kept current by `saveContactLimits`. */
export async function contactLimits(db: Database): Promise<ContactLimits> {
	let limits = current.get(db);
	if (!limits) {
		limits = await db.withConnection(readContactLimits);
		current.set(db, limits);
	}
	return limits;
}

export type SaveContactLimitsResult = { ok: true; changed: boolean } | { ok: false; message: string };

/** Saves new limits (validated), audited with the old and new values. */
export async function saveContactLimits(
	db: Database,
	limits: unknown,
	actor: Actor,
	now: number = Date.now()
): Promise<SaveContactLimitsResult> {
	const parsed = contactLimitsSchema.safeParse(limits);
	if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
	return db.withConnection(async (conn) => {
		const before = await readContactLimits(conn);
		const next = parsed.data as ContactLimits;
		if (JSON.stringify(before) === JSON.stringify(next)) return { ok: true, changed: false };
		await conn.run(
			`INSERT INTO app_settings (name, value, updated_at) VALUES ($1, $2, epoch_ms($3::BIGINT))
			 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			[SETTING, JSON.stringify(next), now] as never
		);
		await audit(
			conn,
			{
				actor: actor.name,
				action: 'settings_changed',
				target: SETTING,
				ip: actor.ip ?? null,
				detail: { [SETTING]: { from: before, to: next } }
			},
			now
		);
		current.set(db, next);
		return { ok: true, changed: true };
	});
}
