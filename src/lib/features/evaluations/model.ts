/**
 * The evaluation model (绩效考核), pure and IO-free: weights per position with history, weighted totals,
 * grade bands, period roll-up, ranks, warnings, swings and 服务之星 candidates. The server feeds it
 * appraisal rows; pages, exports and the report show what it returns. Safe for browser code (types).
 */

export const EVAL_DIMENSIONS = ['business_ability', 'communication', 'teamwork', 'service_attitude', 'discipline'] as const;
export type EvalDimension = (typeof EVAL_DIMENSIONS)[number];
export type Scores = Record<EvalDimension, number | null>;
/** weights in percent, summing to 100 */
export type Weights = Record<EvalDimension, number>;

export const CYCLES = ['month', 'quarter', 'year'] as const;
export type Cycle = (typeof CYCLES)[number];
export type Grade = 'A' | 'B' | 'C' | 'D';

/** Weights for one position (or '*' = every position without its own rule), from a month on. */
export interface WeightRule {
	position: string;
	/** 'YYYY-MM': applies to periods that start in this month or later, until a newer rule */
	effectiveFrom: string;
	weights: Weights;
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

// ---------------------------------------------------------------- periods

export const isPeriodOf = (cycle: Cycle, p: string): boolean =>
	cycle === 'month' ? /^\d{4}-(0[1-9]|1[0-2])$/u.test(p) : cycle === 'quarter' ? /^\d{4}-Q[1-4]$/u.test(p) : /^\d{4}$/u.test(p);

export const cycleOf = (p: string): Cycle | null =>
	isPeriodOf('month', p) ? 'month' : isPeriodOf('quarter', p) ? 'quarter' : isPeriodOf('year', p) ? 'year' : null;

/** The months ('YYYY-MM') a period covers. */
export function monthsOf(period: string): string[] {
	const y = period.slice(0, 4);
	const cycle = cycleOf(period);
	if (cycle === 'month') return [period];
	const first = cycle === 'quarter' ? (Number(period.slice(6)) - 1) * 3 + 1 : 1;
	const count = cycle === 'quarter' ? 3 : 12;
	return Array.from({ length: count }, (_, i) => `${y}-${String(first + i).padStart(2, '0')}`);
}

/** The period of a cycle a month belongs to. */
export function periodOfMonth(cycle: Cycle, month: string): string {
	if (cycle === 'month') return month;
	if (cycle === 'year') return month.slice(0, 4);
	return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The period before (2025-01 → 2024-12, 2025-Q1 → 2024-Q4, 2025 → 2024). */
export function previousPeriod(period: string): string {
	const y = Number(period.slice(0, 4));
	switch (cycleOf(period)) {
		case 'month': {
			const m = Number(period.slice(5, 7));
			return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
		}
		case 'quarter': {
			const q = Number(period.slice(6));
			return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
		}
		default:
			return String(y - 1);
	}
}

// ---------------------------------------------------------------- weights, totals, grades

/**
 * The weights an appraisal is scored with: the newest rule of its position effective on or before the
 * period's first month; failing that the newest '*' rule; failing that equal weights.
 */
export function weightsFor(rules: readonly WeightRule[], position: string | null, period: string): Weights {
	const month = monthsOf(period)[0] ?? period;
	const newest = (pos: string) =>
		rules.filter((r) => r.position === pos && r.effectiveFrom <= month).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
	return (position ? newest(position) : undefined)?.weights ?? newest('*')?.weights ?? EQUAL_WEIGHTS;
}

export const round2 = (x: number): number => Math.round(x * 100 + Number.EPSILON * 100) / 100;

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

/** A weight set is valid when every weight is 0–100 and they sum to 100 (±0.01). */
export function weightsValid(w: Weights): boolean {
	const vals = EVAL_DIMENSIONS.map((d) => w[d]);
	return vals.every((v) => Number.isFinite(v) && v >= 0 && v <= 100) && Math.abs(vals.reduce((a, b) => a + b, 0) - 100) <= 0.01;
}

// ---------------------------------------------------------------- evaluations of a period

/** One appraisal row as stored. */
export interface AppraisalRow extends Scores {
	staffId: string;
	staffName: string | null;
	period: string;
	store: string | null;
	department: string | null;
	position: string | null;
	/** the total the file gave (or the load computed) */
	fileTotal: number;
	reviewer: string | null;
	comment: string | null;
}

/** One staff member's result for a period. */
export interface Evaluation extends Scores {
	staffId: string;
	staffName: string | null;
	period: string;
	store: string | null;
	department: string | null;
	position: string | null;
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

function scoreRow(row: AppraisalRow, rules: readonly WeightRule[]): { total: number; mismatch: number | null } {
	const computed = weightedTotal(row, weightsFor(rules, row.position, row.period));
	if (computed === null) return { total: row.fileTotal, mismatch: null };
	return { total: computed, mismatch: Math.abs(computed - row.fileTotal) > TOTAL_TOLERANCE ? row.fileTotal : null };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const uniq = (xs: (string | null)[]): string[] => [...new Set(xs.filter((x): x is string => !!x))];

/**
 * Every staff member's evaluation for a period. A row of the period itself wins; otherwise (quarter,
 * year) the mean of its monthly results — each month scored with its own weights — when at least the
 * configured number of months is present. Store, department and position are the latest month's.
 */
export function evaluatePeriod(
	rows: readonly AppraisalRow[],
	period: string,
	rules: readonly WeightRule[],
	settings: EvalSettings
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
		const { total, mismatch } = scoreRow(r, rules);
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
			const scored = list.map((r) => scoreRow(r, rules));
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

// ---------------------------------------------------------------- ranks, warnings, swings, stars

export type RankGroup = 'all' | 'store' | 'department';

/** Competition ranks (1, 2, 2, 4) by total within each group, keyed by staff id. */
export function ranks(evals: readonly Evaluation[], group: RankGroup): Map<string, number> {
	const key = (e: Evaluation) => (group === 'all' ? '' : ((group === 'store' ? e.store : e.department) ?? ''));
	const byGroup = new Map<string, Evaluation[]>();
	for (const e of evals) (byGroup.get(key(e)) ?? byGroup.set(key(e), []).get(key(e))!).push(e);
	const out = new Map<string, number>();
	for (const list of byGroup.values()) {
		const sorted = [...list].sort((a, b) => b.total - a.total);
		sorted.forEach((e, i) => out.set(e.staffId, i > 0 && sorted[i - 1]!.total === e.total ? out.get(sorted[i - 1]!.staffId)! : i + 1));
	}
	return out;
}

/** Sizes of the ranking groups, keyed by group name ('' for all). */
export function groupSizes(evals: readonly Evaluation[], group: RankGroup): Map<string, number> {
	const out = new Map<string, number>();
	for (const e of evals) {
		const k = group === 'all' ? '' : ((group === 'store' ? e.store : e.department) ?? '');
		out.set(k, (out.get(k) ?? 0) + 1);
	}
	return out;
}

export interface RankedRow extends Evaluation {
	rank: number;
	/** previous rank − this rank (positive = moved up); null when not ranked before */
	rankChange: number | null;
	previousTotal: number | null;
	/** this total − the previous one when the change is at least the swing threshold */
	swing: number | null;
	warning: boolean;
	/** consecutive periods under the warning threshold, ending with this one */
	warningStreak: number;
	/** the ranking group has fewer staff than the minimum, or the roll-up misses months */
	fewData: boolean;
}

/**
 * The ranking table of a period: ranks in the group, the change vs the previous period (ranked the same
 * way), swings, warnings with their streak (`history`: earlier evaluations, newest first) and few-data flags.
 */
export function rankTable(
	current: readonly Evaluation[],
	previous: readonly Evaluation[],
	history: readonly (readonly Evaluation[])[],
	group: RankGroup,
	settings: EvalSettings
): RankedRow[] {
	const now = ranks(current, group);
	const before = ranks(previous, group);
	const prevTotal = new Map(previous.map((e) => [e.staffId, e.total]));
	const sizes = groupSizes(current, group);
	const fullMonths = (e: Evaluation) => (cycleOf(e.period) === 'month' ? 1 : monthsOf(e.period).length);
	return current
		.map((e) => {
			const p = prevTotal.get(e.staffId) ?? null;
			const b = before.get(e.staffId);
			const warning = e.total < settings.warningThreshold;
			let streak = warning ? 1 : 0;
			if (warning) {
				for (const h of history) {
					const x = h.find((y) => y.staffId === e.staffId);
					if (!x || x.total >= settings.warningThreshold) break;
					streak++;
				}
			}
			const k = group === 'all' ? '' : ((group === 'store' ? e.store : e.department) ?? '');
			const delta = p === null ? null : round2(e.total - p);
			return {
				...e,
				rank: now.get(e.staffId)!,
				rankChange: b === undefined ? null : b - now.get(e.staffId)!,
				previousTotal: p,
				swing: delta !== null && Math.abs(delta) >= settings.swingPoints ? delta : null,
				warning,
				warningStreak: streak,
				fewData: (sizes.get(k) ?? 0) < settings.minGroupSize || e.months < fullMonths(e)
			};
		})
		.sort((a, b) => {
			const ga = group === 'all' ? '' : ((group === 'store' ? a.store : a.department) ?? '');
			const gb = group === 'all' ? '' : ((group === 'store' ? b.store : b.department) ?? '');
			return ga.localeCompare(gb, 'zh-CN') || a.rank - b.rank || a.staffId.localeCompare(b.staffId);
		});
}

/** Evidence beside an evaluation in the period: complaints against the staff member and survey results. */
export interface Evidence {
	complaints: number;
	/** responses attributed to them with an overall score */
	responses: number;
	/** CSAT (top-2-box) %, null without responses */
	csat: number | null;
}

export interface StarCandidate {
	staffId: string;
	staffName: string | null;
	store: string | null;
	total: number;
	csat: number;
	responses: number;
}

/**
 * 服务之星 candidates: total ≥ starMinTotal, no complaint against them in the period, and at least
 * starMinResponses attributed survey responses with CSAT ≥ starMinCsat. Best total first, then CSAT.
 * Staff without enough responses are not candidates: "good survey results" needs survey results.
 */
export function starCandidates(
	evals: readonly Evaluation[],
	evidence: ReadonlyMap<string, Evidence>,
	settings: EvalSettings
): StarCandidate[] {
	const out: StarCandidate[] = [];
	for (const e of evals) {
		const ev = evidence.get(e.staffId) ?? { complaints: 0, responses: 0, csat: null };
		if (
			e.total < settings.starMinTotal ||
			ev.complaints > 0 ||
			ev.responses < settings.starMinResponses ||
			ev.csat === null ||
			ev.csat < settings.starMinCsat
		)
			continue;
		out.push({ staffId: e.staffId, staffName: e.staffName, store: e.store, total: e.total, csat: ev.csat, responses: ev.responses });
	}
	return out.sort((a, b) => b.total - a.total || b.csat - a.csat || a.staffId.localeCompare(b.staffId));
}

export interface GradeShare {
	grade: Grade;
	count: number;
	/** % of the group */
	share: number;
}

export function gradeDistribution(evals: readonly { grade: Grade }[]): GradeShare[] {
	const n = evals.length;
	return (['A', 'B', 'C', 'D'] as const).map((g) => {
		const count = evals.filter((e) => e.grade === g).length;
		return { grade: g, count, share: n ? round2((count / n) * 100) : 0 };
	});
}

/** Whether a distribution keeps to the guideline: A share at most the maximum, C+D at least the minimum. */
export function guidelineBreaches(dist: readonly GradeShare[], settings: EvalSettings): ('max_a' | 'min_cd')[] {
	const out: ('max_a' | 'min_cd')[] = [];
	const a = dist.find((d) => d.grade === 'A')?.share ?? 0;
	const cd = dist.filter((d) => d.grade === 'C' || d.grade === 'D').reduce((s, d) => s + d.share, 0);
	if (settings.guidelineMaxA !== null && a > settings.guidelineMaxA) out.push('max_a');
	if (settings.guidelineMinCD !== null && cd < settings.guidelineMinCD) out.push('min_cd');
	return out;
}
