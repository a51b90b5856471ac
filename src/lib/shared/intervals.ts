/**
 * 95% intervals of survey figures, the one place they are computed (the metric query attaches them to
 * every survey ratio and NPS row; pages, exports and scorecards read `ci_low` / `ci_high`).
 *
 * - A proportion (CSAT, top-2-box, any survey rate shown with a band): the Wilson score interval
 *   (Wilson 1927; Newcombe 1998, method 3). Unlike the normal approximation p ± z·√(p(1−p)/n) it never
 *   leaves 0…1 and does not collapse at 0 or n: 10 of 10 satisfied is 72.2%–100%, not "100.0% ±0.0".
 * - NPS (% promoters − % detractors): the normal approximation of its trinomial variance,
 *   value ± z·√((p₊ + p₋ − (p₊ − p₋)²)/n), clamped to −100…100.
 */

/** The 97.5% quantile of the standard normal distribution (two-sided 95%). */
export const Z95 = 1.959963984540054;

export interface Interval {
	low: number;
	high: number;
}

/** Wilson score interval of `successes` of `n`, as proportions 0…1; null without trials. */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
	if (!(n > 0) || successes < 0 || successes > n) return null;
	const p = successes / n;
	const z2 = z * z;
	const denominator = 1 + z2 / n;
	const centre = (p + z2 / (2 * n)) / denominator;
	const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
	// at 0 and n the bound is exactly 0 or 1 (the formula gives it up to rounding)
	return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

/** NPS interval in points: promoters and detractors of n answers; null without answers. */
export function npsInterval(promoters: number, detractors: number, n: number, z = Z95): Interval | null {
	if (!(n > 0)) return null;
	const pp = promoters / n;
	const pd = detractors / n;
	const value = (pp - pd) * 100;
	const half = z * Math.sqrt(Math.max(pp + pd - (pp - pd) ** 2, 0) / n) * 100;
	return { low: Math.max(-100, value - half), high: Math.min(100, value + half) };
}
