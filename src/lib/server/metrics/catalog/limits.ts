/** The limits and thresholds metrics are defined against: SLA hours, the low-sample size, low scores, the repeat window. */

export { DEFAULT_SLA, type SlaLimit, type SlaLimits } from '$lib/shared/sla';
/** Replaced in metric SQL by the limit in hours of each row (bound parameters, see compile.ts). */
export const SLA_TOKENS = { response: '$sla_response', resolution: '$sla_resolution' } as const;

/** Survey ratios under this many responses are flagged as low-sample. */
export const LOW_SAMPLE_N = 30;
export { LOW_SCORE_MAX, REPEAT_WINDOW_DAYS } from '$lib/shared/thresholds';
/**
 * Contact-centre limits (来电与在线会话): a not-answered contact that waited less than `shortAbandonSeconds`
 * is a short abandon (a misdial, a hang-up at the greeting) and not offered; the service level counts
 * answers within `serviceLevel` seconds (GB/T 33358: 15 s), per channel over the default; a repeat contact
 * within `fcrDays` days means the first was not resolved. Quality officers set them on the targets page
 * (`src/lib/server/metrics/contact-limits.ts`); every query binds the limits in force.
 */
export interface ContactLimits {
	shortAbandonSeconds: number;
	serviceLevel: { default: number; byChannel: Partial<Record<string, number>> };
	fcrDays: number;
}
export const DEFAULT_CONTACT_LIMITS: ContactLimits = { shortAbandonSeconds: 5, serviceLevel: { default: 15, byChannel: {} }, fcrDays: 7 };
/** Replaced in metric SQL by the limits in force (bound parameters, see compile.ts). */
export const CONTACT_TOKENS = {
	shortAbandonSeconds: '$short_abandon_s',
	serviceLevel: '$service_level_s',
	fcrDays: '$fcr_days'
} as const;
/** The largest FCR window a setting may take, in days: how far ahead the repeat-contact relation looks. */
export const MAX_FCR_DAYS = 30;
/** An abandoned contact counts as called back when reached within this many minutes ("15 分钟内回电"). */
export const CALLBACK_MINUTES = 15;
/** A contact is linked to a complaint of the same phone received within this many days after it. */
export const COMPLAINT_LINK_DAYS = 30;
