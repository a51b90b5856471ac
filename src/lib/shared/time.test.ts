import { describe, expect, it } from 'vitest';
import { dayIn, daysBetween, formatTimestamp, zoneOffsetLabel } from '$lib/shared/time';

// 2025-12-30 17:05:09 UTC: already the 31st in Shanghai, still the 30th in New York
const AT = Date.UTC(2025, 11, 30, 17, 5, 9);

describe('one formatter for every timestamp', () => {
	it('writes an instant as 24-hour YYYY-MM-DD HH:mm in the configured zone', () => {
		expect(formatTimestamp(AT, { tz: 'Asia/Shanghai' })).toBe('2025-12-31 01:05');
		expect(formatTimestamp(AT, { tz: 'America/New_York' })).toBe('2025-12-30 12:05');
		expect(formatTimestamp(AT, { tz: 'UTC' })).toBe('2025-12-30 17:05');
	});

	it('takes epoch ms as a number, a bigint (DuckDB) or a Date, with seconds when asked', () => {
		expect(formatTimestamp(BigInt(AT), { tz: 'Asia/Shanghai' })).toBe('2025-12-31 01:05');
		expect(formatTimestamp(new Date(AT), { tz: 'Asia/Shanghai', seconds: true })).toBe('2025-12-31 01:05:09');
		expect(formatTimestamp(null, { tz: 'Asia/Shanghai' })).toBe('—');
	});

	it('writes midnight as 00, not 24, and does not depend on the process zone', () => {
		expect(formatTimestamp(Date.UTC(2025, 0, 1, 16, 0), { tz: 'Asia/Shanghai' })).toBe('2025-01-02 00:00');
	});

	it('names the day and the offset in the zone', () => {
		expect(dayIn(AT, 'Asia/Shanghai')).toBe('2025-12-31');
		expect(dayIn(AT, 'America/New_York')).toBe('2025-12-30');
		expect(zoneOffsetLabel('Asia/Shanghai', AT)).toBe('UTC+8');
		expect(zoneOffsetLabel('America/New_York', AT)).toBe('UTC−5');
		expect(zoneOffsetLabel('Asia/Kolkata', AT)).toBe('UTC+5:30');
		expect(zoneOffsetLabel('UTC', AT)).toBe('UTC');
	});

	it('counts whole days between two dates', () => {
		expect(daysBetween('2025-12-30', '2026-01-02')).toBe(3);
		expect(daysBetween('2026-01-02', '2025-12-30')).toBe(-3);
	});
});
