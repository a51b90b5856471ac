import { describe, expect, it } from 'vitest';
import { formatCount, formatDistinct, formatSigned, formatValue } from './format';

describe('formatCount', () => {
	it('groups thousands in both locales', () => {
		expect(formatCount(1234567, 'zh-CN')).toBe('1,234,567');
		expect(formatCount(1234567, 'en')).toBe('1,234,567');
	});

	it('leaves small counts and zero alone', () => {
		expect(formatCount(0, 'zh-CN')).toBe('0');
		expect(formatCount(300, 'en')).toBe('300');
	});
});

describe('formatDistinct', () => {
	it('adds decimals until two different values no longer read equal, and no more', () => {
		expect(formatDistinct(0.7212, 0.7243, 'permille', 'zh-CN')).toEqual(['0.721‰', '0.724‰']);
		expect(formatDistinct(0.72, 1.69, 'permille', 'zh-CN')).toEqual(['0.72‰', '1.69‰']);
		expect(formatDistinct(86.04, 86.041, 'percent', 'en')).toEqual(['86.040%', '86.041%']);
		// equal values stay at the unit's usual decimals
		expect(formatDistinct(1, 1, 'permille', 'en')).toEqual(['1.00‰', '1.00‰']);
	});
});

describe('values that round to zero', () => {
	it('never write "-0.00‰"', () => {
		expect(formatValue(-0.0001, 'permille', 'zh-CN')).toBe('0.00‰');
		expect(formatValue(-0.04, 'percent', 'en')).toBe('0.0%');
		expect(formatValue(-1.5, 'nps', 'en')).toBe('-1.5');
	});
	it('a signed difference carries its sign, except when it rounds to zero ("+0.00‰" and "-0.00‰" never)', () => {
		expect(formatSigned(0.0312, 'permille', 'zh-CN')).toBe('+0.03‰');
		expect(formatSigned(-0.0312, 'permille', 'zh-CN')).toBe('-0.03‰');
		expect(formatSigned(0.001, 'permille', 'zh-CN')).toBe('0.00‰');
		expect(formatSigned(-0.001, 'permille', 'zh-CN')).toBe('0.00‰');
		expect(formatSigned(null, 'permille', 'zh-CN')).toBe('—');
	});
});
