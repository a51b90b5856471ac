/**
 * Thresholds a metric's definition and the rollups that serve it must agree on (the catalog's
 * limits.ts re-exports them; pipelines/rollups counts by them at load time).
 */

/** Overall scores up to this count as low (1 非常不满意, 2 不满意). */
export const LOW_SCORE_MAX = 2;
/** Repeat complaint window in days. */
export const REPEAT_WINDOW_DAYS = 30;

/**
 * Contact-centre limits (来电与在线会话): a not-answered contact that waited less than `shortAbandonSeconds`
 * is a short abandon (a misdial, a hang-up at the greeting) and not offered; the service level counts
 * answers within `serviceLevel` seconds (GB/T 33358: 15 s), per channel over the default; a repeat contact
 * within `fcrDays` days means the first was not resolved. Quality officers set them on the targets page
 * (`src/lib/server/metrics/contact-limits.ts`); every query binds the limits in force, and the contact
 * rollups count with the limits recorded in `rollup_state` (pipelines/rollups).
 */
export interface ContactLimits {
	shortAbandonSeconds: number;
	serviceLevel: { default: number; byChannel: Partial<Record<string, number>> };
	fcrDays: number;
}
export const DEFAULT_CONTACT_LIMITS: ContactLimits = { shortAbandonSeconds: 5, serviceLevel: { default: 15, byChannel: {} }, fcrDays: 7 };
/** Replaced in metric SQL by the limits in force (bound parameters, see compile.ts; the rollups' recorded limits in pipelines/rollups). */
export const CONTACT_TOKENS = {
	shortAbandonSeconds: '$short_abandon_s',
	serviceLevel: '$service_level_s',
	fcrDays: '$fcr_days'
} as const;
/** The largest FCR window a setting may take, in days: how far ahead the repeat-contact relation looks. */
export const MAX_FCR_DAYS = 30;
/** An abandoned contact counts as called back when reached within this many minutes ("15 分钟内回电"). */
export const CALLBACK_MINUTES = 15;

/** The limits as one text, equal for equal limits whatever the order of their channels (what the contact rollups were counted with). */
export function contactLimitsKey(limits: ContactLimits): string {
	const byChannel = Object.fromEntries(
		Object.entries(limits.serviceLevel.byChannel)
			.filter(([, s]) => s !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
	);
	return JSON.stringify({
		shortAbandonSeconds: limits.shortAbandonSeconds,
		serviceLevel: { default: limits.serviceLevel.default, byChannel },
		fcrDays: limits.fcrDays
	});
}
