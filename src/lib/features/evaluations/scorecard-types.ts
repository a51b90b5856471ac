import type { Cycle, Evaluation } from './model';

/** One staff member's 员工档案: evaluations per period and the evidence of the same periods. */
export interface ScorecardPeriod {
	period: string;
	evaluation: Evaluation | null;
	complaints: number;
	/** complaint counts by category and by status in the period */
	categories: Record<string, number>;
	outcomes: Record<string, number>;
	surveys: { n: number; csat: number | null; csatMoe: number | null; nps: number | null; npsMoe: number | null; lowSample: boolean };
}

export interface Scorecard {
	staffId: string;
	name: string | null;
	store: string | null;
	department: string | null;
	position: string | null;
	cycle: Cycle;
	periods: ScorecardPeriod[];
	reviewers: string[];
}
