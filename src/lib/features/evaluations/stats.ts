/**
 * Small statistics for fairness checks and comparisons, pure: sample mean and variance, Welch's t-test
 * (two-sided p from Student's t via the regularised incomplete beta), and the leniency verdict.
 */

export interface Sample {
	n: number;
	mean: number;
	/** sample variance (n − 1 in the denominator); NaN for n < 2 */
	variance: number;
}

export function describe(xs: readonly number[]): Sample {
	const n = xs.length;
	const mean = n ? xs.reduce((a, b) => a + b, 0) / n : NaN;
	const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : NaN;
	return { n, mean, variance };
}

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
export function tTwoSidedP(t: number, df: number): number {
	if (!Number.isFinite(t)) return 0;
	return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface WelchResult {
	/** mean of a − mean of b */
	diff: number;
	t: number;
	df: number;
	p: number;
}

/** Welch's unequal-variance t-test of two samples (each n ≥ 2); null when it cannot be computed. */
export function welch(a: Sample, b: Sample): WelchResult | null {
	if (a.n < 2 || b.n < 2) return null;
	const va = a.variance / a.n;
	const vb = b.variance / b.n;
	const se2 = va + vb;
	const diff = a.mean - b.mean;
	if (se2 === 0)
		return diff === 0 ? { diff, t: 0, df: a.n + b.n - 2, p: 1 } : { diff, t: Math.sign(diff) * Infinity, df: a.n + b.n - 2, p: 0 };
	const t = diff / Math.sqrt(se2);
	const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
	return { diff, t, df, p: tTwoSidedP(t, df) };
}

export const ALPHA = 0.05;

/** Whether a difference is larger than noise: 'higher'/'lower' when p < α, 'noise' otherwise, 'too_few' under minN. */
export type Verdict = 'higher' | 'lower' | 'noise' | 'too_few';

export function verdict(a: Sample, b: Sample, minN: number): { verdict: Verdict; test: WelchResult | null } {
	if (a.n < minN || b.n < minN) return { verdict: 'too_few', test: a.n >= 2 && b.n >= 2 ? welch(a, b) : null };
	const test = welch(a, b);
	if (!test) return { verdict: 'too_few', test };
	return { verdict: test.p < ALPHA ? (test.diff > 0 ? 'higher' : 'lower') : 'noise', test };
}

export interface ReviewerCheck {
	reviewer: string;
	n: number;
	mean: number;
	sd: number;
	/** the other reviewers' appraisals together */
	restN: number;
	restMean: number;
	diff: number | null;
	p: number | null;
	/** higher = lenient, lower = strict */
	verdict: Verdict;
	/** grade counts of this reviewer's appraisals */
	grades: Record<string, number>;
}

/**
 * Leniency: each reviewer's totals against every other reviewer's, by Welch's t-test. A reviewer with
 * fewer than minN appraisals gets no verdict ('too_few'), however large the difference looks.
 */
export function reviewerLeniency(
	rows: readonly { reviewer: string | null; total: number; grade: string }[],
	minN: number
): ReviewerCheck[] {
	const by = new Map<string, { totals: number[]; grades: Record<string, number> }>();
	for (const r of rows) {
		if (!r.reviewer) continue;
		const e = by.get(r.reviewer) ?? by.set(r.reviewer, { totals: [], grades: {} }).get(r.reviewer)!;
		e.totals.push(r.total);
		e.grades[r.grade] = (e.grades[r.grade] ?? 0) + 1;
	}
	const out: ReviewerCheck[] = [];
	for (const [reviewer, { totals, grades }] of by) {
		const rest = rows.filter((r) => r.reviewer && r.reviewer !== reviewer).map((r) => r.total);
		const a = describe(totals);
		const b = describe(rest);
		const v = verdict(a, b, minN);
		out.push({
			reviewer,
			n: a.n,
			mean: a.mean,
			sd: Math.sqrt(a.variance),
			restN: b.n,
			restMean: b.mean,
			diff: v.test?.diff ?? (b.n ? a.mean - b.mean : null),
			p: v.test?.p ?? null,
			verdict: v.verdict,
			grades
		});
	}
	return out.sort((x, y) => y.mean - x.mean);
}
