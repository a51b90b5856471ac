import { describe, expect, it } from 'vitest';
import { coverage, plannedP, sampleSize } from './sampling';

describe('inspections needed per agent and month: n = z²·p(1−p)/E², rounded up', () => {
	it('±10 points at 95% with p = 0.5: 1.96² · 0.25 / 0.01 = 96.04 → 97', () => {
		expect(sampleSize(0.5, 0.1)).toBe(97);
	});

	it('follows the formula for other margins and pass rates', () => {
		const z = 1.959963984540054;
		for (const [p, e] of [
			[0.5, 0.05],
			[0.8, 0.1],
			[0.9, 0.15],
			[0.7, 0.2]
		] as const) {
			expect(sampleSize(p, e), `${p} ±${e}`).toBe(Math.ceil((z * z * p * (1 - p)) / (e * e)));
		}
		// worked by hand: 0.8 · 0.2 · 3.8415 / 0.01 = 61.46 → 62; 0.5 at ±5: 384.15 → 385
		expect(sampleSize(0.8, 0.1)).toBe(62);
		expect(sampleSize(0.5, 0.05)).toBe(385);
	});

	it('never plans on zero variance: a history of 100% passes is taken as 95%', () => {
		expect(sampleSize(1, 0.1)).toBe(sampleSize(0.95, 0.1));
		expect(() => sampleSize(0.5, 0)).toThrow(RangeError);
	});

	it('takes p from a history of at least 20 inspections, else 0.5', () => {
		expect(plannedP({ passed: 18, n: 20 })).toEqual({ p: 0.9, fromHistory: true });
		expect(plannedP({ passed: 19, n: 19 })).toEqual({ p: 0.5, fromHistory: false });
		expect(plannedP(null)).toEqual({ p: 0.5, fromHistory: false });
	});

	it('lists the least covered agents first, with what is missing', () => {
		const rows = coverage(
			[
				{ staffId: 'S1', store: 'A', done: 50, history: null },
				{ staffId: 'S2', store: 'A', done: 10, history: { passed: 40, n: 50 } },
				{ staffId: 'S3', store: 'B', done: 120, history: null }
			],
			10
		);
		expect(rows.map((r) => [r.staffId, r.required, r.missing])).toEqual([
			['S2', 62, 52],
			['S1', 97, 47],
			['S3', 97, 0]
		]);
	});
});
