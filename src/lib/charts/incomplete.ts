/**
 * How every chart draws a period the data does not fully cover (the rule is shared/dashboard/coverage.ts):
 * the solid line stops before it, a dashed tail of the same series reaches it as a hollow point, and the
 * axis tooltip carries the note "不完整：仅含 N 天".
 */

/** The dashed tail's data: hollow points at incomplete periods, their complete neighbours as the segments' other ends. */
export function incompleteTail(values: readonly (number | null)[], isIncomplete: (i: number) => boolean, symbolSize: number) {
	return values.map((v, k) =>
		isIncomplete(k)
			? { value: v, symbol: 'emptyCircle', symbolSize }
			: isIncomplete(k - 1) || isIncomplete(k + 1)
				? { value: v, symbol: 'none' }
				: null
	);
}

export const escapeHtml = (t: string) => t.replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`);

interface AxisItem {
	seriesName: string;
	marker: string;
	value: unknown;
	dataIndex: number;
	axisValueLabel: string;
}

const valueOf = (v: unknown): number | null =>
	typeof v === 'number' ? v : typeof (v as { value?: unknown } | null)?.value === 'number' ? (v as { value: number }).value : null;

/**
 * An axis tooltip: the period, one line per series name (a dashed tail is the same series as its line:
 * its value replaces the line's empty one) as `line` writes it (null: left out), then the period's note.
 */
export function axisTooltip(line: (seriesName: string, value: number | null) => string | null, note: (index: number) => string | null) {
	return (params: unknown): string => {
		const items = (Array.isArray(params) ? params : [params]) as AxisItem[];
		// in the order the series first appear, the tail's value in its line's place
		const seen = new Map<string, string | null>();
		for (const p of items) {
			const v = valueOf(p.value);
			if (seen.get(p.seriesName) != null && v === null) continue;
			const text = line(p.seriesName, v);
			seen.set(p.seriesName, text === null ? null : `${p.marker}${text}`);
		}
		const lines = [...seen.values()].filter((t): t is string => t !== null);
		const n = note(items[0]?.dataIndex ?? -1);
		return [escapeHtml(items[0]?.axisValueLabel ?? ''), ...lines, ...(n ? [`<em>${escapeHtml(n)}</em>`] : [])].join('<br/>');
	};
}
