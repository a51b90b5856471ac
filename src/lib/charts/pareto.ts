import type { RankItem } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import { emptyOption } from './empty';
import { formatValue } from '$lib/shared/format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface ParetoOptions {
	locale: UiLocale;
	/** series names: the counts and their cumulative share */
	name: string;
	cumulativeName: string;
	/** the label of the 80% line */
	thresholdLabel: string;
	emptyText: string;
}

/** The cumulative share (0–100) after each item, in the order given. */
export function cumulativeShares(values: readonly number[]): number[] {
	const total = values.reduce((s, v) => s + v, 0);
	let run = 0;
	return values.map((v) => {
		run += v;
		return total === 0 ? 0 : (run / total) * 100;
	});
}

/** The order of a Pareto chart's bars: largest first, an "other" item last (click indexes refer to it). */
export function paretoOrder<T extends RankItem>(items: readonly T[]): T[] {
	return [...items.filter((i) => !i.other).sort((a, b) => b.value - a.value), ...items.filter((i) => i.other)];
}

/**
 * Pareto chart: counts as bars, largest first (a trailing "other" item stays last), the cumulative
 * share as a line on a 0–100% axis, and a dashed line at 80% (the vital few left of where the line
 * crosses it).
 */
export function pareto(items: readonly RankItem[], options: ParetoOptions, theme: ChartTheme): ChartOption {
	const total = items.reduce((s, i) => s + i.value, 0);
	if (items.length === 0 || total === 0) return emptyOption(options.emptyText, theme);
	const sorted = paretoOrder(items);
	const shares = cumulativeShares(sorted.map((i) => i.value));
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	const pct = (v: unknown) => formatValue(typeof v === 'number' ? v : null, 'percent', options.locale);
	return {
		color: [theme.palette[0]!, theme.palette[1]!],
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 12, right: 12, top: 36, bottom: 8, containLabel: true },
		legend: { top: 0, left: 'center', textStyle: axisText, data: [options.name, options.cumulativeName] },
		tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
		xAxis: {
			type: 'category',
			data: sorted.map((i) => i.label),
			axisLine: { lineStyle: { color: theme.axisLine } },
			axisTick: { show: false },
			axisLabel: { ...axisText, color: theme.text, interval: 0, hideOverlap: true }
		},
		yAxis: [
			{
				type: 'value',
				axisLabel: { ...axisText, formatter: (v: number) => formatValue(v, 'count', options.locale) },
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
				name: options.name,
				data: sorted.map((i) => i.value),
				barMaxWidth: 36,
				itemStyle: { borderRadius: [4, 4, 0, 0] },
				tooltip: { valueFormatter: (v) => formatValue(typeof v === 'number' ? v : null, 'count', options.locale) }
			},
			{
				type: 'line',
				name: options.cumulativeName,
				yAxisIndex: 1,
				data: shares,
				symbolSize: 6,
				lineStyle: { width: 2 },
				tooltip: { valueFormatter: pct },
				markLine: {
					silent: true,
					symbol: 'none',
					lineStyle: { color: theme.alert, type: 'dashed' },
					label: { formatter: options.thresholdLabel, color: theme.alert, position: 'insideEndTop' },
					data: [{ yAxis: 80 }]
				}
			}
		]
	};
}
