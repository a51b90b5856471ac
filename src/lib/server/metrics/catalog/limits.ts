/** The limits and thresholds metrics are defined against: SLA hours, the low-sample size, low scores, the repeat window. */

export { DEFAULT_SLA, type SlaLimit, type SlaLimits } from '$lib/shared/sla';
/** Replaced in metric SQL by the limit in hours of each row (bound parameters, see compile.ts). */
export const SLA_TOKENS = { response: '$sla_response', resolution: '$sla_resolution' } as const;

/** Survey ratios under this many responses are flagged as low-sample. */
export const LOW_SAMPLE_N = 30;
export { LOW_SCORE_MAX, REPEAT_WINDOW_DAYS } from '$lib/shared/thresholds';
export {
	CALLBACK_MINUTES,
	CONTACT_TOKENS,
	DEFAULT_CONTACT_LIMITS,
	MAX_FCR_DAYS,
	contactLimitsKey,
	type ContactLimits
} from '$lib/shared/thresholds';
/** A contact is linked to a complaint of the same phone received within this many days after it. */
export const COMPLAINT_LINK_DAYS = 30;
