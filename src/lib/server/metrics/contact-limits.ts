import { z } from 'zod';
import { DEFAULT_CONTACT_LIMITS, MAX_FCR_DAYS, type ContactLimits } from './catalog';
import { jsonSetting } from './settings';
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
/** Saves new limits (validated), audited with the old and new values. */
export const saveContactLimits = setting.save;
