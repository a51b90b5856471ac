/** What a period's evaluations lead to: ranks within groups, warnings, swings, 服务之星 candidates, the grade distribution. */
import { cycleOf, monthsOf } from './periods';
import { round2, type EvalSettings, type Evaluation, type Grade } from './scoring';

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

/** How many of the best and of the worst the collapsed ranking shows. */
export const RANKING_EDGE = 10;

/**
 * What the ranking shows: with a search, every row that matches (name, staff ID or store); otherwise the
 * top and bottom RANKING_EDGE by total (of the chain, or of the stores chosen) unless all are asked for.
 * `hidden` counts the rows left out between the two ends.
 */
export function visibleRanking<R extends Pick<RankedRow, 'staffId' | 'staffName' | 'store' | 'total'>>(
	rows: readonly R[],
	opts: { query: string; all: boolean }
): { top: R[]; bottom: R[]; hidden: number } {
	const q = opts.query.trim().toLowerCase();
	if (q) {
		const hit = (r: R) => [r.staffId, r.staffName ?? '', r.store ?? ''].some((s) => s.toLowerCase().includes(q));
		return { top: rows.filter(hit), bottom: [], hidden: 0 };
	}
	if (opts.all || rows.length <= 2 * RANKING_EDGE) return { top: [...rows], bottom: [], hidden: 0 };
	const byTotal = [...rows].sort((a, b) => b.total - a.total || a.staffId.localeCompare(b.staffId));
	return { top: byTotal.slice(0, RANKING_EDGE), bottom: byTotal.slice(-RANKING_EDGE), hidden: rows.length - 2 * RANKING_EDGE };
}
