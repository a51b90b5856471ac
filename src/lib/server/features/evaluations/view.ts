import type { AuthUser } from '$lib/shared/auth/roles';
import { roleCan } from '$lib/shared/auth/roles';
import { MIN_GROUP_SIZE, suppressedGroups } from '$lib/shared/auth/privacy';
import {
	EVAL_DIMENSIONS,
	anyComponents,
	cycleOf,
	evaluatePeriod,
	gradeDistribution,
	gradeOf,
	guidelineBreaches,
	monthsOf,
	periodOfMonth,
	previousPeriod,
	rankTable,
	round2,
	starCandidates,
	weightedTotal,
	weightsFor,
	type AppraisalRow,
	type Cycle,
	type EvalDimension,
	type Evaluation,
	type RankGroup
} from '$lib/features/evaluations/model';
import { describe, reviewerLeniency, verdict } from '$lib/shared/quality/leniency';
import type { Comparison, EvaluationView, StoreDistribution } from '$lib/features/evaluations/types';
import type { Database } from '$lib/server/core/db';
import { benjaminiHochberg, FDR } from '$lib/shared/quality/stats';
import { readEvalConfig } from './config';
import { appraisalRows, componentScores, periodEvidence } from './data';

/** How many earlier periods the warning streak looks back. */
const HISTORY = 6;

/** The periods of a cycle that have data: their own rows, or months inside them. Newest first. */
export function periodsWithData(rows: readonly AppraisalRow[], cycle: Cycle): string[] {
	const out = new Set<string>();
	for (const r of rows) {
		const c = cycleOf(r.period);
		if (c === cycle) out.add(r.period);
		else if (c === 'month') out.add(periodOfMonth(cycle, r.period));
	}
	return [...out].sort().reverse();
}

function compare(label: string, a: number[], b: number[], minN: number): Comparison {
	const da = describe(a);
	const dbs = describe(b);
	const v = verdict(da, dbs, minN);
	return {
		label,
		n: da.n,
		mean: da.n ? round2(da.mean) : null,
		otherN: dbs.n,
		otherMean: dbs.n ? round2(dbs.mean) : null,
		diff: da.n && dbs.n ? round2(da.mean - dbs.mean) : null,
		p: v.test ? v.test.p : null,
		q: null,
		verdict: v.verdict,
		suppressed: false
	};
}

/**
 * Each store against the others is one test per store: with 12 stores one would look "different" by chance
 * about half the time at p < 0.05. So, as cause analysis does, the p-values are adjusted together
 * (Benjamini-Hochberg, false discovery rate 5 %) and the verdict rests on the adjusted q.
 */
export function adjustStoreComparisons(stores: readonly Comparison[]): Comparison[] {
	const q = benjaminiHochberg(stores.map((c) => (c.verdict === 'too_few' ? null : c.p)));
	return stores.map((c, i) => {
		const qi = q[i] ?? null;
		if (qi === null || c.diff === null) return c;
		return { ...c, q: qi, verdict: qi < FDR ? (c.diff > 0 ? 'higher' : 'lower') : 'noise' };
	});
}

/** A comparison with its numbers hidden (the counts stay: how many people, not what they scored). */
const suppressComparison = (c: Comparison): Comparison => ({
	...c,
	mean: null,
	otherMean: null,
	diff: null,
	p: null,
	q: null,
	verdict: 'too_few',
	suppressed: true
});

const noMeans = () => Object.fromEntries(EVAL_DIMENSIONS.map((d) => [d, null])) as Record<EvalDimension, number | null>;

const dimensionMeans = (evals: readonly Evaluation[]): Record<EvalDimension, number | null> =>
	Object.fromEntries(
		EVAL_DIMENSIONS.map((d) => {
			const vals = evals.map((e) => e[d]).filter((v): v is number => v !== null);
			return [d, vals.length ? round2(vals.reduce((a, b) => a + b, 0) / vals.length) : null];
		})
	) as Record<EvalDimension, number | null>;

export interface ViewRequest {
	cycle: Cycle;
	period: string | null;
	group: RankGroup;
	/** stores picked in the filter (already inside the user's scope) */
	stores: string[];
}

/**
 * One period's evaluation for a user: the rows of their stores only, individual rows only for roles
 * with scorecards, fairness checks only for leadership ('evaluations').
 */
export async function evaluationView(db: Database, user: AuthUser, req: ViewRequest): Promise<EvaluationView> {
	const scope = req.stores.length ? req.stores : user.stores;
	const [config, allRows] = await Promise.all([db.withConnection(readEvalConfig), appraisalRows(db, scope)]);
	const { settings, rules } = config;
	const periods = periodsWithData(allRows, req.cycle);
	const period = req.period && periods.includes(req.period) ? req.period : (periods[0] ?? null);
	const individual = roleCan(user.role, 'scorecards');
	const leadership = roleCan(user.role, 'evaluations');
	const empty: EvaluationView = {
		cycle: req.cycle,
		period,
		previous: null,
		periods,
		group: req.group,
		settings,
		rules,
		summary: { staff: 0, mean: null, warnings: 0, repeatedWarnings: 0, stars: 0, fewData: 0, mismatches: 0 },
		distribution: gradeDistribution([]),
		guidelineBreaches: [],
		radar: [],
		vsPrevious: null,
		stores: [],
		individual,
		ranking: [],
		warnings: [],
		stars: [],
		fairness: null,
		privacy: individual ? null : { minGroupSize: MIN_GROUP_SIZE, all: false, any: false }
	};
	if (!period) return empty;

	const previous = previousPeriod(period);
	const historyPeriods: string[] = [];
	for (let i = 0, p = previous; i < HISTORY; i++, p = previousPeriod(p)) historyPeriods.push(p);
	// the optional components are read only when a rule weights one in: with none, totals rest on appraisals alone
	const components = anyComponents(rules) ? await componentScores(db, scope, [period, ...historyPeriods]) : undefined;
	const history = historyPeriods.map((p) => evaluatePeriod(allRows, p, rules, settings, components));
	const current = evaluatePeriod(allRows, period, rules, settings, components);
	const ranking = rankTable(current, history[0]!, history, req.group, settings);
	const evidence = await periodEvidence(db, scope, period);
	const stars = starCandidates(current, evidence, settings);
	const distribution = gradeDistribution(current);
	const warnings = ranking.filter((r) => r.warning).sort((a, b) => b.warningStreak - a.warningStreak || a.total - b.total);
	const totals = current.map((e) => e.total);

	const groupKey = (e: Evaluation) => (req.group === 'department' ? e.department : e.store) ?? '—';
	const groups = [...new Set(current.map(groupKey))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
	let radar: EvaluationView['radar'] = [
		{ group: '', n: current.length, means: dimensionMeans(current), suppressed: false },
		...groups.map((g) => {
			const list = current.filter((e) => groupKey(e) === g);
			return { group: g, n: list.length, means: dimensionMeans(list), suppressed: false };
		})
	];
	const storeNames = [...new Set(current.map((e) => e.store ?? '—'))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
	// between stores and periods, "larger than noise" needs only a handful on each side; reviewers need more
	const minCompare = Math.min(settings.minGroupSize, 30);
	let stores = adjustStoreComparisons(
		storeNames.map((s) =>
			compare(
				s,
				current.filter((e) => (e.store ?? '—') === s).map((e) => e.total),
				current.filter((e) => (e.store ?? '—') !== s).map((e) => e.total),
				minCompare
			)
		)
	);
	let vsPrevious = history[0]!.length
		? compare(
				period,
				totals,
				history[0]!.map((e) => e.total),
				minCompare
			)
		: null;

	// Roles without individual scores: the minimum group size on every aggregate (see $lib/auth/privacy).
	const all = !individual && current.length < MIN_GROUP_SIZE;
	if (!individual) {
		const hideGroup = suppressedGroups(
			radar.slice(1).map((r) => r.n),
			MIN_GROUP_SIZE,
			current.length
		);
		radar = radar.map((r, i) => ((i === 0 ? all : hideGroup[i - 1]) ? { ...r, means: noMeans(), suppressed: true } : r));
		const hideStore = suppressedGroups(
			stores.map((c) => c.n),
			MIN_GROUP_SIZE,
			current.length
		);
		// a store against "the others": the others are a group too
		stores = stores.map((c, i) => (hideStore[i] || (c.otherN > 0 && c.otherN < MIN_GROUP_SIZE) ? suppressComparison(c) : c));
		if (vsPrevious && (vsPrevious.n < MIN_GROUP_SIZE || vsPrevious.otherN < MIN_GROUP_SIZE)) vsPrevious = suppressComparison(vsPrevious);
	}

	let fairness: EvaluationView['fairness'] = null;
	if (leadership) {
		// leniency rests on the monthly rows of the 12 months ending with the period's last month
		const last = monthsOf(period).at(-1)!;
		const window = new Set<string>();
		let m = last;
		for (let i = 0; i < 12; i++, m = previousPeriod(m)) window.add(m);
		const lenRows = allRows
			.filter((r) => window.has(r.period))
			.map((r) => {
				const total = weightedTotal(r, weightsFor(rules, r.position, r.period)) ?? r.fileTotal;
				return { reviewer: r.reviewer, total, grade: gradeOf(total, settings.bands) };
			});
		const storeDistributions: StoreDistribution[] = storeNames.map((s) => {
			const list = current.filter((e) => (e.store ?? '—') === s);
			const dist = gradeDistribution(list);
			return { store: s, n: list.length, dist, breaches: guidelineBreaches(dist, settings) };
		});
		fairness = {
			reviewers: reviewerLeniency(lenRows, settings.leniencyMinN),
			window: { from: [...window].sort()[0]!, to: last },
			storeDistributions,
			swings: ranking.filter((r) => r.swing !== null).sort((a, b) => Math.abs(b.swing!) - Math.abs(a.swing!)),
			fewData: ranking.filter((r) => r.fewData),
			mismatches: ranking.filter((r) => r.fileTotalMismatch !== null)
		};
	}

	const summary = all
		? { staff: current.length, mean: null, warnings: null, repeatedWarnings: null, stars: null, fewData: null, mismatches: null }
		: {
				staff: current.length,
				mean: totals.length ? round2(totals.reduce((a, b) => a + b, 0) / totals.length) : null,
				warnings: warnings.length,
				repeatedWarnings: warnings.filter((w) => w.warningStreak >= 2).length,
				stars: stars.length,
				fewData: ranking.filter((r) => r.fewData).length,
				mismatches: ranking.filter((r) => r.fileTotalMismatch !== null).length
			};
	return {
		...empty,
		previous,
		summary,
		distribution: all ? [] : distribution,
		guidelineBreaches: all ? [] : guidelineBreaches(distribution, settings),
		privacy: individual
			? null
			: {
					minGroupSize: MIN_GROUP_SIZE,
					all,
					any: all || radar.some((r) => r.suppressed) || stores.some((c) => c.suppressed) || !!vsPrevious?.suppressed
				},
		radar,
		vsPrevious,
		stores,
		ranking: individual ? ranking : [],
		warnings: individual ? warnings : [],
		stars: individual ? stars : [],
		fairness
	};
}
