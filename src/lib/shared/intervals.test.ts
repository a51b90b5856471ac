import { describe, expect, it } from 'vitest';
import { npsInterval, wilsonInterval } from './intervals';

describe('Wilson score interval', () => {
	it('matches Newcombe (1998), Table I, method 3 (Statistics in Medicine 17:857-872)', () => {
		// Newcombe's worked examples: 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718
		const cases: [number, number, number, number][] = [
			[81, 263, 0.2553, 0.3662],
			[15, 148, 0.0624, 0.1605],
			[0, 20, 0, 0.1611],
			[1, 29, 0.0061, 0.1718]
		];
		for (const [k, n, low, high] of cases) {
			const ci = wilsonInterval(k, n)!;
			expect(ci.low).toBeCloseTo(low, 4);
			expect(ci.high).toBeCloseTo(high, 4);
		}
	});
	it('does not collapse at the edge: 10 of 10 satisfied is 72.2%–100%, not 100% ±0', () => {
		const ci = wilsonInterval(10, 10)!;
		expect(ci.high).toBe(1);
		expect(ci.low).toBeCloseTo(10 / (10 + 1.959963984540054 ** 2), 10); // n / (n + z²) at p = 1
		expect(ci.low * 100).toBeCloseTo(72.2, 1);
	});
	it('has no interval without answers or with impossible counts', () => {
		expect(wilsonInterval(0, 0)).toBeNull();
		expect(wilsonInterval(3, 2)).toBeNull();
	});
});

describe('NPS interval', () => {
	it('is value ± z·√((p₊+p₋−(p₊−p₋)²)/n)·100: 5 promoters, 3 detractors of 10 → 20 ± 54.03', () => {
		// √((0.5 + 0.3 − 0.2²)/10) = 0.275681; × 1.959964 × 100 = 54.0325
		const ci = npsInterval(5, 3, 10)!;
		expect(ci.low).toBeCloseTo(20 - 54.0325, 3);
		expect(ci.high).toBeCloseTo(20 + 54.0325, 3);
	});
	it('is clamped to ±100', () => {
		expect(npsInterval(9, 0, 10)!.high).toBe(100);
		expect(npsInterval(0, 9, 10)!.low).toBe(-100);
	});
});
