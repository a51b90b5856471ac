import type { MetricUnit } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import { emptyOption } from './empty';
import type { PeriodGrain } from '$lib/shared/dashboard/range';
import { formatValue, periodLabel } from '$lib/shared/format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

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
}

export interface TrendOptions {
	locale: UiLocale;
	emptyText: string;
}

/**
 * Lines (or bars) over periods. A series whose unit differs from the first one's gets a second y axis
 * on the right (CSAT % and NPS points on one chart). Tooltips show each value formatted in its unit.
 * A band is drawn as two stacked, invisible-edged areas (lower bound, then the width up to the upper).
 */
export function trendLine(data: TrendData, options: TrendOptions, theme: ChartTheme): ChartOption {
	const hasValue = data.series.some((s) => s.values.some((v) => v !== null));
	if (data.periods.length === 0 || !hasValue) return emptyOption(options.emptyText, theme);
	const units = [...new Set(data.series.map((s) => s.unit))].slice(0, 2);
	const axisOf = (unit: MetricUnit) => Math.max(0, units.indexOf(unit));
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	return {
		color: [...theme.palette],
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 12, right: units.length > 1 ? 12 : 20, top: data.series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
		legend: data.series.length > 1 ? { top: 0, left: 'center', textStyle: axisText, data: data.series.map((s) => s.name) } : undefined,
		tooltip: { trigger: 'axis', confine: true },
		xAxis: {
			type: 'category',
			boundaryGap: data.series.some((s) => s.kind === 'bar'),
			data: data.periods.map((p) => periodLabel(p, data.grain ?? 'month', options.locale)),
			axisLine: { lineStyle: { color: theme.axisLine } },
			axisTick: { show: false },
			axisLabel: axisText
		},
		yAxis: units.map((unit) => {
			// a target outside the data still shows: the axis stretches to it
			const targets = data.series.filter((x) => x.unit === unit && x.target).map((x) => x.target!.value);
			return {
				type: 'value' as const,
				scale: true,
				...(targets.length
					? { min: (v: { min: number }) => Math.min(v.min, ...targets), max: (v: { max: number }) => Math.max(v.max, ...targets) }
					: {}),
				axisLabel: { ...axisText, formatter: (v: number) => formatValue(v, unit, options.locale) },
				splitLine: { lineStyle: { color: theme.splitLine } }
			};
		}),
		series: data.series.flatMap((s, i) => {
			const fmt = (v: unknown) => formatValue(typeof v === 'number' ? v : null, s.unit, options.locale);
			const color = theme.palette[i % theme.palette.length]!;
			const main = {
				type: (s.kind ?? 'line') as 'line',
				name: s.name,
				color,
				yAxisIndex: axisOf(s.unit),
				data: [...s.values],
				symbolSize: 6,
				connectNulls: false,
				...(s.kind === 'bar'
					? { barMaxWidth: 28, itemStyle: { color, opacity: 0.85 } }
					: { lineStyle: { width: 2, type: s.dashed ? ('dashed' as const) : ('solid' as const) } }),
				z: s.kind === 'bar' ? 1 : 3,
				tooltip: { valueFormatter: fmt },
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
			if (!s.band) return [main];
			const stack = `band-${i}`;
			const edge = { lineStyle: { opacity: 0 }, symbol: 'none', silent: true, tooltip: { show: false } };
			return [
				{
					...edge,
					type: 'line' as const,
					name: s.band.name,
					yAxisIndex: axisOf(s.unit),
					stack,
					data: [...s.band.lower],
					areaStyle: { opacity: 0 }
				},
				{
					...edge,
					type: 'line' as const,
					name: s.band.name,
					yAxisIndex: axisOf(s.unit),
					stack,
					data: s.band.upper.map((u, k) => (u === null || s.band!.lower[k] === null ? null : u - s.band!.lower[k]!)),
					areaStyle: { color, opacity: 0.15 }
				},
				main
			];
		})
	};
}
