/** Whether a value meets a target in the metric's direction (at least for "higher", at most for "lower"); null when either is missing. */
export function meetsTarget(value: number | null, target: number | null, direction: 'higher' | 'lower'): boolean | null {
	if (value === null || target === null) return null;
	return direction === 'higher' ? value >= target : value <= target;
}
