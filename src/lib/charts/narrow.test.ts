import { describe, expect, it } from 'vitest';
import { narrowOption } from './narrow';
import type { ChartOption } from './types';

const months = Array.from({ length: 24 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);

describe('narrowOption', () => {
	it('labels at most five periods of a long category axis', () => {
		const out = narrowOption({ xAxis: { type: 'category', data: months }, yAxis: { type: 'value' } }) as {
			xAxis: { axisLabel: { interval: number } };
		};
		const shown = months.filter((_, i) => i % (out.xAxis.axisLabel.interval + 1) === 0);
		expect(shown.length).toBeLessThanOrEqual(5);
		expect(shown.length).toBeGreaterThanOrEqual(4);
	});

	it('keeps a short axis and an axis whose builder asks for every label', () => {
		const short = { type: 'category', data: months.slice(0, 4) };
		const every = { type: 'category', data: months, axisLabel: { interval: 0 } };
		const out = narrowOption({ xAxis: [short, every] } as ChartOption) as { xAxis: unknown[] };
		expect(out.xAxis).toEqual([short, every]);
	});

	it('draws fewer grid lines on value axes, and leaves a category y axis (a ranking) whole', () => {
		const out = narrowOption({
			xAxis: { type: 'value' },
			yAxis: [{ type: 'category', data: months }, { type: 'value' }]
		} as ChartOption) as {
			xAxis: { splitNumber: number; axisLabel: { hideOverlap: boolean } };
			yAxis: Array<{ splitNumber?: number; axisLabel?: unknown }>;
		};
		expect(out.xAxis.splitNumber).toBe(3);
		expect(out.xAxis.axisLabel.hideOverlap).toBe(true);
		expect(out.yAxis[0]).toEqual({ type: 'category', data: months });
		expect(out.yAxis[1]!.splitNumber).toBe(3);
	});

	it('does not change the option it is given', () => {
		const option = { xAxis: { type: 'category', data: months }, yAxis: { type: 'value' } } as ChartOption;
		const copy = structuredClone(option);
		narrowOption(option);
		expect(option).toEqual(copy);
	});
});
