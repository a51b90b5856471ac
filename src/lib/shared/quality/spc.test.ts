import { describe, expect, it } from 'vitest';
import { computeChart, latestSignals, nelsonSignals, parseRules, type NelsonRule } from '$lib/shared/quality/spc';
import { benjaminiHochberg, normalCdf, twoProportionZ } from '$lib/shared/quality/stats';

const periods = (k: number) => Array.from({ length: k }, (_, i) => `p${i + 1}`);
const rulesAt = (z: number[], rule: NelsonRule) => nelsonSignals(z, [rule]).map((s) => s.index);

describe('p chart — Montgomery, Introduction to SQC (6th ed.), Example 7.1 (orange-juice cans, 30 samples of n = 50)', () => {
	// Table 7.1: nonconforming cans per sample; Σ = 347, p̄ = 347/1500 = 0.2313,
	// UCL = 0.2313 + 3·√(0.2313·0.7687/50) = 0.4102, LCL = 0.0524 (by hand, as in the book).
	const d = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6];
	const chart = computeChart({
		kind: 'p',
		periods: periods(30),
		values: d,
		n: d.map(() => 50),
		baseline: { start: 0, end: 29 },
		rules: [1]
	});
	it('centre line and limits', () => {
		expect(chart.centre).toBeCloseTo(0.2313, 4);
		expect(chart.points[0]!.ucl).toBeCloseTo(0.4102, 4);
		expect(chart.points[0]!.lcl).toBeCloseTo(0.0524, 4);
	});
	it('samples 15 and 23 are beyond the upper limit, as the book finds', () => {
		expect(chart.signals.map((s) => s.index + 1)).toEqual([15, 23]);
		expect(chart.signals.every((s) => s.side === 'above')).toBe(true);
		expect(chart.verdict).toBe('signal');
	});
});

describe('u chart with varying n — Montgomery Example 7.5 (dyed cloth, nonconformities per 50 m²)', () => {
	// 10 rolls: inspection units 10, 8, 13, 10, 9.5, 10, 12, 10.5, 12, 12.5 (Σ 107.5), nonconformities Σ 153:
	// ū = 153/107.5 = 1.4233; n = 10: UCL = 1.4233 + 3·√(1.4233/10) = 2.5550, LCL = 0.2915;
	// n = 8: UCL = 1.4233 + 3·√(1.4233/8) = 2.6886 (limits differ per point).
	const units = [10, 8, 13, 10, 9.5, 10, 12, 10.5, 12, 12.5];
	const c = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23];
	const chart = computeChart({ kind: 'u', periods: periods(10), values: c, n: units, baseline: { start: 0, end: 9 } });
	it('ū and per-point limits', () => {
		expect(chart.centre).toBeCloseTo(1.4233, 4);
		expect(chart.points[0]!.ucl).toBeCloseTo(2.555, 4);
		expect(chart.points[0]!.lcl).toBeCloseTo(0.2915, 4);
		expect(chart.points[1]!.ucl).toBeCloseTo(2.6886, 4);
	});
	it('no point out of control (as in the book); 10 points are enough for a verdict', () => {
		expect(chart.signals).toEqual([]);
		expect(chart.verdict).toBe('in_control');
	});
	it('per 1,000 scale multiplies centre and limits alike', () => {
		const k = computeChart({ kind: 'u', periods: periods(10), values: c, n: units, baseline: { start: 0, end: 9 }, scale: 1000 });
		expect(k.centre).toBeCloseTo(1423.26, 1);
		expect(k.points[0]!.ucl).toBeCloseTo(2555.1, 0);
	});
});

describe('XmR chart — Montgomery Example 6.5 (mortgage-loan processing cost, 20 weeks)', () => {
	// x̄ = 6010/20 = 300.5, MR̄ = 148/19 = 7.79, UCL = 300.5 + 2.66·7.79 = 321.22, LCL = 279.78, MR UCL = 3.267·7.79 = 25.45.
	const x = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293, 306, 301, 304];
	const chart = computeChart({ kind: 'xmr', periods: periods(20), values: x, baseline: { start: 0, end: 19 } });
	it('limits of the individuals and moving-range charts', () => {
		expect(chart.centre).toBeCloseTo(300.5, 6);
		expect(chart.mrCentre).toBeCloseTo(7.7895, 3);
		expect(chart.points[0]!.ucl).toBeCloseTo(321.22, 1);
		expect(chart.points[0]!.lcl).toBeCloseTo(279.78, 1);
		expect(chart.mrUcl).toBeCloseTo(25.45, 2);
		expect(chart.movingRanges![0]).toBeNull();
		expect(chart.movingRanges![1]).toBe(22);
	});
	it('in control with the default rules 1-4', () => {
		expect(chart.verdict).toBe('in_control');
	});
});

describe('Laney p′ (Laney 2002): over-dispersion detected and limits widened by σz', () => {
	// Hand example: n = 100,000 each, p̄ = 0.01 from alternating 900/1100 events. σ(p) = √(0.01·0.99/1e5) = 3.1464e-4;
	// z = ∓0.001/3.1464e-4 = ∓3.1782; moving ranges of z all 6.3564 → σz = 6.3564/1.128 = 5.6351.
	const x = Array.from({ length: 12 }, (_, i) => (i % 2 ? 1100 : 900));
	const n = x.map(() => 100_000);
	it('ordinary limits flag every point; σz ≥ 1.5 is reported as over-dispersion', () => {
		const p = computeChart({ kind: 'p', periods: periods(12), values: x, n, rules: [1] });
		expect(p.signals.length).toBe(12);
		expect(p.sigmaZ).toBeCloseTo(5.6351, 3);
		expect(p.overdispersed).toBe(true);
	});
	it('Laney limits: p̄ ± 3·σᵢ·σz = 0.01 ± 0.005319', () => {
		const l = computeChart({ kind: 'p', periods: periods(12), values: x, n, laney: true, rules: [1] });
		expect(l.points[0]!.ucl).toBeCloseTo(0.01 + 3 * 3.1464e-4 * 5.6351, 6);
		expect(l.signals).toEqual([]);
		expect(l.laney).toBe(true);
	});
});

describe('Nelson rules (Nelson 1984, JQT 16(4)), each on a series built by hand in sigmas', () => {
	it('rule 1: a point beyond 3σ', () => expect(rulesAt([0, 0.5, 3.2, -0.2, -3.1], 1)).toEqual([2, 4]));
	it('rule 2: nine in a row on one side (fires on the ninth and while the run lasts)', () => {
		expect(rulesAt([-1, 0.2, 0.3, 0.1, 0.5, 0.2, 0.4, 0.1, 0.3, 0.2, 0.6, -0.5], 2)).toEqual([9, 10]);
		expect(rulesAt([0.2, 0.3, 0.1, 0.5, 0.2, 0.4, 0.1, 0.3, -0.2], 2)).toEqual([]);
	});
	it('rule 3: six in a row steadily increasing or decreasing', () => {
		expect(rulesAt([0, -1, -0.5, 0, 0.2, 0.4, 0.9], 3)).toEqual([6]);
		expect(rulesAt([2, 1.5, 1, 0.5, 0, -0.5], 3)).toEqual([5]);
		expect(rulesAt([0, 0.1, 0.2, 0.2, 0.3, 0.4], 3)).toEqual([]); // a tie breaks the run
	});
	it('rule 4: fourteen in a row alternating up and down', () => {
		const alt = Array.from({ length: 14 }, (_, i) => (i % 2 ? 0.5 : -0.5));
		expect(rulesAt(alt, 4)).toEqual([13]);
		expect(rulesAt(alt.slice(0, 13), 4)).toEqual([]);
	});
	it('rule 5: two of three beyond 2σ on the same side', () => {
		expect(rulesAt([0, 2.1, 0.5, 2.5], 5)).toEqual([3]);
		expect(rulesAt([0, 2.1, -2.5, 0], 5)).toEqual([]);
	});
	it('rule 6: four of five beyond 1σ on the same side', () => {
		expect(rulesAt([1.2, 1.5, 0.2, 1.1, 1.3], 6)).toEqual([4]);
		expect(rulesAt([1.2, -1.5, 0.2, 1.1, 1.3], 6)).toEqual([]);
	});
	it('rule 7: fifteen in a row within 1σ (stratification)', () => {
		const hug = Array.from({ length: 15 }, (_, i) => (i % 3) * 0.3 - 0.3);
		expect(rulesAt(hug, 7)).toEqual([14]);
		expect(rulesAt([...hug.slice(0, 14), 1.2], 7)).toEqual([]);
	});
	it('rule 8: eight in a row beyond 1σ on either side (mixture)', () => {
		const mix = [1.5, -1.2, 1.8, -1.4, 1.1, -2, 1.3, -1.6];
		expect(rulesAt(mix, 8)).toEqual([7]);
		expect(rulesAt([...mix.slice(0, 7), 0.5], 8)).toEqual([]);
	});
	it('switchable: only the chosen rules fire', () => {
		const z = [0, 3.5, 2.1, 2.5];
		expect(nelsonSignals(z, [5]).map((s) => s.rule)).toEqual([5, 5]);
		expect(nelsonSignals(z, [1]).map((s) => s.rule)).toEqual([1]);
	});
	it('rule lists from the URL: default 1-4, unknown entries dropped', () => {
		expect(parseRules(null)).toEqual([1, 2, 3, 4]);
		expect(parseRules('8,1,9,x')).toEqual([1, 8]);
	});
});

describe('verdicts and baselines', () => {
	it('数据不足 with fewer than 8 points', () => {
		const c = computeChart({ kind: 'p', periods: periods(7), values: [1, 2, 1, 2, 1, 2, 1], n: Array(7).fill(100) });
		expect(c.verdict).toBe('insufficient');
	});
	it('limits come from the baseline only; a later shift is flagged on the latest point', () => {
		const x = [...Array(12).fill(10), 30];
		const c = computeChart({ kind: 'p', periods: periods(13), values: x, n: Array(13).fill(10_000), rules: [1] });
		expect(c.centre).toBeCloseTo(0.001, 6);
		expect(latestSignals(c).map((s) => s.rule)).toEqual([1]);
	});
	it('empty periods are skipped, not zero', () => {
		const c = computeChart({
			kind: 'p',
			periods: periods(10),
			values: [5, null, 5, 5, 5, 5, 5, 5, 5, 5],
			n: [100, null, 100, 100, 100, 100, 100, 100, 100, 100]
		});
		expect(c.points[1]!.value).toBeNull();
		expect(c.verdict).toBe('in_control');
	});
	it('an incomplete period is drawn with its limits but never judged: no signal, no verdict, no alert', () => {
		// 12 whole months at 1‰, then three days of a month at 6‰ (5σ above the centre line)
		const x = [...Array(12).fill(10), 6];
		const n = [...Array(12).fill(10_000), 1_000];
		const whole = computeChart({ kind: 'p', periods: periods(13), values: x, n, rules: [1] });
		expect(whole.signals.map((s) => s.index)).toEqual([12]);
		const cut = computeChart({ kind: 'p', periods: periods(13), values: x, n, rules: [1], incomplete: [...Array(12).fill(null), 3] });
		expect(cut.points[12]).toMatchObject({ value: 0.006, incomplete: 3 });
		expect(cut.points[12]!.ucl).toBeCloseTo(0.001 + 3 * Math.sqrt((0.001 * 0.999) / 1_000), 9);
		expect(cut.signals).toEqual([]);
		expect(cut.verdict).toBe('in_control');
		expect(latestSignals(cut)).toEqual([]);
		// nor does it count towards the points a verdict needs: 7 whole + 1 incomplete is still 数据不足
		const few = computeChart({
			kind: 'p',
			periods: periods(8),
			values: Array(8).fill(5),
			n: Array(8).fill(100),
			incomplete: [...Array(7).fill(null), 2]
		});
		expect(few.verdict).toBe('insufficient');
		// the latest whole period keeps its alert when the incomplete one follows it
		const before = computeChart({
			kind: 'p',
			periods: periods(14),
			values: [...Array(12).fill(10), 30, 1],
			n: [...Array(13).fill(10_000), 1_000],
			rules: [1],
			incomplete: [...Array(13).fill(null), 3]
		});
		expect(latestSignals(before).map((s) => s.index)).toEqual([12]);
	});
});

describe('statistics for what changed', () => {
	it('normal CDF', () => {
		expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
		expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
	});
	it('two-proportion z (by hand: 60/1000 vs 40/1000, pooled 0.05, se = √(0.05·0.95·0.002) = 0.009747, z = 2.0520)', () => {
		const t = twoProportionZ(60, 1000, 40, 1000)!;
		expect(t.z).toBeCloseTo(2.052, 3);
		expect(t.p).toBeCloseTo(0.0402, 3);
	});
	it('Benjamini-Hochberg (Benjamini & Hochberg 1995 step-up; by hand for p = .01 .04 .03 .20)', () => {
		// sorted .01 .03 .04 .20 → ×4/rank: .04 .06 .0533 .20 → running min from the top: .04 .0533 .0533 .20
		const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2, null]);
		expect(q[0]).toBeCloseTo(0.04, 6);
		expect(q[1]).toBeCloseTo(0.05333, 4);
		expect(q[2]).toBeCloseTo(0.05333, 4);
		expect(q[3]).toBeCloseTo(0.2, 6);
		expect(q[4]).toBeNull();
	});
});

describe('Welch t (by hand)', () => {
	it('a = 1..5, b = 3..7: t = 2/√(2.5/5 + 2.5/5) = 2, df = 8, two-sided p = 0.0805 (t table, df 8)', async () => {
		const { welchT, studentTwoSidedP } = await import('$lib/shared/quality/stats');
		const r = welchT([1, 2, 3, 4, 5], [3, 4, 5, 6, 7])!;
		expect(r.t).toBeCloseTo(2, 10);
		expect(r.df).toBeCloseTo(8, 10);
		expect(r.p).toBeCloseTo(0.0805, 3);
		expect(studentTwoSidedP(2.306, 8)).toBeCloseTo(0.05, 3);
	});
});
