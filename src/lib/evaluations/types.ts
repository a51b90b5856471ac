import type { Cycle, EvalDimension, EvalSettings, GradeShare, RankGroup, RankedRow, StarCandidate, WeightRule } from './model';
import type { ReviewerCheck, Verdict } from './stats';

/** What the evaluations page, its exports and the printable report show for one period. */
export interface Comparison {
	label: string;
	n: number;
	mean: number | null;
	otherN: number;
	otherMean: number | null;
	diff: number | null;
	p: number | null;
	verdict: Verdict;
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
	/** counts every role may see */
	summary: { staff: number; mean: number | null; warnings: number; repeatedWarnings: number; stars: number; fewData: number; mismatches: number };
	distribution: GradeShare[];
	guidelineBreaches: ('max_a' | 'min_cd')[];
	/** dimension means of each group (store or department) and of everyone */
	radar: { group: string; n: number; means: Record<EvalDimension, number | null> }[];
	/** this period vs the previous one, and each store vs the others */
	vsPrevious: Comparison | null;
	stores: Comparison[];
	/** individual rows: empty for roles that may not see individual scores */
	individual: boolean;
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
