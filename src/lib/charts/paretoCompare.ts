import type { UiLocale } from '$lib/shared/views';
import { emptyOption } from './empty';
import { formatValue } from '$lib/shared/format';
import { cumulativeShares } from './pareto';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface ParetoCompareOptions {
	locale: UiLocale;
	names: { current: string; previous: string; cumulative: string; threshold: string };
	emptyText: string;
}

/**
 * Comparison Pareto: categories ordered by this period's count, this period's bars beside the comparison
 * period's (lighter), and this period's cumulative share on a 0–100% axis with the 80% line.
 */
export function paretoCompare(
	items: readonly { category: string; current: number; previous: number }[],
	options: ParetoCompareOptions,
	theme: ChartTheme
): ChartOption {
	const sorted = [...items].sort((a, b) => b.current - a.current || b.previous - a.previous);
	if (!sorted.some((i) => i.current > 0 || i.previous > 0)) return emptyOption(options.emptyText, theme);
	const shares = cumulativeShares(sorted.map((i) => i.current));
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	const count = (v: unknown) => formatValue(typeof v === 'number' ? v : null, 'count', options.locale);
	return {
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 12, right: 12, top: 36, bottom: 8, containLabel: true },
		legend: {
			top: 0,
			left: 'center',
			textStyle: axisText,
			data: [options.names.current, options.names.previous, options.names.cumulative]
		},
		tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
		xAxis: {
			type: 'category',
			data: sorted.map((i) => i.category),
			axisTick: { show: false },
			axisLine: { lineStyle: { color: theme.axisLine } },
			axisLabel: { ...axisText, color: theme.text, interval: 0, hideOverlap: true }
		},
		yAxis: [
			{
				type: 'value',
				axisLabel: { ...axisText, formatter: (v: number) => count(v) },
				splitLine: { lineStyle: { color: theme.splitLine } }
			},
			{
				type: 'value',
				min: 0,
				max: 100,
				interval: 20,
				axisLabel: { ...axisText, formatter: (v: number) => `${v}%` },
				splitLine: { show: false }
			}
		],
		series: [
			{
				type: 'bar',
				name: options.names.current,
				data: sorted.map((i) => i.current),
				barMaxWidth: 26,
				itemStyle: { color: theme.palette[0], borderRadius: [3, 3, 0, 0] },
				tooltip: { valueFormatter: count }
			},
			{
				type: 'bar',
				name: options.names.previous,
				data: sorted.map((i) => i.previous),
				barMaxWidth: 26,
				itemStyle: { color: theme.palette[5], opacity: 0.6, borderRadius: [3, 3, 0, 0] },
				tooltip: { valueFormatter: count }
			},
			{
				type: 'line',
				name: options.names.cumulative,
				yAxisIndex: 1,
				data: shares,
				symbolSize: 6,
				itemStyle: { color: theme.palette[1] },
				lineStyle: { width: 2, color: theme.palette[1] },
				tooltip: { valueFormatter: (v) => formatValue(typeof v === 'number' ? v : null, 'percent', options.locale) },
				markLine: {
					silent: true,
					symbol: 'none',
					lineStyle: { color: theme.alert, type: 'dashed' },
					label: { formatter: options.names.threshold, color: theme.alert, position: 'insideEndTop' },
					data: [{ yAxis: 80 }]
				}
			}
		]
	};
}
