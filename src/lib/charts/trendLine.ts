import { axisTooltip, escapeHtml, incompleteTail } from './incomplete';
import type { MetricUnit } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import { emptyOption } from './empty';
import type { PeriodGrain } from '$lib/shared/dashboard/range';
import { formatValue, periodLabel } from '$lib/shared/format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';
import { axisBounds, clampToUnit } from './axis';

export interface TrendSeries {
	name: string;
	unit: MetricUnit;
	/** one value per period, null where there is none */
	values: readonly (number | null)[];
	/** bars instead of a line (counts under a rate) */
	kind?: 'line' | 'bar';
	/** a dashed line (the same period last year) */
	dashed?: boolean;
	/** a shaded band around the line, one lower and upper bound per period (the 95% margin of error) */
	band?: { name: string; lower: readonly (number | null)[]; upper: readonly (number | null)[] };
	/** the metric's target, drawn as a dashed line on the series' axis with its label */
	target?: { value: number; label: string };
}

export interface TrendData {
	/** first days of the periods, YYYY-MM-DD */
	periods: readonly string[];
	/** the periods' length; month when not given */
	grain?: PeriodGrain;
	series: readonly TrendSeries[];
	/**
	 * per period: the days the data covers when the period is incomplete (the range cuts it, or the data
	 * ends inside it), null when complete (see shared/dashboard/coverage.ts). Incomplete periods are drawn
	 * hollow and dashed (lines) or light (bars), and the tooltip says how many days they hold.
	 */
	incomplete?: readonly (number | null)[];
}

export interface TrendOptions {
	locale: UiLocale;
	emptyText: string;
	/** the tooltip's note on an incomplete period: "不完整：仅含 3 天" */
	incompleteText?: (days: number) => string;
	/** series of a second unit in a chart of their own under the first, sharing the x axis (no dual axis) */
	split?: boolean;
}

/** Index of the axis (and, when split, the grid) of each unit. */
const unitsOf = (data: TrendData) => [...new Set(data.series.map((s) => s.unit))].slice(0, 2);

/** Per axis: bounds from 0 when it has bars, with a minimum span for lines, within the unit's range (see axis.ts). */
function axisOf(data: TrendData, unit: MetricUnit, steps: number) {
	const on = data.series.filter((s) => s.unit === unit);
	const shown = on.flatMap((s) => [
		...s.values,
		...(s.band ? [...s.band.lower, ...s.band.upper] : []),
		...(s.target ? [s.target.value] : [])
	]);
	return axisBounds(
		shown,
		unit,
		on.some((s) => s.kind === 'bar') ? 'bar' : 'line',
		on.flatMap((s) => s.values),
		steps
	);
}

/**
 * Lines (or bars) over periods. A series whose unit differs from the first one's gets a second y axis
 * on the right (counts under a rate), or with `split` a chart of its own below sharing the x axis (CSAT
 * and NPS, whose scales must not appear to cross). Tooltips show each value formatted in its unit.
 * A band is drawn as two stacked, invisible-edged areas (lower bound, then the width up to the upper).
 */
export function trendLine(data: TrendData, options: TrendOptions, theme: ChartTheme): ChartOption {
	const hasValue = data.series.some((s) => s.values.some((v) => v !== null));
	if (data.periods.length === 0 || !hasValue) return emptyOption(options.emptyText, theme);
	const units = unitsOf(data);
	const split = !!options.split && units.length > 1;
	const indexOf = (unit: MetricUnit) => Math.max(0, units.indexOf(unit));
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	const incomplete = data.incomplete ?? [];
	const isIncomplete = (i: number) => typeof incomplete[i] === 'number';
	const labels = data.periods.map((p) => periodLabel(p, data.grain ?? 'month', options.locale));
	const top = data.series.length > 1 ? 36 : 16;
	const grid = split
		? [
				{ left: 12, right: 20, top, height: '32%', containLabel: true },
				{ left: 12, right: 20, bottom: 8, height: '32%', containLabel: true }
			]
		: { left: 12, right: units.length > 1 ? 12 : 20, top, bottom: 8, containLabel: true };
	const xAxis = (gridIndex: number, showLabels: boolean) => ({
		type: 'category' as const,
		gridIndex,
		boundaryGap: data.series.some((s) => s.kind === 'bar'),
		data: labels,
		axisLine: { lineStyle: { color: theme.axisLine } },
		axisTick: { show: false },
		axisLabel: { ...axisText, show: showLabels }
	});
	const byName = new Map(data.series.map((s) => [s.name, s]));
	return {
		color: [...theme.palette],
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid,
		legend: data.series.length > 1 ? { top: 0, left: 'center', textStyle: axisText, data: data.series.map((s) => s.name) } : undefined,
		...(split ? { axisPointer: { link: [{ xAxisIndex: 'all' as const }] } } : {}),
		tooltip: {
			trigger: 'axis',
			confine: true,
			// one line per series (the dashed tail of an incomplete period is the same series), and the note on an incomplete period
			formatter: axisTooltip(
				(name, v) => {
					const s = byName.get(name);
					return s ? `${escapeHtml(s.name)}：${formatValue(v, s.unit, options.locale)}` : null;
				},
				(index) => (isIncomplete(index) && options.incompleteText ? options.incompleteText(incomplete[index]!) : null)
			)
		},
		xAxis: split ? [xAxis(0, false), xAxis(1, true)] : xAxis(0, true),
		yAxis: units.map((unit, i) => {
			const bounds = axisOf(data, unit, split ? 3 : 5);
			return {
				type: 'value' as const,
				...(split ? { gridIndex: i } : {}),
				...(bounds ?? {}),
				axisLabel: { ...axisText, formatter: (v: number) => formatValue(v, unit, options.locale) },
				splitLine: { lineStyle: { color: theme.splitLine } }
			};
		}),
		series: data.series.flatMap((s, i) => {
			const color = theme.palette[i % theme.palette.length]!;
			const axis = { yAxisIndex: indexOf(s.unit), ...(split ? { xAxisIndex: indexOf(s.unit) } : {}) };
			const bar = s.kind === 'bar';
			const main = {
				type: (s.kind ?? 'line') as 'line',
				name: s.name,
				color,
				...axis,
				// a line stops before an incomplete period; its dashed tail below reaches it
				data: bar
					? s.values.map((v, k) =>
							isIncomplete(k)
								? { value: v, itemStyle: { color, opacity: 0.35, borderType: 'dashed' as const, borderColor: color, borderWidth: 1 } }
								: v
						)
					: s.values.map((v, k) => (isIncomplete(k) ? null : v)),
				// filled: a hollow point is an incomplete period
				symbol: 'circle',
				symbolSize: 6,
				connectNulls: false,
				...(bar
					? { barMaxWidth: 28, itemStyle: { color, opacity: 0.85 } }
					: { lineStyle: { width: 2, type: s.dashed ? ('dashed' as const) : ('solid' as const) } }),
				z: bar ? 1 : 3,
				...(s.target
					? {
							markLine: {
								silent: true,
								symbol: 'none',
								lineStyle: { color: theme.alert, type: 'dashed' as const },
								label: { formatter: s.target.label, color: theme.alert, position: 'insideEndTop' as const },
								data: [{ yAxis: s.target.value }]
							}
						}
					: {})
			};
			// incomplete periods of a line: hollow points joined to their complete neighbours by a dashed segment
			const tailData = incompleteTail(s.values, isIncomplete, 7);
			const tail =
				!bar && s.values.some((v, k) => v !== null && isIncomplete(k))
					? [
							{
								type: 'line' as const,
								name: s.name,
								color,
								...axis,
								data: tailData,
								showAllSymbol: true,
								connectNulls: false,
								itemStyle: { color, borderColor: color },
								lineStyle: { width: 2, type: 'dashed' as const, opacity: 0.7 },
								z: 3
							}
						]
					: [];
			if (!s.band) return [main, ...tail];
			const stack = `band-${i}`;
			const edge = { lineStyle: { opacity: 0 }, symbol: 'none', silent: true, tooltip: { show: false } };
			const lower = s.band.lower.map((v) => clampToUnit(v, s.unit));
			const upper = s.band.upper.map((v) => clampToUnit(v, s.unit));
			return [
				{ ...edge, type: 'line' as const, name: s.band.name, ...axis, stack, data: lower, areaStyle: { opacity: 0 } },
				{
					...edge,
					type: 'line' as const,
					name: s.band.name,
					...axis,
					stack,
					data: upper.map((u, k) => (u === null || lower[k] === null ? null : u - lower[k]!)),
					areaStyle: { color, opacity: 0.15 }
				},
				main,
				...tail
			];
		})
	};
}
