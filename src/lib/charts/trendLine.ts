import type { MetricUnit } from '$lib/dashboard/types';
import type { UiLocale } from '$lib/ui/types';
import { emptyOption } from './empty';
import { formatValue, monthLabel } from './format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface TrendSeries {
	name: string;
	unit: MetricUnit;
	/** one value per period, null where there is none */
	values: readonly (number | null)[];
}

export interface TrendData {
	/** first days of the months, YYYY-MM-DD */
	periods: readonly string[];
	series: readonly TrendSeries[];
}

export interface TrendOptions {
	locale: UiLocale;
	emptyText: string;
}

/**
 * Lines over months. A series whose unit differs from the first one's gets a second y axis on the
 * right (CSAT % and NPS points on one chart). Tooltips show each value formatted in its unit.
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
			boundaryGap: false,
			data: data.periods.map((p) => monthLabel(p, options.locale)),
			axisLine: { lineStyle: { color: theme.axisLine } },
			axisTick: { show: false },
			axisLabel: axisText
		},
		yAxis: units.map((unit) => ({
			type: 'value' as const,
			scale: true,
			axisLabel: { ...axisText, formatter: (v: number) => formatValue(v, unit, options.locale) },
			splitLine: { lineStyle: { color: theme.splitLine } }
		})),
		series: data.series.map((s) => ({
			type: 'line' as const,
			name: s.name,
			yAxisIndex: axisOf(s.unit),
			data: [...s.values],
			symbolSize: 6,
			connectNulls: false,
			lineStyle: { width: 2 },
			tooltip: { valueFormatter: (v) => formatValue(typeof v === 'number' ? v : null, s.unit, options.locale) }
		}))
	};
}
