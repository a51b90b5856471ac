import { describe, expect, it } from 'vitest';
import { incompleteDays, isComplete, lastCompleteDay, periodCoverage, rangeCoverage } from './coverage';
import { periodsOf } from './range';

describe('which periods the data fully covers', () => {
	it('marks the week the range cuts: 12-29…31 holds 3 of 7 days', () => {
		const range = { from: '2025-12-01', to: '2025-12-31' };
		const cov = periodCoverage(periodsOf(range, 'week'), 'week', range, { first: '2024-01-01', last: '2025-12-31' });
		expect(cov.at(-1)).toEqual({ period: '2025-12-29', days: 3, of: 7 });
		// the first week starts on Monday 12-01: whole
		expect(cov[0]).toEqual({ period: '2025-12-01', days: 7, of: 7 });
		expect(incompleteDays(cov)).toEqual([null, null, null, null, 3]);
	});
	it('marks the period the data ends inside: December with data through the 30th', () => {
		const range = { from: '2025-10-01', to: '2025-12-31' };
		const cov = periodCoverage(periodsOf(range, 'month'), 'month', range, { first: '2024-01-01', last: '2025-12-30' });
		expect(cov.map(isComplete)).toEqual([true, true, false]);
		expect(cov[2]).toEqual({ period: '2025-12-01', days: 30, of: 31 });
		expect(rangeCoverage(range, { first: '2024-01-01', last: '2025-12-30' })).toEqual({ period: '2025-10-01', days: 91, of: 92 });
	});
	it('a period the range cuts at its start is incomplete too', () => {
		const range = { from: '2025-01-15', to: '2025-03-31' };
		const cov = periodCoverage(periodsOf(range, 'month'), 'month', range, { first: '2025-01-01', last: '2025-03-31' });
		expect(cov.map((c) => c.days)).toEqual([17, 28, 31]);
	});
	it('a period past the data holds 0 days', () => {
		const range = { from: '2025-01-01', to: '2025-04-30' };
		expect(periodCoverage(['2025-04-01'], 'month', range, { first: '2025-01-01', last: '2025-03-31' })[0]).toEqual({
			period: '2025-04-01',
			days: 0,
			of: 30
		});
	});
	it('a period the data begins inside is incomplete: December and January against data from 01-01', () => {
		const data = { first: '2025-01-01', last: '2025-03-31' };
		expect(rangeCoverage({ from: '2024-12-01', to: '2025-01-31' }, data)).toEqual({ period: '2024-12-01', days: 31, of: 62 });
		expect(rangeCoverage({ from: '2025-02-01', to: '2025-03-31' }, data)).toEqual({ period: '2025-02-01', days: 59, of: 59 });
		// no data at all: nothing is covered
		expect(rangeCoverage({ from: '2025-02-01', to: '2025-03-31' }, null).days).toBe(0);
	});
	it('alerts stop at the last period the data fully covers', () => {
		expect(lastCompleteDay('2025-12-30', 'month')).toBe('2025-11-30');
		expect(lastCompleteDay('2025-12-31', 'month')).toBe('2025-12-31');
		expect(lastCompleteDay('2024-02-29', 'month')).toBe('2024-02-29');
		expect(lastCompleteDay('2025-12-31', 'week')).toBe('2025-12-28');
	});
});
