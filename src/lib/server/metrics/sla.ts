import { z } from 'zod';
import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import { DEFAULT_SLA, type SlaLimits } from './catalog';
import type { Actor } from '$lib/server/core/auth/users';
import { category, severity } from '$lib/shared/schema/vocabularies';

/**
 * The SLA limits in force: the catalog's defaults until a quality officer sets others (targets page),
 * kept as JSON in `app_settings` under `sla_limits`, audited. This process remembers them (it is the
 * only writer); every metric query binds them, so a change shows in the very next numbers.
 */
const SETTING = 'sla_limits';
const MAX_HOURS = 24 * 365;

const hours = z.number().positive().max(MAX_HOURS);
const limitSchema = z
	.object({
		default: hours,
		bySeverity: z.partialRecord(z.enum(severity.values as [string, ...string[]]), hours),
		byCategory: z.partialRecord(z.enum(category.values as [string, ...string[]]), hours)
	})
	.strict();
export const slaSchema = z.object({ response: limitSchema, resolution: limitSchema }).strict();

const current = new WeakMap<Database, SlaLimits>();

export async function readSla(conn: DuckDBConnection): Promise<SlaLimits> {
	const [row] = await queryRows<{ value: string }>(conn, 'SELECT value FROM app_settings WHERE name = $1', [SETTING]);
	if (!row) return DEFAULT_SLA;
	const parsed = slaSchema.safeParse(JSON.parse(row.value));
	return parsed.success ? (parsed.data as SlaLimits) : DEFAULT_SLA;
}

/** The limits in force, read once per database and kept current by `saveSla`. */
export async function slaLimits(db: Database): Promise<SlaLimits> {
	let limits = current.get(db);
	if (!limits) {
		limits = await db.withConnection(readSla);
		current.set(db, limits);
	}
	return limits;
}

export type SaveSlaResult = { ok: true; changed: boolean } | { ok: false; message: string };

/** Saves new limits (validated; hours 0 < h ≤ a year), audited with the old and new values. */
export async function saveSla(db: Database, limits: unknown, actor: Actor, now: number = Date.now()): Promise<SaveSlaResult> {
	const parsed = slaSchema.safeParse(limits);
	if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
	return db.withConnection(async (conn) => {
		const before = await readSla(conn);
		const next = parsed.data as SlaLimits;
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
