import { describe, expect, it } from 'vitest';
import { reportParams } from './report-params';

const TODAY = '2026-01-15';
const q = (s: string) => new URLSearchParams(s);

describe('reportParams', () => {
	it('takes the month picker’s month as its first day', () => {
		expect(reportParams(q('kind=month&month=2025-11'), '2025-12-30', TODAY)).toEqual({ grain: 'month', at: '2025-11-01' });
	});

	it('prefers an explicit day, and falls back to the anchor for a malformed month', () => {
		expect(reportParams(q('kind=week&at=2025-10-08&month=2025-11'), '2025-12-30', TODAY)).toEqual({ grain: 'week', at: '2025-10-08' });
		expect(reportParams(q('month=2025-13'), '2025-12-30', TODAY).at).toBe('2025-12-30');
		expect(reportParams(q('month=2025-1'), '2025-12-30', TODAY).at).toBe('2025-12-30');
	});
});
