import type { MetricUnit, RankItem } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import { emptyOption } from './empty';
import { formatValue } from '$lib/shared/format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface RankingOptions {
	locale: UiLocale;
	unit: MetricUnit;
	/** the series name shown in the tooltip (the metric's label) */
	name: string;
	emptyText: string;
}

/** Horizontal bars, in the order given (largest first, at the top), each labelled with its formatted value. */
export function barRanking(items: readonly RankItem[], options: RankingOptions, theme: ChartTheme): ChartOption {
	if (items.length === 0) return emptyOption(options.emptyText, theme);
	const fmt = (v: unknown) => formatValue(typeof v === 'number' ? v : null, options.unit, options.locale);
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	return {
		color: [theme.palette[0]!],
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 12, right: 72, top: 8, bottom: 8, containLabel: true },
		tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
		xAxis: {
			type: 'value',
			axisLabel: { ...axisText, formatter: (v: number) => fmt(v) },
			splitLine: { lineStyle: { color: theme.splitLine } }
		},
		yAxis: {
			type: 'category',
			inverse: true,
			data: items.map((i) => i.label),
			axisLine: { lineStyle: { color: theme.axisLine } },
			axisTick: { show: false },
			axisLabel: { ...axisText, color: theme.text }
		},
		series: [
			{
				type: 'bar',
				name: options.name,
				data: items.map((i) => i.value),
				barMaxWidth: 22,
				itemStyle: { borderRadius: [0, 4, 4, 0] },
				label: { show: true, position: 'right', color: theme.text, formatter: (p) => fmt(p.value) },
				tooltip: { valueFormatter: (v) => fmt(v) }
			}
		]
	};
}
