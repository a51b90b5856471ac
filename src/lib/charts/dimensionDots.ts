import { emptyOption } from './empty';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface DimensionDotsInput {
	/** the dimensions (one row each) */
	dimensions: readonly string[];
	/** one set of dots per group; values in the dimensions' order, null where unknown */
	series: readonly { name: string; values: readonly (number | null)[] }[];
}

/**
 * Dimension means of groups as labelled dots on one row per dimension, with the scale drawn and
 * numbered underneath (a radar without a scale made 78 look like half of 90). The scale runs from two
 * points under the lowest mean to two over the highest, on even numbers (appraisal means sit between 75
 * and 95; on 0–100 every group would sit in one spot), and says so by its numbers. `legend: 'plain'`
 * wraps the legend instead of paging it (for print).
 */
export function dimensionDots(
	input: DimensionDotsInput,
	options: { emptyText: string; legend?: 'scroll' | 'plain' },
	theme: ChartTheme
): ChartOption {
	const all = input.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
	if (all.length === 0 || input.dimensions.length === 0) return emptyOption(options.emptyText, theme);
	const min = Math.max(0, Math.floor((Math.min(...all) - 2) / 2) * 2);
	const max = Math.min(100, Math.ceil((Math.max(...all) + 2) / 2) * 2);
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	return {
		color: [...theme.palette],
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		tooltip: { trigger: 'axis', confine: true, axisPointer: { type: 'shadow' } },
		legend: { bottom: 0, type: options.legend ?? 'scroll', textStyle: { color: theme.text, fontFamily: theme.fontFamily } },
		grid: { left: 12, right: 28, top: 8, bottom: 36, containLabel: true },
		xAxis: {
			type: 'value',
			min,
			max,
			axisLabel: axisText,
			axisLine: { show: true, lineStyle: { color: theme.axisLine } },
			splitLine: { lineStyle: { color: theme.splitLine } }
		},
		yAxis: {
			type: 'category',
			inverse: true,
			data: [...input.dimensions],
			axisTick: { show: false },
			axisLine: { lineStyle: { color: theme.axisLine } },
			axisLabel: { ...axisText, color: theme.text }
		},
		series: input.series.map((s, i) => ({
			type: 'line' as const,
			name: s.name,
			data: [...s.values],
			// dots, not a line: the dimensions are not a sequence
			lineStyle: { width: 0, opacity: 0 },
			symbol: 'circle',
			symbolSize: 10,
			connectNulls: false,
			label: {
				show: true,
				position: i === 0 ? ('top' as const) : ('bottom' as const),
				color: theme.text,
				formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? p.value.toFixed(1) : '')
			}
		}))
	};
}
