import { describe as group, expect, it } from 'vitest';
import { describe, reviewerLeniency, tTwoSidedP, verdict, welch } from './leniency';

group('sample description', () => {
	it('computes mean and n−1 variance', () => {
		// [1,2,3,4,5]: mean 3; squared deviations 4+1+0+1+4 = 10; 10 / 4 = 2.5
		expect(describe([1, 2, 3, 4, 5])).toEqual({ n: 5, mean: 3, variance: 2.5 });
		expect(describe([7]).variance).toBeNaN();
	});
});

group("Student's t two-sided p", () => {
	it('matches closed forms', () => {
		// df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1 − 2·atan(1)/π = 0.5
		expect(tTwoSidedP(1, 1)).toBeCloseTo(0.5, 10);
		// df = 2: P(|T| ≥ t) = 1 − t/√(2 + t²); t = 2 → 1 − 2/√6 = 0.1835034
		expect(tTwoSidedP(2, 2)).toBeCloseTo(1 - 2 / Math.sqrt(6), 8);
		// t = 0 is the centre: p = 1
		expect(tTwoSidedP(0, 8)).toBeCloseTo(1, 10);
	});
	it('matches the printed table: t(0.975, 8) = 2.306 gives p = 0.05', () => {
		expect(tTwoSidedP(2.306004, 8)).toBeCloseTo(0.05, 5);
	});
});

group("Welch's t-test", () => {
	it('equal variances, equal n: t = −5, df = 8', () => {
		// a = 1..5 (mean 3, var 2.5), b = 6..10 (mean 8, var 2.5)
		// se² = 2.5/5 + 2.5/5 = 1 → t = (3 − 8)/1 = −5; df = 1² / (0.5²/4 + 0.5²/4) = 1/0.125 = 8
		const r = welch(describe([1, 2, 3, 4, 5]), describe([6, 7, 8, 9, 10]))!;
		expect(r.diff).toBe(-5);
		expect(r.t).toBeCloseTo(-5, 10);
		expect(r.df).toBeCloseTo(8, 10);
		expect(r.p).toBeLessThan(0.01);
		expect(r.p).toBeCloseTo(0.00105, 5);
	});
	it('unequal variances and n: the Welch–Satterthwaite df', () => {
		// a = 1..5 (n 5, mean 3, var 2.5), b = 2,4,6 (n 3, mean 4, var (4+0+4)/2 = 4)
		// va = 2.5/5 = 0.5, vb = 4/3; se² = 11/6 = 1.83333; t = −1/√1.83333 = −0.738549
		// df = (11/6)² / (0.5²/4 + (4/3)²/2) = 3.361111 / 0.951389 = 3.532847
		const r = welch(describe([1, 2, 3, 4, 5]), describe([2, 4, 6]))!;
		expect(r.t).toBeCloseTo(-0.738549, 5);
		expect(r.df).toBeCloseTo(3.532847, 5);
		expect(r.p).toBeGreaterThan(0.05);
	});
	it('needs two values on each side', () => {
		expect(welch(describe([1]), describe([1, 2, 3]))).toBeNull();
	});
});

group('verdicts', () => {
	it('gives no verdict under the minimum n, however large the gap', () => {
		const small = describe([99, 98, 99, 100]);
		const big = describe(Array.from({ length: 100 }, (_, i) => 70 + (i % 5)));
		expect(verdict(small, big, 30).verdict).toBe('too_few');
		expect(verdict(big, describe(Array.from({ length: 40 }, (_, i) => 90 + (i % 5))), 30).verdict).toBe('lower');
	});
	it('calls a difference within noise "noise"', () => {
		const a = describe(Array.from({ length: 40 }, (_, i) => 80 + (i % 7)));
		const b = describe(Array.from({ length: 40 }, (_, i) => 80 + ((i + 3) % 7)));
		expect(verdict(a, b, 30).verdict).toBe('noise');
	});
	it('flags a lenient reviewer and leaves the small one without verdict', () => {
		const rows = [
			...Array.from({ length: 40 }, (_, i) => ({ reviewer: '宽松', total: 90 + (i % 5), grade: 'A' })),
			...Array.from({ length: 60 }, (_, i) => ({ reviewer: '常规', total: 80 + (i % 5), grade: 'B' })),
			...Array.from({ length: 10 }, () => ({ reviewer: '少量', total: 99, grade: 'A' }))
		];
		const by = new Map(reviewerLeniency(rows, 30).map((r) => [r.reviewer, r]));
		expect(by.get('宽松')!.verdict).toBe('higher');
		expect(by.get('常规')!.verdict).toBe('lower');
		expect(by.get('少量')!.verdict).toBe('too_few');
		expect(by.get('少量')!.n).toBe(10);
	});
});
