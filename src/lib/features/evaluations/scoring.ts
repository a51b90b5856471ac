/**
 * Scoring an appraisal (绩效考核): the dimensions, weights per position with history, weighted totals, grade
 * bands and the settings they follow, and one period's evaluations rolled up from its rows or its months.
 */
import { cycleOf, monthsOf } from './periods';

export const EVAL_DIMENSIONS = ['business_ability', 'communication', 'teamwork', 'service_attitude', 'discipline'] as const;
export type EvalDimension = (typeof EVAL_DIMENSIONS)[number];
export type Scores = Record<EvalDimension, number | null>;
/** weights in percent, summing to 100 */
export type Weights = Record<EvalDimension, number>;
export type Grade = 'A' | 'B' | 'C' | 'D';

/**
 * Optional components measured outside the appraisal, weighted into the total only when their weight is > 0
 * (0, the default, = off): the QA score (质检得分, mean of the period's inspections, 0–100) and FCR (首次解决率 by
 * repeat contact, %, 0–100). AHT is not one: shorter is not better work by itself (a long call that resolves is
 * good work), so it has no honest 0–100 mapping; the scorecard shows it beside the total instead.
 */
export const EVAL_COMPONENTS = ['qa_score', 'fcr'] as const;
export type EvalComponent = (typeof EVAL_COMPONENTS)[number];
/** component weights in percent; with the dimensions' weights they sum to 100 */
export type ComponentWeights = Record<EvalComponent, number>;
export const NO_COMPONENTS: ComponentWeights = { qa_score: 0, fcr: 0 };

/**
 * A component's raw sums by staff id and month ('YYYY-MM'): the value of a period is Σ sum / Σ n over its
 * months (mean QA score over inspections; FCR % over contacts due), null when n is 0.
 */
export type ComponentScores = Map<string, Map<string, Partial<Record<EvalComponent, { sum: number; n: number }>>>>;

/** Weights for one position (or '*' = every position without its own rule), from a month on. */
export interface WeightRule {
	position: string;
	/** 'YYYY-MM': applies to periods that start in this month or later, until a newer rule */
	effectiveFrom: string;
	weights: Weights;
	/** the optional components' weights (absent = all 0, off) */
	components?: ComponentWeights;
}

export interface EvalSettings {
	/** lower bounds of A, B and C; below C is D */
	bands: { A: number; B: number; C: number };
	/** a total under this earns a warning (一次警告) */
	warningThreshold: number;
	/** forced-distribution guideline: at most this % of a group graded A (null = none) */
	guidelineMaxA: number | null;
	/** at least this % graded C or D (null = none) */
	guidelineMinCD: number | null;
	/** quarter/year without its own appraisal row: mean of its months, needing at least this many */
	rollupMinMonths: { quarter: number; year: number };
	/** 服务之星: total at least this, no complaint against them, CSAT (top-2-box %) at least this over ≥ starMinResponses */
	starMinTotal: number;
	starMinCsat: number;
	starMinResponses: number;
	/** a change of total of at least this many points vs the previous period is a swing */
	swingPoints: number;
	/** a ranking group with fewer staff than this is flagged as resting on too few data */
	minGroupSize: number;
	/** reviewers with fewer appraisals than this get no leniency verdict */
	leniencyMinN: number;
}

export const EQUAL_WEIGHTS: Weights = { business_ability: 20, communication: 20, teamwork: 20, service_attitude: 20, discipline: 20 };

export const DEFAULT_SETTINGS: EvalSettings = {
	bands: { A: 90, B: 80, C: 60 },
	warningThreshold: 80,
	guidelineMaxA: 20,
	guidelineMinCD: null,
	rollupMinMonths: { quarter: 2, year: 6 },
	starMinTotal: 90,
	starMinCsat: 80,
	starMinResponses: 3,
	swingPoints: 10,
	minGroupSize: 5,
	leniencyMinN: 30
};

export const DEFAULT_WEIGHT_RULES: WeightRule[] = [{ position: '*', effectiveFrom: '2000-01', weights: EQUAL_WEIGHTS }];

// ---------------------------------------------------------------- weights, totals, grades

/**
 * The weights an appraisal is scored with: the newest rule of its position effective on or before the
 * period's first month; failing that the newest '*' rule; failing that equal weights.
 */
export function weightsFor(rules: readonly WeightRule[], position: string | null, period: string): Weights {
	return ruleFor(rules, position, period)?.weights ?? EQUAL_WEIGHTS;
}

/** The components' weights of the same rule (all 0 when it sets none). */
export function componentWeightsFor(rules: readonly WeightRule[], position: string | null, period: string): ComponentWeights {
	return ruleFor(rules, position, period)?.components ?? NO_COMPONENTS;
}

function ruleFor(rules: readonly WeightRule[], position: string | null, period: string): WeightRule | undefined {
	const month = monthsOf(period)[0] ?? period;
	const newest = (pos: string) =>
		rules.filter((r) => r.position === pos && r.effectiveFrom <= month).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
	return (position ? newest(position) : undefined) ?? newest('*');
}

/** Whether any rule weights a component in (only then are the components read at all). */
export const anyComponents = (rules: readonly WeightRule[]): boolean =>
	rules.some((r) => r.components && EVAL_COMPONENTS.some((c) => r.components![c] > 0));

/** A component's value for a staff member over a period's months, null without data. */
export function componentScore(scores: ComponentScores | undefined, staffId: string, period: string, c: EvalComponent): number | null {
	const byMonth = scores?.get(staffId);
	if (!byMonth) return null;
	let sum = 0;
	let n = 0;
	for (const month of monthsOf(period)) {
		const v = byMonth.get(month)?.[c];
		if (v) [sum, n] = [sum + v.sum, n + v.n];
	}
	return n > 0 ? sum / n : null;
}

/**
 * The total with the components: the appraisal total weighted by the sum of the dimensions' weights, each
 * component present weighted by its own; a component without data (no inspections, no contacts) is left out
 * and the rest renormalised. Without any component in play the appraisal total is returned untouched.
 */
function withComponents(appraisal: number, weights: Weights, cw: ComponentWeights, score: (c: EvalComponent) => number | null): number {
	let sum = 0;
	let w = 0;
	for (const c of EVAL_COMPONENTS) {
		const s = cw[c] > 0 ? score(c) : null;
		if (s === null) continue;
		sum += s * cw[c];
		w += cw[c];
	}
	if (w === 0) return appraisal;
	const wa = EVAL_DIMENSIONS.reduce((a, d) => a + weights[d], 0);
	return round2((appraisal * wa + sum) / (wa + w));
}

/**
 * Two decimals, halves away from zero, on the number as written: the mean of 60 and 60.23 is 60.115,
 * stored as 60.11499999999999…, which ×100 rounds down; shifting the decimal point in the number's
 * text (6.0115e1 → 6.0115e3 = 6011.5 exactly) rounds it up, as a person would.
 */
export const round2 = (x: number): number => {
	if (!Number.isFinite(x)) return x;
	const [mantissa, exponent] = Math.abs(x).toExponential(14).split('e') as [string, string];
	const shifted = Math.round(Number(`${mantissa}e${Number(exponent) + 2}`));
	return (Math.sign(x) || 1) * Number(`${shifted}e-2`);
};

/** Σ weight·score / Σ weight, two decimals; null when a dimension with weight is missing. */
export function weightedTotal(scores: Scores, weights: Weights): number | null {
	let sum = 0;
	let w = 0;
	for (const d of EVAL_DIMENSIONS) {
		if (weights[d] === 0) continue;
		const s = scores[d];
		if (s === null) return null;
		sum += s * weights[d];
		w += weights[d];
	}
	return w === 0 ? null : round2(sum / w);
}

export function gradeOf(total: number, bands: EvalSettings['bands']): Grade {
	return total >= bands.A ? 'A' : total >= bands.B ? 'B' : total >= bands.C ? 'C' : 'D';
}

/**
 * A weight set is valid when every weight is 0–100, the dimensions keep some weight (the appraisal stays the
 * base of the total) and all, components included, sum to 100 (±0.01).
 */
export function weightsValid(w: Weights, c: ComponentWeights = NO_COMPONENTS): boolean {
	const dims = EVAL_DIMENSIONS.map((d) => w[d]);
	const vals = [...dims, ...EVAL_COMPONENTS.map((k) => c[k])];
	return (
		vals.every((v) => Number.isFinite(v) && v >= 0 && v <= 100) &&
		dims.reduce((a, b) => a + b, 0) > 0 &&
		Math.abs(vals.reduce((a, b) => a + b, 0) - 100) <= 0.01
	);
}

// ---------------------------------------------------------------- evaluations of a period

/** Who was appraised, for which period, where: the fields an appraisal row and its evaluation share. */
interface StaffPeriod {
	staffId: string;
	staffName: string | null;
	period: string;
	store: string | null;
	department: string | null;
	position: string | null;
}

/** One appraisal row as stored. */
export interface AppraisalRow extends Scores, StaffPeriod {
	/** the total the file gave (or the load computed) */
	fileTotal: number;
	reviewer: string | null;
	comment: string | null;
}

/** One staff member's result for a period. */
export interface Evaluation extends Scores, StaffPeriod {
	total: number;
	grade: Grade;
	/** 'row': an appraisal row of the period itself; 'months': the mean of its months */
	source: 'row' | 'months';
	/** months the roll-up rests on (1 for a month, the row's own period counts as complete) */
	months: number;
	reviewers: string[];
	comments: string[];
	/** the file's total when it differs from the weighted total by more than 0.5 */
	fileTotalMismatch: number | null;
}

export const TOTAL_TOLERANCE = 0.5;

function scoreRow(
	row: AppraisalRow,
	rules: readonly WeightRule[],
	components?: ComponentScores
): { total: number; mismatch: number | null } {
	const weights = weightsFor(rules, row.position, row.period);
	const computed = weightedTotal(row, weights);
	const cw = componentWeightsFor(rules, row.position, row.period);
	const total = (appraisal: number) =>
		withComponents(appraisal, weights, cw, (c) => componentScore(components, row.staffId, row.period, c));
	if (computed === null) return { total: total(row.fileTotal), mismatch: null };
	// the file's total is checked against the appraisal's own weighted total, before any component
	return { total: total(computed), mismatch: Math.abs(computed - row.fileTotal) > TOTAL_TOLERANCE ? row.fileTotal : null };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const uniq = (xs: (string | null)[]): string[] => [...new Set(xs.filter((x): x is string => !!x))];

/**
 * Every staff member's evaluation for a period. A row of the period itself wins; otherwise (quarter,
 * year) the mean of its monthly results — each month scored with its own weights — when at least the
 * configured number of months is present. Store, department and position are the latest month's. The
 * components (read only when a rule weights one in) enter each scored row's total over that row's period.
 */
export function evaluatePeriod(
	rows: readonly AppraisalRow[],
	period: string,
	rules: readonly WeightRule[],
	settings: EvalSettings,
	components?: ComponentScores
): Evaluation[] {
	const cycle = cycleOf(period);
	if (!cycle) return [];
	const own = new Map<string, AppraisalRow>();
	const monthly = new Map<string, AppraisalRow[]>();
	const months = new Set(cycle === 'month' ? [] : monthsOf(period));
	for (const r of rows) {
		if (r.period === period) own.set(r.staffId, r);
		else if (months.has(r.period)) (monthly.get(r.staffId) ?? monthly.set(r.staffId, []).get(r.staffId)!).push(r);
	}
	const out: Evaluation[] = [];
	for (const [staffId, r] of own) {
		const { total, mismatch } = scoreRow(r, rules, components);
		out.push({
			staffId,
			staffName: r.staffName,
			period,
			store: r.store,
			department: r.department,
			position: r.position,
			...pickScores(r),
			total,
			grade: gradeOf(total, settings.bands),
			source: 'row',
			months: cycle === 'month' ? 1 : monthsOf(period).length,
			reviewers: uniq([r.reviewer]),
			comments: uniq([r.comment]),
			fileTotalMismatch: mismatch
		});
	}
	if (cycle !== 'month') {
		const min = settings.rollupMinMonths[cycle];
		for (const [staffId, list] of monthly) {
			if (own.has(staffId) || list.length < min) continue;
			list.sort((a, b) => (a.period < b.period ? -1 : 1));
			const last = list[list.length - 1]!;
			const scored = list.map((r) => scoreRow(r, rules, components));
			const total = round2(mean(scored.map((s) => s.total)));
			const dims = {} as Scores;
			for (const d of EVAL_DIMENSIONS) {
				const vals = list.map((r) => r[d]).filter((v): v is number => v !== null);
				dims[d] = vals.length === list.length ? round2(mean(vals)) : null;
			}
			out.push({
				staffId,
				staffName: last.staffName,
				period,
				store: last.store,
				department: last.department,
				position: last.position,
				...dims,
				total,
				grade: gradeOf(total, settings.bands),
				source: 'months',
				months: list.length,
				reviewers: uniq(list.map((r) => r.reviewer)),
				comments: uniq(list.map((r) => r.comment)),
				fileTotalMismatch: scored.some((s) => s.mismatch !== null) ? round2(mean(list.map((r) => r.fileTotal))) : null
			});
		}
	}
	return out.sort((a, b) => b.total - a.total || a.staffId.localeCompare(b.staffId));
}

function pickScores(r: Scores): Scores {
	return {
		business_ability: r.business_ability,
		communication: r.communication,
		teamwork: r.teamwork,
		service_attitude: r.service_attitude,
		discipline: r.discipline
	};
}
