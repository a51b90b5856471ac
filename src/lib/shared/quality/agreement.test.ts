import { describe, expect, it } from 'vitest';
import { cohenKappa, fleissKappa, fQuantile, icc21 } from './agreement';

describe('ICC(2,1) with its interval', () => {
	// Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater reliability.
	// Psychological Bulletin 86(2), 420-428, Table 2: six targets rated by four judges. Their Table 3 gives
	// ICC(2,1) = .29 (ICC(1,1) = .17, ICC(3,1) = .71). The interval .019-.76 is the one psych::ICC reports
	// for these data (McGraw & Wong 1996, Satterthwaite degrees of freedom).
	const TABLE_2 = [
		[9, 2, 5, 8],
		[6, 1, 3, 2],
		[8, 4, 6, 8],
		[7, 1, 2, 6],
		[10, 5, 6, 9],
		[6, 2, 4, 7]
	];

	it('gives .29 on Shrout & Fleiss (1979) Table 2, interval .02-.76', () => {
		const r = icc21(TABLE_2)!;
		expect(r.icc).toBeCloseTo(0.2898, 4);
		expect(r.low).toBeCloseTo(0.019, 2);
		expect(r.high).toBeCloseTo(0.76, 2);
		expect([r.n, r.k]).toEqual([6, 4]);
	});

	it('is 1 when every rater gives every target the same total, and needs two targets and raters', () => {
		expect(icc21([[80], [90]])).toBeNull();
		expect(icc21([[80, 80]])).toBeNull();
		// identical raters: no residual variance, no interval to speak of
		expect(
			icc21([
				[80, 80],
				[90, 90],
				[70, 70]
			])
		).toBeNull();
	});

	it('falls as one rater drifts: a constant offset costs absolute agreement', () => {
		const same = icc21([
			[80, 81],
			[90, 89],
			[70, 71],
			[60, 60]
		])!;
		const offset = icc21([
			[80, 71],
			[90, 79],
			[70, 61],
			[60, 50]
		])!;
		expect(same.icc).toBeGreaterThan(0.99);
		expect(offset.icc).toBeLessThan(same.icc);
		expect(offset.low).toBeLessThan(offset.icc);
		expect(offset.high).toBeGreaterThan(offset.icc);
	});

	it('takes F quantiles from the incomplete beta: F(0.975; 5, 15) = 3.576 (tables)', () => {
		expect(fQuantile(0.975, 5, 15)).toBeCloseTo(3.5764, 3);
		expect(fQuantile(0.95, 1, 10)).toBeCloseTo(4.9646, 3);
	});
});

describe("Cohen's κ", () => {
	// The worked example of Cohen's κ (Wikipedia, "Cohen's kappa", simple example): 50 grant proposals read by
	// two readers, both yes 20, A yes B no 5, A no B yes 10, both no 15: p_o = 0.7, p_e = 0.5, κ = 0.4.
	it('is 0.4 on the 50 proposals of the worked example', () => {
		const pairs: [string, string][] = [
			...Array.from({ length: 20 }, () => ['yes', 'yes'] as [string, string]),
			...Array.from({ length: 5 }, () => ['yes', 'no'] as [string, string]),
			...Array.from({ length: 10 }, () => ['no', 'yes'] as [string, string]),
			...Array.from({ length: 15 }, () => ['no', 'no'] as [string, string])
		];
		const r = cohenKappa(pairs)!;
		expect(r.observed).toBeCloseTo(0.7, 10);
		expect(r.expected).toBeCloseTo(0.5, 10);
		expect(r.kappa).toBeCloseTo(0.4, 10);
	});

	it('is null when both raters always give one category (chance agreement is total)', () => {
		expect(cohenKappa([[true, true] as const, [true, true] as const])).toBeNull();
		expect(cohenKappa([])).toBeNull();
	});
});

describe("Fleiss' κ", () => {
	// Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin 76(5),
	// 378-382, Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (depression, personality disorder,
	// schizophrenia, neurosis, other); κ = .430 in the paper.
	const TABLE_1 = [
		[0, 0, 0, 6, 0],
		[0, 3, 0, 0, 3],
		[0, 1, 4, 0, 1],
		[0, 0, 0, 0, 6],
		[0, 3, 0, 3, 0],
		[2, 0, 4, 0, 0],
		[0, 0, 4, 0, 2],
		[2, 0, 3, 1, 0],
		[2, 0, 0, 4, 0],
		[0, 0, 0, 0, 6],
		[1, 0, 0, 5, 0],
		[1, 1, 0, 4, 0],
		[0, 3, 3, 0, 0],
		[1, 0, 0, 5, 0],
		[0, 2, 0, 3, 1],
		[0, 0, 5, 0, 1],
		[3, 0, 0, 1, 2],
		[5, 1, 0, 0, 0],
		[0, 2, 0, 4, 0],
		[1, 0, 2, 0, 3],
		[0, 0, 0, 0, 6],
		[0, 1, 0, 5, 0],
		[0, 2, 0, 1, 3],
		[2, 0, 0, 4, 0],
		[1, 0, 0, 4, 1],
		[0, 5, 0, 1, 0],
		[4, 0, 0, 0, 2],
		[0, 2, 0, 4, 0],
		[1, 0, 5, 0, 0],
		[0, 0, 0, 0, 6]
	];

	it('is .430 on Fleiss (1971) Table 1', () => {
		const r = fleissKappa(TABLE_1)!;
		expect(r.kappa).toBeCloseTo(0.43, 3);
		expect([r.n, r.raters]).toEqual([30, 6]);
	});

	it('with two raters a subject it is Scott-like: 2 of 2 agreeing on everything is 1', () => {
		expect(
			fleissKappa([
				[2, 0],
				[0, 2],
				[2, 0]
			])!.kappa
		).toBe(1);
		expect(
			fleissKappa([
				[2, 0],
				[1, 1]
			])
		).not.toBeNull();
		expect(
			fleissKappa([
				[2, 0],
				[3, 0]
			])
		).toBeNull();
	});
});
