import { describe, expect, it } from 'vitest';
import { axisBounds } from './axis';

describe('value axes that do not exaggerate', () => {
	it('starts bars at 0 (the 投诉量 bars started at 5)', () => {
		expect(axisBounds([5, 9, 12], 'count', 'bar')).toEqual({ min: 0, max: 15, interval: 5 });
		expect(axisBounds([0, 0], 'count', 'bar')!.min).toBe(0);
	});
	it('gives a rate line at least ±10% of its mean: 0.96–1.02‰ does not fill the chart', () => {
		const b = axisBounds([0.96, 0.99, 1.02], 'permille', 'line')!;
		expect(b.min).toBeLessThanOrEqual(0.89);
		expect(b.max).toBeGreaterThanOrEqual(1.09);
		// the move (0.06) takes at most a third of the axis
		expect(0.06 / (b.max - b.min)).toBeLessThan(1 / 3);
	});
	it('uses the unit floor when ±10% of the mean is smaller (an NPS near 0)', () => {
		const b = axisBounds([1, 2], 'nps', 'line')!;
		expect(b.max - b.min).toBeGreaterThanOrEqual(10);
	});
	it('keeps axes within the unit: percentages 0–100%, NPS −100…100', () => {
		expect(axisBounds([97, 100, 99], 'percent', 'line')!.max).toBe(100);
		expect(axisBounds([72, 140], 'percent', 'line')!.max).toBe(100);
		const nps = axisBounds([-98, 100], 'nps', 'line')!;
		expect([nps.min, nps.max]).toEqual([-100, 100]);
		expect(axisBounds([0.1, 0.2], 'percent', 'line')!.min).toBe(0);
	});
	it('lets a wide spread set its own axis, rounded to a nice step', () => {
		expect(axisBounds([40, 90], 'percent', 'line')).toEqual({ min: 40, max: 90, interval: 10 });
	});
	it('shows nothing without values', () => {
		expect(axisBounds([null], 'percent', 'line')).toBeNull();
	});
});
