import { describe, expect, it } from 'vitest';
import { formatCount, formatValue } from './format';

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

describe('values that round to zero', () => {
	it('never write "-0.00‰"', () => {
		expect(formatValue(-0.0001, 'permille', 'zh-CN')).toBe('0.00‰');
		expect(formatValue(-0.04, 'percent', 'en')).toBe('0.0%');
		expect(formatValue(-1.5, 'nps', 'en')).toBe('-1.5');
	});
});
