/**
 * Small statistics for fairness checks and comparisons (appraisal reviewers, inspectors), pure: sample mean and variance, Welch's t-test
 * (two-sided p from Student's t via the regularised incomplete beta), and the leniency verdict.
 */
import { studentTwoSidedP } from './stats';

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

/** Two-sided p-value of Student's t (one implementation, in shared, for the quality checks too). */
export const tTwoSidedP = studentTwoSidedP;

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
	return { diff, t, df, p: studentTwoSidedP(t, df) };
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
