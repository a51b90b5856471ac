/**
 * Tests for "what changed": two-proportion z-test (pooled), the normal distribution, and
 * Benjamini-Hochberg adjusted p-values (q-values) so that testing many stores at once does not raise
 * alarms by chance.
 */

/** Standard normal CDF (Abramowitz & Stegun 26.2.17 via erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
	const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
	const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
	const erf = 1 - poly * Math.exp(-(x * x) / 2);
	return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided p-value of a z statistic. */
export const twoSidedP = (z: number): number => Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));

/** Pooled two-proportion z-test of x1/n1 against x0/n0; null when either n is 0 or nothing varies. */
export function twoProportionZ(x1: number, n1: number, x0: number, n0: number): { z: number; p: number } | null {
	if (n1 <= 0 || n0 <= 0) return null;
	const pooled = (x1 + x0) / (n1 + n0);
	const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
	if (!(se > 0)) return null;
	const z = (x1 / n1 - x0 / n0) / se;
	return { z, p: twoSidedP(z) };
}

/**
 * Benjamini-Hochberg step-up adjusted p-values, in the input order: q(i) = min over j ≥ rank(i) of
 * p(j)·m/j, capped at 1. A result is called significant when q < 0.05 (false discovery rate 5%).
 */
export function benjaminiHochberg(ps: readonly (number | null)[]): (number | null)[] {
	const present = ps.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
	const m = present.length;
	const sorted = [...present].sort((a, b) => a.p - b.p);
	const out: (number | null)[] = ps.map(() => null);
	let running = 1;
	for (let k = m - 1; k >= 0; k--) {
		const { p, i } = sorted[k]!;
		running = Math.min(running, (p * m) / (k + 1));
		out[i] = Math.min(1, running);
	}
	return out;
}

export const FDR = 0.05;
