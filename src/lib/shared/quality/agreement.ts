/**
 * Agreement between raters (calibration of inspectors), pure:
 *
 * - ICC(2,1): two-way random effects, absolute agreement, single rater (Shrout & Fleiss 1979, case 2), with
 *   its 95% interval by the Satterthwaite approximation of McGraw & Wong (1996, Table 7): whether two
 *   inspectors give the same contact the same total.
 * - Cohen's κ (two raters) and Fleiss' κ (any number of raters per subject, Fleiss 1971) on a category such
 *   as pass/fail or fatal/not: agreement beyond chance.
 */
import { incompleteBeta } from './stats';

export interface Icc {
	icc: number;
	low: number;
	high: number;
	/** subjects (contacts) and raters */
	n: number;
	k: number;
}

/** F distribution's CDF with d1, d2 degrees of freedom. */
function fCdf(f: number, d1: number, d2: number): number {
	return f <= 0 ? 0 : incompleteBeta((d1 * f) / (d1 * f + d2), d1 / 2, d2 / 2);
}

/** F distribution's quantile by bisection (monotone CDF; precise to ~1e-10 relative). */
export function fQuantile(p: number, d1: number, d2: number): number {
	let lo = 0;
	let hi = 1;
	while (fCdf(hi, d1, d2) < p) hi *= 2;
	for (let i = 0; i < 200; i++) {
		const mid = (lo + hi) / 2;
		if (fCdf(mid, d1, d2) < p) lo = mid;
		else hi = mid;
		if (hi - lo < 1e-12 * hi) break;
	}
	return (lo + hi) / 2;
}

/**
 * ICC(2,1) of a complete n × k table (rows: subjects, columns: raters), with its 95% interval; null when
 * there are fewer than 2 subjects or raters, or nothing varies.
 */
export function icc21(table: readonly (readonly number[])[], alpha = 0.05): Icc | null {
	const n = table.length;
	const k = table[0]?.length ?? 0;
	if (n < 2 || k < 2 || table.some((r) => r.length !== k)) return null;
	const grand = table.flat().reduce((a, b) => a + b, 0) / (n * k);
	const rowMeans = table.map((r) => r.reduce((a, b) => a + b, 0) / k);
	const colMeans = Array.from({ length: k }, (_, j) => table.reduce((a, r) => a + r[j]!, 0) / n);
	const ssTotal = table.flat().reduce((a, x) => a + (x - grand) ** 2, 0);
	const ssRows = k * rowMeans.reduce((a, m) => a + (m - grand) ** 2, 0);
	const ssCols = n * colMeans.reduce((a, m) => a + (m - grand) ** 2, 0);
	const msr = ssRows / (n - 1);
	const msc = ssCols / (k - 1);
	const mse = (ssTotal - ssRows - ssCols) / ((n - 1) * (k - 1));
	const denominator = msr + (k - 1) * mse + (k * (msc - mse)) / n;
	if (!(denominator > 0) || !(mse > 0)) return null;
	const icc = (msr - mse) / denominator;
	// McGraw & Wong (1996): the interval of ICC(A,1), degrees of freedom of the denominator by Satterthwaite
	const a = (k * icc) / (n * (1 - icc));
	const b = 1 + (k * icc * (n - 1)) / (n * (1 - icc));
	const v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)));
	const fLow = fQuantile(1 - alpha / 2, n - 1, v);
	const fHigh = fQuantile(1 - alpha / 2, v, n - 1);
	const low = (n * (msr - fLow * mse)) / (fLow * (k * msc + (k * n - k - n) * mse) + n * msr);
	const high = (n * (fHigh * msr - mse)) / (k * msc + (k * n - k - n) * mse + n * fHigh * msr);
	return { icc, low, high, n, k };
}

/** Cohen's κ of two raters' categories on the same subjects (pairs [rater 1, rater 2]); null without pairs or when chance agreement is total. */
export function cohenKappa<T>(
	pairs: readonly (readonly [T, T])[]
): { kappa: number; observed: number; expected: number; n: number } | null {
	const n = pairs.length;
	if (n === 0) return null;
	const a = new Map<T, number>();
	const b = new Map<T, number>();
	let agree = 0;
	for (const [x, y] of pairs) {
		a.set(x, (a.get(x) ?? 0) + 1);
		b.set(y, (b.get(y) ?? 0) + 1);
		if (x === y) agree++;
	}
	const observed = agree / n;
	let expected = 0;
	for (const [c, na] of a) expected += (na / n) * ((b.get(c) ?? 0) / n);
	if (expected >= 1) return null;
	return { kappa: (observed - expected) / (1 - expected), observed, expected, n };
}

/**
 * Fleiss' κ of subjects each rated by the same number of raters m ≥ 2 (rows: subjects, columns: how many
 * raters chose each category); null when the rows differ in m or chance agreement is total.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): { kappa: number; n: number; raters: number } | null {
	const n = counts.length;
	if (n === 0) return null;
	const m = counts[0]!.reduce((a, b) => a + b, 0);
	if (m < 2 || counts.some((r) => r.reduce((a, b) => a + b, 0) !== m)) return null;
	const categories = counts[0]!.length;
	const p = Array.from({ length: categories }, (_, j) => counts.reduce((a, r) => a + (r[j] ?? 0), 0) / (n * m));
	const pBar = counts.reduce((a, r) => a + (r.reduce((s, x) => s + x * x, 0) - m) / (m * (m - 1)), 0) / n;
	const pe = p.reduce((a, x) => a + x * x, 0);
	if (pe >= 1) return null;
	return { kappa: (pBar - pe) / (1 - pe), n, raters: m };
}
