/**
 * SLA limits in hours: a default per kind, overridden per category, and per severity over that (a 重大
 * complaint's limit wins over its category's). These are the defaults (DESIGN.md); quality officers set
 * their own on the targets page (`src/lib/server/metrics/sla.ts`), and every query binds the limits in force.
 * The rollups count SLA compliance with the limits they were built with (pipelines/rollups), which is why
 * these live where both the loads and the metrics can read them.
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

/** JSON with every object's keys sorted: the same limits give the same text whatever order they were written in. */
function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object')
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map((k) => [k, canonical((value as Record<string, unknown>)[k])])
		);
	return value;
}

/** The fingerprint of a set of limits: equal for equal limits, so a rollup can tell whether it was counted with the ones in force. */
export const slaFingerprint = (limits: unknown): string => JSON.stringify(canonical(limits));

/** The largest limit of a kind, in hours: once a complaint is older than this, it is past its limit whatever its severity and category. */
export const largestLimit = (limit: SlaLimit): number =>
	Math.max(limit.default, ...Object.values(limit.bySeverity).map(Number), ...Object.values(limit.byCategory).map(Number));
