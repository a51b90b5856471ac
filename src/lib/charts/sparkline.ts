import type { MetricUnit, MonthPoint } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import { formatValue, monthLabel } from '$lib/shared/format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface SparklineOptions {
	locale: UiLocale;
	unit: MetricUnit;
	name: string;
}

/** A small line of a KPI by month: no axes or grid lines, a tooltip with the month and formatted value. Empty data draws nothing. */
export function sparkline(points: readonly MonthPoint[], options: SparklineOptions, theme: ChartTheme): ChartOption {
	const hasValue = points.some((p) => p.value !== null);
	return {
		color: [theme.palette[0]!],
		grid: { left: 4, right: 4, top: 4, bottom: 4 },
		tooltip: { trigger: 'axis', confine: true, axisPointer: { type: 'line', lineStyle: { color: theme.axisLine } } },
		xAxis: { type: 'category', show: false, boundaryGap: false, data: points.map((p) => monthLabel(p.period, options.locale)) },
		yAxis: { type: 'value', show: false, scale: true },
		series: hasValue
			? [
					{
						type: 'line',
						name: options.name,
						data: points.map((p) => p.value),
						symbol: 'circle',
						symbolSize: 4,
						showSymbol: points.length <= 1,
						lineStyle: { width: 1.5 },
						areaStyle: { opacity: 0.08 },
						tooltip: { valueFormatter: (v) => formatValue(typeof v === 'number' ? v : null, options.unit, options.locale) }
					}
				]
			: []
	};
}
