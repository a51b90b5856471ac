import type { Cycle, Evaluation } from './model';
import type { Interval } from '$lib/shared/intervals';

/** One staff member's 员工档案: evaluations per period and the evidence of the same periods. */
export interface ScorecardPeriod {
	period: string;
	evaluation: Evaluation | null;
	complaints: number;
	/** complaint counts by category and by status in the period */
	categories: Record<string, number>;
	outcomes: Record<string, number>;
	/** CSAT and NPS with their 95% intervals (Wilson, trinomial), in the value's unit */
	surveys: { n: number; csat: number | null; csatCi: Interval | null; nps: number | null; npsCi: Interval | null; lowSample: boolean };
	/** inspections (质检) of the person in the period: mean QA score, pass rate with its 95% Wilson interval, fatal errors */
	qa: { n: number; score: number | null; passRate: number | null; passCi: Interval | null; fatal: number; lowSample: boolean };
	/** as an agent of the contact centre: contacts handled, mean handle time (s), FCR by repeat (%) */
	contacts: { handled: number; aht: number | null; fcr: number | null };
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
