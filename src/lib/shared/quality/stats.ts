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

/** ln Γ(x), Lanczos (g = 7, 9 terms), x > 0. */
function lnGamma(x: number): number {
	const c = [
		0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
		-0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
	];
	if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
	x -= 1;
	let a = c[0]!;
	const t = x + 7.5;
	for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
	return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta (modified Lentz). */
function betaCf(a: number, b: number, x: number): number {
	const tiny = 1e-300;
	let c = 1;
	let d = 1 - ((a + b) * x) / (a + 1);
	if (Math.abs(d) < tiny) d = tiny;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 300; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const del = d * c;
		h *= del;
		if (Math.abs(del - 1) < 1e-15) break;
	}
	return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
	return x < (a + 1) / (a + b + 2) ? (front * betaCf(a, b, x)) / a : 1 - (front * betaCf(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with df degrees of freedom: P(|T| ≥ |t|). */
export function studentTwoSidedP(t: number, df: number): number {
	if (!Number.isFinite(t)) return 0;
	return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Welch's t-test of two samples' means (unequal variances, Welch-Satterthwaite df); null with fewer than 2 values a side. */
export function welchT(a: readonly number[], b: readonly number[]): { t: number; df: number; p: number } | null {
	if (a.length < 2 || b.length < 2) return null;
	const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
	const variance = (xs: readonly number[], mu: number) => xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (xs.length - 1);
	const ma = mean(a);
	const mb = mean(b);
	const va = variance(a, ma) / a.length;
	const vb = variance(b, mb) / b.length;
	const se = Math.sqrt(va + vb);
	if (!(se > 0)) return null;
	const t = (mb - ma) / se;
	const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
	return { t, df, p: studentTwoSidedP(t, df) };
}
