import { emptyOption } from './empty';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface GradeBarsInput {
	/** A, B, C, D in order, each with its share of the group (%) and count */
	grades: readonly { grade: string; share: number; count: number }[];
	/** the guideline's maximum share of A (%), drawn as a line over the A bar; null = none */
	maxA: number | null;
}

export interface GradeBarsOptions {
	name: string;
	guidelineLabel: string;
	emptyText: string;
}

/** The grade distribution as vertical bars of shares (%), counts in the labels, the A guideline as a dashed line. */
export function gradeBars(input: GradeBarsInput, options: GradeBarsOptions, theme: ChartTheme): ChartOption {
	if (input.grades.every((g) => g.count === 0)) return emptyOption(options.emptyText, theme);
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	const over = (g: { grade: string; share: number }) => g.grade === 'A' && input.maxA !== null && g.share > input.maxA;
	return {
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 8, right: 16, top: 24, bottom: 8 },
		tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
		xAxis: {
			type: 'category',
			data: input.grades.map((g) => g.grade),
			axisLine: { lineStyle: { color: theme.axisLine } },
			axisTick: { show: false },
			axisLabel: { ...axisText, color: theme.text, fontWeight: 'bold' }
		},
		yAxis: {
			type: 'value',
			max: 100,
			axisLabel: { ...axisText, formatter: '{value}%' },
			splitLine: { lineStyle: { color: theme.splitLine } }
		},
		series: [
			{
				type: 'bar',
				name: options.name,
				barMaxWidth: 48,
				data: input.grades.map((g) => ({ value: g.share, itemStyle: { color: over(g) ? theme.alert : theme.palette[0]! } })),
				label: {
					show: true,
					position: 'top',
					color: theme.text,
					formatter: (p) => `${input.grades[p.dataIndex]!.count} · ${Number(p.value).toFixed(0)}%`
				},
				tooltip: { valueFormatter: (v) => `${Number(v).toFixed(1)}%` },
				...(input.maxA === null
					? {}
					: {
							markLine: {
								symbol: 'none',
								silent: true,
								lineStyle: { color: theme.alert, type: 'dashed' as const },
								label: { formatter: `${options.guidelineLabel} ${input.maxA}%`, color: theme.alert, position: 'insideEndTop' as const },
								data: [{ yAxis: input.maxA }]
							}
						})
			}
		]
	};
}
