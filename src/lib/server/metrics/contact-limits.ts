import { z } from 'zod';
import { DEFAULT_CONTACT_LIMITS, MAX_FCR_DAYS, type ContactLimits } from './catalog';
import { jsonSetting, type SaveSettingResult } from './settings';
import type { Database } from '$lib/server/core/db';
import type { Actor } from '$lib/server/core/auth/users';
import { rebuildRollups } from '$pipelines/rollups/maintain';
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

const setting = jsonSetting<ContactLimits>(SETTING, contactLimitsSchema, DEFAULT_CONTACT_LIMITS);
export const readContactLimits = setting.read;
/** The limits in force, read once per database and kept current by `saveContactLimits`. */
export const contactLimits = setting.inForce;
/**
 * Saves new limits (validated), audited with the old and new values; then rebuilds the contact rollups
 * with them under the write lock. Until that has committed, the rollups were counted with other limits
 * than those in force, and contact metrics read raw rows (the planner compares them).
 */
export async function saveContactLimits(db: Database, value: unknown, actor: Actor, now?: number): Promise<SaveSettingResult> {
	const result = await setting.save(db, value, actor, now);
	if (result.ok && result.changed) {
		const limits = await contactLimits(db);
		await db.withWriteLock((conn) => rebuildRollups(conn, { contactLimits: limits, kinds: ['contacts'], forLimits: true }), 'keeps');
	}
	return result;
}
