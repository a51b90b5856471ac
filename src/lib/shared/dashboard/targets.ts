/** Whether a value meets a target in the metric's direction (at least for "higher", at most for "lower"); null when either is missing. */
export function meetsTarget(value: number | null, target: number | null, direction: 'higher' | 'lower'): boolean | null {
	if (value === null || target === null) return null;
	return direction === 'higher' ? value >= target : value <= target;
}

export type TargetState = 'met' | 'warning' | 'missed';

/**
 * Met, within the warning band (met, but past the band's edge `warn`), or missed; null when the value
 * or the target is missing. Without a band a met target is simply 'met'.
 */
export function targetState(
	value: number | null,
	target: number | null,
	direction: 'higher' | 'lower',
	warn?: number | null
): TargetState | null {
	const met = meetsTarget(value, target, direction);
	if (met === null) return null;
	if (!met) return 'missed';
	if (warn === null || warn === undefined) return 'met';
	return meetsTarget(value, warn, direction) ? 'met' : 'warning';
}
