/** The limits and thresholds metrics are defined against: SLA hours, the low-sample size, low scores, the repeat window. */

/**
 * SLA limits in hours: a default per kind, overridden per category, and per severity over that (a 重大
 * complaint's limit wins over its category's). These are the defaults (DESIGN.md); quality officers set
 * their own on the targets page (`src/lib/server/metrics/sla.ts`), and every query binds the limits in force.
 */
export interface SlaLimit {
	default: number;
	bySeverity: Partial<Record<string, number>>;
	byCategory: Partial<Record<string, number>>;
}
export interface SlaLimits {
	response: SlaLimit;
	resolution: SlaLimit;
}
export const DEFAULT_SLA: SlaLimits = {
	response: { default: 24, bySeverity: {}, byCategory: {} },
	resolution: { default: 72, bySeverity: { 重大: 168 }, byCategory: {} }
};
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
