import { describe, expect, it } from 'vitest';
import { round2 } from './scoring';
import { exportP, fmtP } from './labels';

describe('round2', () => {
	it('rounds halves up as written: the mean of 60 and 60.23 is 60.12', () => {
		expect(round2((60 + 60.23) / 2)).toBe(60.12);
		expect(round2(1.005)).toBe(1.01);
		expect(round2(2.675)).toBe(2.68);
		expect(round2(80.125)).toBe(80.13);
	});
	it('rounds negative halves away from zero, and leaves other values to the nearest', () => {
		expect(round2(-60.115)).toBe(-60.12);
		expect(round2(-0.001)).toBe(-0);
		expect(round2(85.333333)).toBe(85.33);
		expect(round2(0)).toBe(0);
		expect(round2(1e-7)).toBe(0);
		expect(round2(123456.789)).toBe(123456.79);
	});
});

describe('p-values', () => {
	it('write a p-value past double precision as "< 1e-16", never 0', () => {
		expect(exportP(0)).toBe('< 1e-16');
		expect(exportP(3e-17)).toBe('< 1e-16');
		expect(exportP(0.0432)).toBe(0.0432);
		expect(exportP(null)).toBeNull();
		expect(fmtP(0)).toBe('< 0.001');
	});
});
