import { describe, expect, it } from 'vitest';
import { dashboardHref } from './links';

describe('dashboardHref: 在总览中查看 opens the dashboard on what the load holds', () => {
	it('carries the first and last day and every store of the batch', () => {
		const href = dashboardHref({
			kind: 'complaints',
			covers: { from: '2025-03-01', to: '2025-03-31', stores: ['南京新街口店', 'A&B 店'] }
		});
		const url = new URL(href, 'http://x');
		expect(url.pathname).toBe('/dashboard');
		expect(url.searchParams.get('from')).toBe('2025-03-01');
		expect(url.searchParams.get('to')).toBe('2025-03-31');
		expect(url.searchParams.getAll('store')).toEqual(['南京新街口店', 'A&B 店']);
	});

	it('without a range (nothing loaded) or for staff records: the dashboard as it opens', () => {
		expect(dashboardHref({ kind: 'surveys' })).toBe('/dashboard');
		expect(dashboardHref({ kind: 'staff', covers: { from: '2010-01-01', to: '2025-01-01', stores: ['A'] } })).toBe('/dashboard');
	});
});
