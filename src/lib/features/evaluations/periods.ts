/** The appraisal cycles (月度、季度、年度) and their periods: '2025-01', '2025-Q1', '2025'. */

export const CYCLES = ['month', 'quarter', 'year'] as const;
export type Cycle = (typeof CYCLES)[number];

export const isPeriodOf = (cycle: Cycle, p: string): boolean =>
	cycle === 'month' ? /^\d{4}-(0[1-9]|1[0-2])$/u.test(p) : cycle === 'quarter' ? /^\d{4}-Q[1-4]$/u.test(p) : /^\d{4}$/u.test(p);

export const cycleOf = (p: string): Cycle | null =>
	isPeriodOf('month', p) ? 'month' : isPeriodOf('quarter', p) ? 'quarter' : isPeriodOf('year', p) ? 'year' : null;

/** The months ('YYYY-MM') a period covers. */
export function monthsOf(period: string): string[] {
	const y = period.slice(0, 4);
	const cycle = cycleOf(period);
	if (cycle === 'month') return [period];
	const first = cycle === 'quarter' ? (Number(period.slice(6)) - 1) * 3 + 1 : 1;
	const count = cycle === 'quarter' ? 3 : 12;
	return Array.from({ length: count }, (_, i) => `${y}-${String(first + i).padStart(2, '0')}`);
}

/** The period of a cycle a month belongs to. */
export function periodOfMonth(cycle: Cycle, month: string): string {
	if (cycle === 'month') return month;
	if (cycle === 'year') return month.slice(0, 4);
	return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The period before (2025-01 → 2024-12, 2025-Q1 → 2024-Q4, 2025 → 2024). */
export function previousPeriod(period: string): string {
	const y = Number(period.slice(0, 4));
	switch (cycleOf(period)) {
		case 'month': {
			const m = Number(period.slice(5, 7));
			return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
		}
		case 'quarter': {
			const q = Number(period.slice(6));
			return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
		}
		default:
			return String(y - 1);
	}
}
