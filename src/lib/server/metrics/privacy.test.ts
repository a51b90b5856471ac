import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MIN_GROUP_SIZE, suppressedGroups } from '$lib/shared/auth/privacy';
import { compileMetric, MetricRequestError } from '$lib/server/metrics/compile';

describe('suppressedGroups: the minimum group size with secondary suppression', () => {
	it.each([
		[
			[6, 5, 1],
			[false, true, true]
		], // 1 hidden: the smallest shown (5) goes too
		[
			[6, 6],
			[false, false]
		],
		[[4], [true]],
		[
			[2, 2],
			[true, true]
		], // total under 5: everything
		[
			[5, 5, 5, 4],
			[true, false, false, true]
		], // of equal groups, the first
		[
			[9, 3, 3],
			[false, true, true]
		], // 3 + 3 hidden is enough
		[[], []]
	])('%j → %j', (sizes, hidden) => {
		expect(suppressedGroups(sizes)).toEqual(hidden);
	});

	it('never leaves the hidden people (total minus the groups shown) between 1 and 4 (nothing is shown under 5 in all), and never shows a group under 5', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 8 }), (sizes) => {
				const hidden = suppressedGroups(sizes);
				const total = sizes.reduce((a, b) => a + b, 0);
				const shown = sizes.reduce((a, n, i) => a + (hidden[i] ? 0 : n), 0);
				expect(sizes.every((n, i) => n >= MIN_GROUP_SIZE || hidden[i])).toBe(true);
				const rest = total - shown;
				if (total < MIN_GROUP_SIZE) expect(hidden.every(Boolean)).toBe(true);
				else expect(rest === 0 || rest >= MIN_GROUP_SIZE).toBe(true);
			})
		);
	});
});

describe('metric requests of roles without individual scores', () => {
	const base = { from: '2025-01-01', to: '2025-01-31', grain: 'all', scope: null, minGroupStaff: 5 };
	it('refuses by=staff', () => {
		expect(() => compileMetric({ ...base, metric: 'csat', by: 'staff' })).toThrow(MetricRequestError);
		expect(() => compileMetric({ ...base, metric: 'csat', by: 'staff' })).toThrow(/scorecards/u);
		expect(() => compileMetric({ ...base, minGroupStaff: undefined, metric: 'csat', by: 'staff' })).not.toThrow();
	});
	it('counts the distinct staff of each group of staff scores, and marks a grade distribution as one', () => {
		const q = compileMetric({ ...base, metric: 'appraisal_mean', by: 'department' });
		expect(q.sql).toContain('count(DISTINCT staff_id) AS staff_n');
		expect(q.suppression).toEqual({ min: 5, attribute: false });
		expect(compileMetric({ ...base, metric: 'appraisal_count', by: 'grade' }).suppression).toEqual({ min: 5, attribute: true });
		expect(compileMetric({ ...base, metric: 'csat', by: 'store' }).suppression).toBeUndefined();
	});
});
