import { describe, expect, it } from 'vitest';
import {
	comparisonOf,
	defaultRange,
	lastYearRange,
	periodOfDay,
	periodsOf,
	presetOf,
	presetRange,
	previousRange,
	rangeFromParams
} from './range';

describe('dashboard date ranges', () => {
	it('anchors presets on the last day with data', () => {
		expect(presetRange('this_month', '2025-03-31')).toEqual({ from: '2025-03-01', to: '2025-03-31' });
		expect(presetRange('last_month', '2025-03-31')).toEqual({ from: '2025-02-01', to: '2025-02-28' });
		expect(presetRange('this_quarter', '2025-02-10')).toEqual({ from: '2025-01-01', to: '2025-03-31' });
		expect(presetRange('last_12_months', '2025-03-31')).toEqual({ from: '2024-04-01', to: '2025-03-31' });
		expect(presetRange('last_month', '2025-01-15')).toEqual({ from: '2024-12-01', to: '2024-12-31' });
	});

	it('defaults to the last quarter the data fully covers', () => {
		expect(defaultRange('2025-03-31')).toEqual({ from: '2025-01-01', to: '2025-03-31' });
		// data ending on the 30th leaves the quarter one day short: incomplete, so the quarter before
		expect(defaultRange('2025-03-30')).toEqual({ from: '2024-10-01', to: '2024-12-31' });
		expect(defaultRange('2025-12-30')).toEqual({ from: '2025-07-01', to: '2025-09-30' });
		expect(defaultRange('2025-12-31')).toEqual({ from: '2025-10-01', to: '2025-12-31' });
		expect(defaultRange('2025-02-28')).toEqual({ from: '2024-10-01', to: '2024-12-31' });
		expect(defaultRange('2025-01-05')).toEqual({ from: '2024-10-01', to: '2024-12-31' });
	});

	it('names the preset a range equals', () => {
		expect(presetOf({ from: '2025-01-01', to: '2025-03-31' }, '2025-03-31')).toBe('this_quarter');
		expect(presetOf({ from: '2025-01-02', to: '2025-03-31' }, '2025-03-31')).toBe('custom');
	});

	it('compares calendar-aligned windows: whole months with whole months, other ranges with the same days before', () => {
		// 本季度 vs 上季度 (not the 90 days 2024-10-03 … 12-31)
		expect(comparisonOf({ from: '2025-01-01', to: '2025-03-31' })).toEqual({
			kind: 'quarter',
			length: 3,
			range: { from: '2024-10-01', to: '2024-12-31' }
		});
		// 本月 vs 上月: March against all of February, February against all of January (not 01-04 … 01-31)
		expect(previousRange({ from: '2025-03-01', to: '2025-03-31' })).toEqual({ from: '2025-02-01', to: '2025-02-28' });
		expect(comparisonOf({ from: '2025-02-01', to: '2025-02-28' })).toEqual({
			kind: 'month',
			length: 1,
			range: { from: '2025-01-01', to: '2025-01-31' }
		});
		// 近12个月 vs the 12 months before
		expect(comparisonOf({ from: '2024-04-01', to: '2025-03-31' })).toEqual({
			kind: 'months',
			length: 12,
			range: { from: '2023-04-01', to: '2024-03-31' }
		});
		// three whole months that are not a calendar quarter
		expect(comparisonOf({ from: '2025-02-01', to: '2025-04-30' }).kind).toBe('months');
		// a custom range: the same number of days just before
		expect(comparisonOf({ from: '2025-03-10', to: '2025-03-16' })).toEqual({
			kind: 'days',
			length: 7,
			range: { from: '2025-03-03', to: '2025-03-09' }
		});
	});

	it('reads from/to from the URL and ignores invalid or reversed ones', () => {
		const anchor = '2025-03-31';
		expect(rangeFromParams(new URLSearchParams('from=2025-02-01&to=2025-02-28'), anchor)).toEqual({ from: '2025-02-01', to: '2025-02-28' });
		expect(rangeFromParams(new URLSearchParams('from=2025-02-30&to=2025-03-01'), anchor)).toEqual({ from: '2025-01-01', to: '2025-03-31' });
		expect(rangeFromParams(new URLSearchParams('from=2025-03-01&to=2025-02-01'), anchor)).toEqual({ from: '2025-01-01', to: '2025-03-31' });
		expect(rangeFromParams(new URLSearchParams(''), anchor)).toEqual({ from: '2025-01-01', to: '2025-03-31' });
	});
});

describe('periods and last year', () => {
	it('lists every period a range touches, by its first day (ISO weeks from Monday)', () => {
		expect(periodsOf({ from: '2024-11-15', to: '2025-02-03' }, 'month')).toEqual(['2024-11-01', '2024-12-01', '2025-01-01', '2025-02-01']);
		expect(periodsOf({ from: '2025-01-01', to: '2025-01-14' }, 'week')).toEqual(['2024-12-30', '2025-01-06', '2025-01-13']);
		expect(periodsOf({ from: '2024-12-30', to: '2025-01-01' }, 'day')).toEqual(['2024-12-30', '2024-12-31', '2025-01-01']);
		expect(periodsOf({ from: '2024-02-10', to: '2024-10-01' }, 'quarter')).toEqual([
			'2024-01-01',
			'2024-04-01',
			'2024-07-01',
			'2024-10-01'
		]);
		expect(periodsOf({ from: '2023-06-01', to: '2024-01-01' }, 'year')).toEqual(['2023-01-01', '2024-01-01']);
	});

	it('moves a range back one year; 29 February becomes 28 February', () => {
		expect(lastYearRange({ from: '2025-01-01', to: '2025-03-31' })).toEqual({ from: '2024-01-01', to: '2024-03-31' });
		expect(lastYearRange({ from: '2024-02-01', to: '2024-02-29' })).toEqual({ from: '2023-02-01', to: '2023-02-28' });
	});
});

describe('the month or week of a day', () => {
	it('gives the calendar month and the ISO week (Monday to Sunday), across a year and a leap day', () => {
		expect(periodOfDay('2024-02-10', 'month')).toEqual({ first: '2024-02-01', last: '2024-02-29' });
		expect(periodOfDay('2025-12-31', 'month')).toEqual({ first: '2025-12-01', last: '2025-12-31' });
		// 2025-01-01 is a Wednesday: its week began on Monday 2024-12-30
		expect(periodOfDay('2025-01-01', 'week')).toEqual({ first: '2024-12-30', last: '2025-01-05' });
		expect(periodOfDay('2025-01-05', 'week')).toEqual({ first: '2024-12-30', last: '2025-01-05' });
		expect(periodOfDay('2025-01-06', 'week')).toEqual({ first: '2025-01-06', last: '2025-01-12' });
	});
});
