import type { Cycle, EvalDimension, EvalSettings, GradeShare, RankGroup, RankedRow, StarCandidate, WeightRule } from './model';
import type { ReviewerCheck, Verdict } from '$lib/shared/quality/leniency';

/** What the evaluations page, its exports and the printable report show for one period. */
export interface Comparison {
	label: string;
	n: number;
	mean: number | null;
	otherN: number;
	otherMean: number | null;
	diff: number | null;
	p: number | null;
	/**
	 * Benjamini-Hochberg adjusted p (q) when the comparison is one of several tested together (each store
	 * against the others); the verdict then rests on q, not p. Null for a single test (period vs previous).
	 */
	q: number | null;
	verdict: Verdict;
	/** hidden under the minimum group size (roles without individual scores): numbers are null */
	suppressed: boolean;
}

export interface StoreDistribution {
	store: string;
	n: number;
	dist: GradeShare[];
	breaches: ('max_a' | 'min_cd')[];
}

export interface EvaluationView {
	cycle: Cycle;
	period: string | null;
	previous: string | null;
	periods: string[];
	group: RankGroup;
	settings: EvalSettings;
	rules: WeightRule[];
	/**
	 * counts every role may see; for a role without individual scores and fewer staff than the minimum
	 * group size, everything but the head count is null (suppressed)
	 */
	summary: {
		staff: number;
		mean: number | null;
		warnings: number | null;
		repeatedWarnings: number | null;
		stars: number | null;
		fewData: number | null;
		mismatches: number | null;
	};
	distribution: GradeShare[];
	guidelineBreaches: ('max_a' | 'min_cd')[];
	/** dimension means of each group (store or department) and of everyone */
	radar: { group: string; n: number; means: Record<EvalDimension, number | null>; suppressed: boolean }[];
	/** this period vs the previous one, and each store vs the others */
	vsPrevious: Comparison | null;
	stores: Comparison[];
	/** individual rows: empty for roles that may not see individual scores */
	individual: boolean;
	/**
	 * For roles without individual scores: the minimum group size, and whether the whole view is under
	 * it (then the distribution is empty and the means null). Null for roles that see individuals.
	 */
	privacy: { minGroupSize: number; all: boolean; any: boolean } | null;
	ranking: RankedRow[];
	warnings: RankedRow[];
	stars: StarCandidate[];
	/** fairness checks, for leadership only (null otherwise) */
	fairness: {
		reviewers: ReviewerCheck[];
		/** the months the leniency test rests on */
		window: { from: string; to: string };
		storeDistributions: StoreDistribution[];
		swings: RankedRow[];
		fewData: RankedRow[];
		mismatches: RankedRow[];
	} | null;
}
