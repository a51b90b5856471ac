import { emptyOption } from './empty';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface RadarInput {
	/** the axes (dimension labels) */
	indicators: readonly string[];
	/** one polygon per group; values in the axes' order, null where unknown */
	series: readonly { name: string; values: readonly (number | null)[] }[];
}

/**
 * Dimension means of groups as a radar. The axes run from two points under the lowest mean to two over
 * the highest, on even numbers (not 0–100): appraisal means sit between 75 and 95, and a 0–100 radar would draw every group as
 * the same circle. `legend: 'plain'` wraps the legend instead of paging it (for print).
 */
export function radar(input: RadarInput, options: { emptyText: string; legend?: 'scroll' | 'plain' }, theme: ChartTheme): ChartOption {
	const all = input.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
	if (all.length === 0 || input.indicators.length === 0) return emptyOption(options.emptyText, theme);
	const min = Math.max(0, Math.floor((Math.min(...all) - 2) / 2) * 2);
	const max = Math.min(100, Math.ceil((Math.max(...all) + 2) / 2) * 2);
	return {
		color: [...theme.palette],
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		tooltip: { trigger: 'item', confine: true },
		legend: { bottom: 0, type: options.legend ?? 'scroll', textStyle: { color: theme.text, fontFamily: theme.fontFamily } },
		radar: {
			center: ['50%', '46%'],
			radius: '56%',
			indicator: input.indicators.map((name) => ({ name, min, max })),
			axisName: { color: theme.muted, fontFamily: theme.fontFamily },
			splitLine: { lineStyle: { color: theme.splitLine } },
			axisLine: { lineStyle: { color: theme.axisLine } },
			splitArea: { show: false }
		},
		series: [
			{
				type: 'radar',
				symbolSize: 4,
				data: input.series.map((s, i) => ({
					name: s.name,
					value: s.values.map((v) => v ?? min),
					areaStyle: i === 0 ? { opacity: 0.12 } : undefined
				}))
			}
		]
	};
}
