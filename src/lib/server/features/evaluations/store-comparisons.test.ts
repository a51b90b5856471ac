import { describe, expect, it } from 'vitest';
import type { Comparison } from '$lib/features/evaluations/types';
import { adjustStoreComparisons } from './view';

const store = (label: string, p: number | null, diff: number, verdict: Comparison['verdict']): Comparison => ({
	label,
	n: 20,
	mean: 80 + diff,
	otherN: 60,
	otherMean: 80,
	diff,
	p,
	q: null,
	verdict,
	suppressed: false
});

describe('store comparisons on 绩效考核 are adjusted for multiple testing', () => {
	it('adjusts the p-values of the stores together (Benjamini-Hochberg) and rests the verdict on q', () => {
		// by hand, m = 4: sorted p .01 .03 .04 .20 → p·m/rank .04 .06 .0533 .20 → step-up minima .04 .0533 .0533 .20
		const out = adjustStoreComparisons([
			store('A', 0.01, 5, 'higher'),
			store('B', 0.04, -3, 'lower'),
			store('C', 0.03, 4, 'higher'),
			store('D', 0.2, 1, 'noise')
		]);
		expect(out.map((c) => c.q)).toEqual([0.04, expect.closeTo(0.16 / 3, 12), expect.closeTo(0.16 / 3, 12), 0.2]);
		// three stores have p < 0.05, only one stays different once the four tests are taken together
		expect(out.map((c) => c.verdict)).toEqual(['higher', 'noise', 'noise', 'noise']);
		expect(out.map((c) => c.p)).toEqual([0.01, 0.04, 0.03, 0.2]);
	});

	it('leaves a store with too few appraisals out of the family and without a verdict', () => {
		const out = adjustStoreComparisons([store('A', 0.01, -5, 'lower'), store('small', 0.001, 9, 'too_few')]);
		// m = 1: the small store's p does not count, so A's q is its p
		expect(out[0]).toMatchObject({ q: 0.01, verdict: 'lower' });
		expect(out[1]).toMatchObject({ q: null, verdict: 'too_few' });
	});
});
