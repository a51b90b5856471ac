import { describe, expect, it } from 'vitest';
import { computeChart, type SpcResult } from './spc';
import { byAttention, directedVerdict } from './direction';

// 12 steady months, then a clear jump up or down (rule 1 fires on the last point)
const steady = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9];
const chartOf = (last: number): SpcResult =>
	computeChart({
		kind: 'xmr',
		periods: steady.map((_, i) => `p${i}`).concat('p12'),
		values: [...steady, last],
		n: Array(13).fill(1),
		scale: 1
	});

describe('verdicts read with the metric’s direction', () => {
	it('calls a jump to the good side 改善 and a jump to the bad side a signal', () => {
		const up = chartOf(30);
		const down = chartOf(-10);
		expect(up.verdict).toBe('signal');
		expect(directedVerdict(up, 'higher')).toBe('improved');
		expect(directedVerdict(up, 'lower')).toBe('signal');
		expect(directedVerdict(down, 'higher')).toBe('signal');
		expect(directedVerdict(down, 'lower')).toBe('improved');
		expect(directedVerdict(chartOf(10), 'lower')).toBe('in_control');
	});

	it('orders the stores worst first, the chain first of all, an improving store after a worsening one', () => {
		const charts = [
			{ store: null, chart: chartOf(10) },
			{ store: 'A', chart: chartOf(10) },
			{ store: 'B', chart: chartOf(-10) },
			{ store: 'C', chart: chartOf(30) }
		];
		// lower is better: C jumped up (bad), B down (good), A steady
		expect(byAttention(charts, 'lower').map((c) => c.store)).toEqual([null, 'C', 'A', 'B']);
		expect(byAttention(charts, 'higher').map((c) => c.store)).toEqual([null, 'B', 'A', 'C']);
	});
});
