import { incompleteTail } from './incomplete';
import type { KpiSpark, MetricUnit } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import { formatValue, periodLabel } from '$lib/shared/format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface SparklineOptions {
	locale: UiLocale;
	unit: MetricUnit;
	name: string;
	/** the tooltip's note on an incomplete period */
	incompleteText?: (days: number) => string;
}

/** A trend needs at least this many values: fewer is a dot or a stub, not a trend. */
export const SPARK_MIN_VALUES = 2;

/** Whether a tile's trend has enough values to be drawn. */
export const sparkDrawable = (spark: KpiSpark): boolean => spark.points.filter((p) => p.value !== null).length >= SPARK_MIN_VALUES;

/**
 * A tile's trend over trailing periods: no axes or grid lines, the tile's window shaded and its points
 * filled, the comparison window's points hollow, incomplete periods off the solid line (a dashed tail to
 * a hollow point), a tooltip with the period and formatted value. Too few values draw nothing.
 */
export function sparkline(spark: KpiSpark, options: SparklineOptions, theme: ChartTheme): ChartOption {
	const color = theme.palette[0]!;
	const fmt = (v: unknown) => formatValue(typeof v === 'number' ? v : null, options.unit, options.locale);
	const inWindow = (i: number, w: [number, number] | null) => w !== null && i >= w[0] && i <= w[1];
	const incomplete = (i: number) => spark.points[i]?.incomplete != null;
	const symbolOf = (i: number) =>
		inWindow(i, spark.current)
			? { symbol: 'circle', symbolSize: 5 }
			: inWindow(i, spark.comparison)
				? { symbol: 'emptyCircle', symbolSize: 5 }
				: { symbol: 'none' };
	const shade = (w: [number, number] | null, opacity: number) =>
		w ? [[{ xAxis: w[0], itemStyle: { color, opacity } }, { xAxis: w[1] }]] : [];
	return {
		color: [color],
		grid: { left: 6, right: 6, top: 6, bottom: 4 },
		tooltip: {
			trigger: 'axis',
			confine: true,
			axisPointer: { type: 'line', lineStyle: { color: theme.axisLine } },
			formatter: (params: unknown) => {
				const p = (Array.isArray(params) ? params[0] : params) as { dataIndex: number; axisValueLabel: string } | undefined;
				if (!p) return '';
				const point = spark.points[p.dataIndex];
				const note = point?.incomplete != null && options.incompleteText ? `<br/>${options.incompleteText(point.incomplete)}` : '';
				return `${p.axisValueLabel}<br/>${options.name}：${fmt(point?.value ?? null)}${note}`;
			}
		},
		xAxis: {
			type: 'category',
			show: false,
			boundaryGap: false,
			data: spark.points.map((p) => periodLabel(p.period, spark.grain, options.locale))
		},
		yAxis: { type: 'value', show: false, scale: true },
		series: sparkDrawable(spark)
			? [
					{
						type: 'line',
						name: options.name,
						data: spark.points.map((p, i) => (incomplete(i) || p.value === null ? null : { value: p.value, ...symbolOf(i) })),
						showSymbol: true,
						connectNulls: false,
						lineStyle: { width: 1.5 },
						itemStyle: { color, borderColor: color },
						areaStyle: { opacity: 0.06 },
						markArea: { silent: true, data: [...shade(spark.comparison, 0.06), ...shade(spark.current, 0.14)] as never }
					},
					{
						type: 'line',
						name: options.name,
						data: incompleteTail(
							spark.points.map((p) => p.value),
							incomplete,
							5
						),
						connectNulls: false,
						itemStyle: { color, borderColor: color },
						lineStyle: { width: 1.5, type: 'dashed', opacity: 0.7 }
					}
				]
			: []
	};
}
