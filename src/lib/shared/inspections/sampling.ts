import { Z95 } from '$lib/shared/intervals';

/**
 * The sampling plan of inspections: how many a month each agent needs for their pass rate to be known within
 * ±E at 95%, by the normal approximation n = z²·p(1−p)/E² (rounded up), with p the agent's pass rate from
 * history, or 0.5 (the most demanding value) without enough history. No finite-population correction: an
 * agent handles far more contacts a month than are inspected.
 */

/** history needs this many inspections before its pass rate replaces the conservative 0.5 */
export const MIN_HISTORY = 20;
export const DEFAULT_MARGIN_POINTS = 10;

/** Inspections needed to estimate a proportion near `p` within ±`margin` (both 0…1), at confidence z. */
export function sampleSize(p: number, margin: number, z = Z95): number {
	if (!(margin > 0 && margin < 1) || !(p >= 0 && p <= 1)) throw new RangeError('p must lie in 0…1 and the margin in (0, 1)');
	// a pass rate of exactly 0 or 1 in the history still leaves room for error: never plan on zero variance
	const q = Math.min(Math.max(p, 0.05), 0.95);
	return Math.ceil((z * z * q * (1 - q)) / (margin * margin) - 1e-9);
}

/** The p a plan uses: the history's pass rate with at least MIN_HISTORY inspections, else 0.5. */
export function plannedP(history: { passed: number; n: number } | null): { p: number; fromHistory: boolean } {
	return history && history.n >= MIN_HISTORY ? { p: history.passed / history.n, fromHistory: true } : { p: 0.5, fromHistory: false };
}

export interface AgentCoverage {
	staffId: string;
	store: string;
	/** inspections this month */
	done: number;
	required: number;
	p: number;
	fromHistory: boolean;
	/** inspections still to do this month (0 when covered) */
	missing: number;
}

/** Each agent's coverage this month against the plan, the least covered first. */
export function coverage(
	agents: readonly { staffId: string; store: string; done: number; history: { passed: number; n: number } | null }[],
	marginPoints: number
): AgentCoverage[] {
	return agents
		.map((a) => {
			const { p, fromHistory } = plannedP(a.history);
			const required = sampleSize(p, marginPoints / 100);
			return { staffId: a.staffId, store: a.store, done: a.done, required, p, fromHistory, missing: Math.max(0, required - a.done) };
		})
		.sort((x, y) => x.done / x.required - y.done / y.required || x.staffId.localeCompare(y.staffId));
}
