import { emptyOption } from './empty';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface ScoreTrendInput {
	/** period labels, oldest first */
	periods: readonly string[];
	series: readonly { name: string; values: readonly (number | null)[]; bold?: boolean }[];
	/** the warning threshold, drawn as a dashed line; null = none */
	threshold: number | null;
	thresholdLabel: string;
}

/** Scores over periods, one line per dimension (the total bold), the warning threshold dashed. */
export function scoreTrend(input: ScoreTrendInput, options: { emptyText: string }, theme: ChartTheme): ChartOption {
	const all = input.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
	if (input.periods.length === 0 || all.length === 0) return emptyOption(options.emptyText, theme);
	const lo = Math.min(...all, input.threshold ?? 100);
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	return {
		color: [...theme.palette],
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 8, right: 16, top: 16, bottom: 56 },
		tooltip: { trigger: 'axis', confine: true, valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(1) : '–') },
		legend: { bottom: 0, type: 'scroll', textStyle: { color: theme.text, fontFamily: theme.fontFamily } },
		xAxis: { type: 'category', data: [...input.periods], axisLine: { lineStyle: { color: theme.axisLine } }, axisLabel: axisText },
		yAxis: {
			type: 'value',
			min: Math.max(0, Math.floor((lo - 5) / 5) * 5),
			max: 100,
			axisLabel: axisText,
			splitLine: { lineStyle: { color: theme.splitLine } }
		},
		series: input.series.map((s, i) => ({
			type: 'line' as const,
			name: s.name,
			data: [...s.values],
			connectNulls: false,
			symbolSize: s.bold ? 7 : 4,
			lineStyle: { width: s.bold ? 3 : 1.5 },
			...(i === 0 && input.threshold !== null
				? {
						markLine: {
							symbol: 'none',
							silent: true,
							lineStyle: { color: theme.alert, type: 'dashed' as const },
							label: { formatter: `${input.thresholdLabel} ${input.threshold}`, color: theme.alert, position: 'insideEndTop' as const },
							data: [{ yAxis: input.threshold }]
						}
					}
				: {})
		}))
	};
}
