import type { UploadSummary } from './types';

/** 总览 on what a committed load holds: its days and stores (staff records have no period on the dashboard). */
export function dashboardHref(s: Pick<UploadSummary, 'kind' | 'covers'>): string {
	if (!s.covers || s.kind === 'staff') return '/dashboard';
	const q = new URLSearchParams({ from: s.covers.from, to: s.covers.to });
	for (const store of s.covers.stores) q.append('store', store);
	return `/dashboard?${q.toString()}`;
}
