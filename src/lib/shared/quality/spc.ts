/**
 * Statistical process control, pure and browser-safe: centre lines and limits of p, u and XmR charts
 * (limits per point where n varies), Laney's p′/u′ adjustment for over-dispersion, Nelson's eight run
 * rules and the chart's verdict. The server feeds it numerators/denominators from the metric catalog;
 * the chart builder and the sentences read its result.
 *
 * Formulas (Montgomery, Introduction to Statistical Quality Control, ch. 6-7; Laney 2002, Quality
 * Engineering 14(4)): p̄ = Σx/Σn over the baseline, σᵢ = √(p̄(1−p̄)/nᵢ); ū = Σc/Σn, σᵢ = √(ū/nᵢ);
 * individuals: x̄ and MR̄ over the baseline, σ = MR̄/1.128, MR chart UCL = 3.267·MR̄. Laney: zᵢ = (pᵢ−p̄)/σᵢ,
 * σz = MR̄(z)/1.128 over the baseline, limits p̄ ± 3·σᵢ·σz.
 */

export type ChartKind = 'p' | 'u' | 'xmr';
export const NELSON_RULES = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export type NelsonRule = (typeof NELSON_RULES)[number];
export const DEFAULT_RULES: readonly NelsonRule[] = [1, 2, 3, 4];
/** Fewer points than this (or fewer baseline points than MIN_BASELINE) and the verdict is 数据不足. */
export const MIN_POINTS = 8;
export const MIN_BASELINE = 6;
/** σz at or above this means the points vary more than the binomial/Poisson model allows (see decisions.md). */
export const OVERDISPERSION_SIGMA_Z = 1.5;
export const DEFAULT_BASELINE_POINTS = 12;
const D2 = 1.128;
const D4 = 3.267;

export interface SpcInput {
	kind: ChartKind;
	/** period labels (first days), one per point */
	periods: readonly string[];
	/** p/u: numerators (events); xmr: the values */
	values: readonly (number | null)[];
	/** p/u: denominators (n, exposure); ignored for xmr */
	n?: readonly (number | null)[];
	/** indexes [start, end] (inclusive) of the baseline; default the first 12 usable points */
	baseline?: { start: number; end: number } | null;
	laney?: boolean;
	rules?: readonly NelsonRule[];
	/** p/u charts: multiply values and limits by this for display (1000 = ‰ or per 1,000, 100 = %) */
	scale?: number;
	/**
	 * Per period: the days the data covers of a period it does not fully cover, null for a whole one
	 * (coverage.ts `incompleteDays`). Such a point is drawn, with its limits, but it is left out of the
	 * baseline, the rules and the verdict: a three-day week is no evidence of a shift.
	 */
	incomplete?: readonly (number | null)[];
}

export interface SpcPoint {
	period: string;
	/** the plotted statistic (p, u × scale, or x); null when the period has no data */
	value: number | null;
	n: number | null;
	ucl: number | null;
	lcl: number | null;
	/** ±1σ and ±2σ zone edges (upper) for the zone rules and the chart's shading */
	sigma: number | null;
	/** standardised distance from the centre line, in (adjusted) sigmas */
	z: number | null;
	inBaseline: boolean;
	/** days covered of an incomplete period (see `SpcInput.incomplete`), null for a whole one */
	incomplete: number | null;
}

export interface Signal {
	rule: NelsonRule;
	/** the point the rule fires on (the last point of the run) */
	index: number;
	/** the first point of the run */
	from: number;
	/** which side of the centre line, when the rule has one */
	side: 'above' | 'below' | null;
}

export type Verdict = 'in_control' | 'signal' | 'insufficient';

export interface SpcResult {
	kind: ChartKind;
	centre: number | null;
	points: SpcPoint[];
	signals: Signal[];
	verdict: Verdict;
	baseline: { start: number; end: number } | null;
	/** σz (Laney's ratio of observed to expected variation); null for xmr or too few points */
	sigmaZ: number | null;
	overdispersed: boolean;
	laney: boolean;
	/** xmr only: moving ranges and their limit */
	movingRanges?: (number | null)[];
	mrCentre?: number | null;
	mrUcl?: number | null;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** The baseline's point indexes: the given range, or the first DEFAULT_BASELINE_POINTS usable points. */
function baselineOf(usable: readonly number[], asked: SpcInput['baseline']): number[] {
	if (asked) return usable.filter((i) => i >= asked.start && i <= asked.end);
	return usable.slice(0, DEFAULT_BASELINE_POINTS);
}

/** Average moving range of consecutive usable values (pairs that are neighbours among the usable points). */
function averageMovingRange(values: readonly number[]): number | null {
	if (values.length < 2) return null;
	let sum = 0;
	for (let i = 1; i < values.length; i++) sum += Math.abs(values[i]! - values[i - 1]!);
	return sum / (values.length - 1);
}

export function computeChart(input: SpcInput): SpcResult {
	const scale = input.kind === 'xmr' ? 1 : (input.scale ?? 1);
	const count = input.periods.length;
	const incompleteAt = (i: number): number | null => input.incomplete?.[i] ?? null;
	// with data: drawn; usable: with data and a whole period, what limits, rules and the verdict rest on
	const withData = new Set<number>();
	const usable: number[] = [];
	for (let i = 0; i < count; i++) {
		const v = input.values[i];
		const n = input.kind === 'xmr' ? 1 : input.n?.[i];
		if (!(typeof v === 'number' && Number.isFinite(v) && typeof n === 'number' && n > 0)) continue;
		withData.add(i);
		if (incompleteAt(i) === null) usable.push(i);
	}
	const base = baselineOf(usable, input.baseline);
	const baseline = base.length ? { start: base[0]!, end: base[base.length - 1]! } : null;
	const empty = (): SpcResult => ({
		kind: input.kind,
		centre: null,
		points: input.periods.map((period, i) => ({
			period,
			value: statAt(i),
			n: input.kind === 'xmr' ? null : (input.n?.[i] ?? null),
			ucl: null,
			lcl: null,
			sigma: null,
			z: null,
			inBaseline: false,
			incomplete: incompleteAt(i)
		})),
		signals: [],
		verdict: 'insufficient',
		baseline,
		sigmaZ: null,
		overdispersed: false,
		laney: false
	});
	function statAt(i: number): number | null {
		if (!withData.has(i)) return null;
		if (input.kind === 'xmr') return input.values[i]!;
		return (input.values[i]! / input.n![i]!) * scale;
	}
	if (base.length < MIN_BASELINE) return empty();

	let centre: number;
	let sigmaOf: (i: number) => number;
	let sigmaZ: number | null = null;
	let movingRanges: (number | null)[] | undefined;
	let mrCentre: number | null = null;
	if (input.kind === 'xmr') {
		const xs = base.map((i) => input.values[i]!);
		centre = mean(xs);
		mrCentre = averageMovingRange(xs);
		const sigma = (mrCentre ?? 0) / D2;
		sigmaOf = () => sigma;
		movingRanges = input.periods.map((_, i) => {
			const prev = usable[usable.indexOf(i) - 1];
			return usable.includes(i) && prev !== undefined ? Math.abs(input.values[i]! - input.values[prev]!) : null;
		});
	} else {
		const x = base.reduce((s, i) => s + input.values[i]!, 0);
		const n = base.reduce((s, i) => s + input.n![i]!, 0);
		const c = x / n;
		centre = c * scale;
		sigmaOf = input.kind === 'p' ? (i) => Math.sqrt((c * (1 - c)) / input.n![i]!) * scale : (i) => Math.sqrt(c / input.n![i]!) * scale;
		// Laney's σz from the baseline's standardised values
		const zs = base.map((i) => (statAt(i)! - centre) / sigmaOf(i));
		const mrz = averageMovingRange(zs);
		sigmaZ = mrz === null ? null : mrz / D2;
	}
	const overdispersed = sigmaZ !== null && sigmaZ >= OVERDISPERSION_SIGMA_Z;
	const laney = input.kind !== 'xmr' && input.laney === true && sigmaZ !== null;
	const widen = laney ? sigmaZ! : 1;
	const floor = input.kind === 'xmr' ? -Infinity : 0;

	const baseSet = new Set(base);
	const points: SpcPoint[] = input.periods.map((period, i) => {
		const value = statAt(i);
		if (value === null)
			return {
				period,
				value: null,
				n: input.kind === 'xmr' ? null : (input.n?.[i] ?? null),
				ucl: null,
				lcl: null,
				sigma: null,
				z: null,
				inBaseline: false,
				incomplete: incompleteAt(i)
			};
		const sigma = sigmaOf(i) * widen;
		const z = sigma > 0 ? (value - centre) / sigma : 0;
		return {
			period,
			value,
			n: input.kind === 'xmr' ? null : input.n![i]!,
			ucl: centre + 3 * sigma,
			lcl: Math.max(floor, centre - 3 * sigma),
			sigma,
			z,
			inBaseline: baseSet.has(i),
			incomplete: incompleteAt(i)
		};
	});
	const zSeries = usable.map((i) => points[i]!.z!);
	const signals = nelsonSignals(zSeries, input.rules ?? DEFAULT_RULES).map((s) => ({
		...s,
		index: usable[s.index]!,
		from: usable[s.from]!
	}));
	// for p/u charts, a point below a zero LCL cannot be "beyond" it: rule 1 below only where LCL > 0
	const kept = signals.filter((s) => !(s.rule === 1 && s.side === 'below' && points[s.index]!.lcl === 0 && input.kind !== 'xmr'));
	const result: SpcResult = {
		kind: input.kind,
		centre,
		points,
		signals: kept,
		verdict: usable.length < MIN_POINTS ? 'insufficient' : kept.length ? 'signal' : 'in_control',
		baseline,
		sigmaZ,
		overdispersed,
		laney
	};
	if (input.kind === 'xmr') {
		result.movingRanges = movingRanges;
		result.mrCentre = mrCentre;
		result.mrUcl = mrCentre === null ? null : D4 * mrCentre;
	}
	return result;
}

/**
 * Nelson's tests for special causes (L. S. Nelson, "The Shewhart Control Chart — Tests for Special
 * Causes", Journal of Quality Technology 16(4), 1984), on standardised values z (distance from the
 * centre line in sigmas, so limits that vary with n are handled alike):
 * 1 one point beyond 3σ · 2 nine in a row on one side · 3 six in a row steadily rising or falling ·
 * 4 fourteen in a row alternating up and down · 5 two of three beyond 2σ on one side · 6 four of five
 * beyond 1σ on one side · 7 fifteen in a row within 1σ · 8 eight in a row beyond 1σ on either side.
 * A rule fires on the point that completes its pattern; a continuing run fires again on each point.
 */
export function nelsonSignals(z: readonly number[], rules: readonly NelsonRule[]): Signal[] {
	const on = new Set(rules);
	const out: Signal[] = [];
	const side = (v: number): 'above' | 'below' | null => (v > 0 ? 'above' : v < 0 ? 'below' : null);
	for (let i = 0; i < z.length; i++) {
		const zi = z[i]!;
		if (on.has(1) && Math.abs(zi) > 3) out.push({ rule: 1, index: i, from: i, side: side(zi) });
		if (on.has(2) && i >= 8) {
			const run = z.slice(i - 8, i + 1);
			if (run.every((v) => v > 0) || run.every((v) => v < 0)) out.push({ rule: 2, index: i, from: i - 8, side: side(zi) });
		}
		if (on.has(3) && i >= 5) {
			const run = z.slice(i - 5, i + 1);
			const up = run.every((v, k) => k === 0 || v > run[k - 1]!);
			const down = run.every((v, k) => k === 0 || v < run[k - 1]!);
			if (up || down) out.push({ rule: 3, index: i, from: i - 5, side: up ? 'above' : 'below' });
		}
		if (on.has(4) && i >= 13) {
			const run = z.slice(i - 13, i + 1);
			let alternating = true;
			for (let k = 2; k < run.length && alternating; k++) {
				const a = run[k - 1]! - run[k - 2]!;
				const b = run[k]! - run[k - 1]!;
				if (!(a * b < 0)) alternating = false;
			}
			if (alternating && run[1] !== run[0]) out.push({ rule: 4, index: i, from: i - 13, side: null });
		}
		if (on.has(5) && i >= 2) {
			const run = z.slice(i - 2, i + 1);
			for (const s of [1, -1]) {
				if (zi * s > 2 && run.filter((v) => v * s > 2).length >= 2)
					out.push({ rule: 5, index: i, from: i - 2, side: s > 0 ? 'above' : 'below' });
			}
		}
		if (on.has(6) && i >= 4) {
			const run = z.slice(i - 4, i + 1);
			for (const s of [1, -1]) {
				if (zi * s > 1 && run.filter((v) => v * s > 1).length >= 4)
					out.push({ rule: 6, index: i, from: i - 4, side: s > 0 ? 'above' : 'below' });
			}
		}
		if (on.has(7) && i >= 14) {
			const run = z.slice(i - 14, i + 1);
			if (run.every((v) => Math.abs(v) < 1)) out.push({ rule: 7, index: i, from: i - 14, side: null });
		}
		if (on.has(8) && i >= 7) {
			const run = z.slice(i - 7, i + 1);
			if (run.every((v) => Math.abs(v) > 1) && run.some((v) => v > 0) && run.some((v) => v < 0))
				out.push({ rule: 8, index: i, from: i - 7, side: null });
		}
	}
	return out;
}

/** Signals on the latest usable point of a chart, a whole period (what an alert is raised for). */
export function latestSignals(result: SpcResult): Signal[] {
	const last = [...result.points.keys()].reverse().find((i) => result.points[i]!.value !== null && result.points[i]!.incomplete === null);
	return last === undefined ? [] : result.signals.filter((s) => s.index === last);
}

/** Parses a rule list "1,2,5" (unknown entries dropped); the default rules when empty or absent. */
export function parseRules(text: string | null | undefined): NelsonRule[] {
	if (!text) return [...DEFAULT_RULES];
	const out = [...new Set(text.split(',').map(Number))]
		.filter((r): r is NelsonRule => (NELSON_RULES as readonly number[]).includes(r))
		.sort();
	return out.length ? out : [...DEFAULT_RULES];
}

/** The moving-range chart of an XmR result, as a chart of its own (centre MR̄, upper limit 3.267·MR̄, no run rules). */
export function movingRangeChart(result: SpcResult): SpcResult | null {
	if (result.kind !== 'xmr' || !result.movingRanges || result.mrCentre === null || result.mrCentre === undefined) return null;
	const ucl = result.mrUcl ?? null;
	return {
		kind: 'xmr',
		centre: result.mrCentre,
		points: result.points.map((p, i) => {
			const v = result.movingRanges![i] ?? null;
			return {
				period: p.period,
				value: v,
				n: null,
				ucl: v === null ? null : ucl,
				lcl: v === null ? null : 0,
				sigma: null,
				z: null,
				inBaseline: p.inBaseline,
				incomplete: p.incomplete
			};
		}),
		signals: result.points.flatMap((_, i) => {
			const v = result.movingRanges![i];
			return typeof v === 'number' && ucl !== null && v > ucl ? [{ rule: 1 as const, index: i, from: i, side: 'above' as const }] : [];
		}),
		verdict: result.verdict,
		baseline: result.baseline,
		sigmaZ: null,
		overdispersed: false,
		laney: false
	};
}
