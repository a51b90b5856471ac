import type { MetricUnit } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import type { SpcResult } from '$lib/shared/quality/spc';
import { favourable, type MetricDirection } from '$lib/shared/quality/direction';
import { emptyOption } from './empty';
import { axisTooltip, escapeHtml, incompleteTail } from './incomplete';
import { formatValue, periodLabel } from '$lib/shared/format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface ControlChartOptions {
	locale: UiLocale;
	unit: MetricUnit;
	grain: 'week' | 'month';
	emptyText: string;
	names: { value: string; centre: string; ucl: string; lcl: string; signal: string; baseline: string; target?: string; action?: string };
	/** the target in the metric's unit, drawn as a dashed line */
	target?: number | null;
	/** a period (first day) where an action was taken: a vertical line */
	actionPeriod?: string | null;
	/** the tooltip's note on an incomplete period: "不完整：仅含 3 天" */
	incompleteText?: (days: number) => string;
	/** the metric's good direction: a point whose signals are all favourable is ringed green (改善), not red */
	direction?: MetricDirection;
}

/**
 * A control chart: the points, the centre line, the upper and lower limits as steps (they move with n),
 * the baseline's periods shaded, each signalling point ringed in the alert colour and labelled with its
 * rule numbers (details in the sentences under the chart), the target dashed when there is one. A period
 * the data does not fully cover is a hollow point at the end of a dashed segment (it is never judged).
 */
export function controlChart(chart: SpcResult, options: ControlChartOptions, theme: ChartTheme): ChartOption {
	const pts = chart.points;
	if (!pts.some((p) => p.value !== null) || chart.centre === null) return emptyOption(options.emptyText, theme);
	const fmt = (v: unknown) => formatValue(typeof v === 'number' ? v : null, options.unit, options.locale);
	const labels = pts.map((p) => periodLabel(p.period, options.grain, options.locale));
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	const rulesAt = new Map<number, number[]>();
	for (const s of chart.signals) rulesAt.set(s.index, [...new Set([...(rulesAt.get(s.index) ?? []), s.rule])]);
	const limitLine = (name: string, values: (number | null)[]) => ({
		type: 'line' as const,
		name,
		data: values,
		step: 'middle' as const,
		symbol: 'none',
		connectNulls: true,
		lineStyle: { width: 1.5, type: 'dashed' as const, color: theme.alert },
		itemStyle: { color: theme.alert },
		tooltip: { valueFormatter: fmt },
		z: 2
	});
	const isIncomplete = (i: number) => pts[i]?.incomplete != null;
	const good = theme.palette[2]!;
	const favourableAt = (i: number) =>
		options.direction !== undefined && chart.signals.filter((s) => s.index === i).every((s) => favourable(s, options.direction!));
	const b = chart.baseline;
	const series: NonNullable<ChartOption['series']> = [
		{
			type: 'line',
			name: options.names.value,
			data: pts.map((p, i) => (isIncomplete(i) ? null : p.value)),
			connectNulls: false,
			// filled: a hollow point is an incomplete period
			symbol: 'circle',
			symbolSize: 6,
			lineStyle: { width: 2, color: theme.palette[0] },
			itemStyle: { color: theme.palette[0] },
			tooltip: { valueFormatter: fmt },
			z: 3,
			...(b
				? {
						markArea: {
							silent: true,
							itemStyle: {
								color:
									theme.name === 'print' ? 'rgba(0,0,0,0.06)' : theme.name === 'dark' ? 'rgba(110,162,255,0.10)' : 'rgba(37,99,201,0.07)'
							},
							label: { show: true, position: 'insideTop', color: theme.muted, formatter: options.names.baseline, fontSize: 11 },
							data: [[{ xAxis: labels[b.start] }, { xAxis: labels[b.end] }]]
						}
					}
				: {}),
			...(options.actionPeriod && labels[pts.findIndex((p) => p.period >= options.actionPeriod!)]
				? {
						markLine: {
							silent: true,
							symbol: 'none',
							lineStyle: { color: theme.palette[2], type: 'solid' as const, width: 2 },
							label: { formatter: options.names.action ?? '', color: theme.palette[2], position: 'insideEndTop' as const },
							data: [{ xAxis: labels[pts.findIndex((p) => p.period >= options.actionPeriod!)] }]
						}
					}
				: {})
		},
		{
			type: 'line',
			name: options.names.centre,
			data: pts.map(() => chart.centre),
			symbol: 'none',
			lineStyle: { width: 1.5, color: theme.muted },
			itemStyle: { color: theme.muted },
			tooltip: { valueFormatter: fmt },
			z: 2
		},
		limitLine(
			options.names.ucl,
			pts.map((p) => p.ucl)
		),
		limitLine(
			options.names.lcl,
			pts.map((p) => p.lcl)
		),
		{
			type: 'line',
			name: options.names.signal,
			data: pts.map((p, i) =>
				!rulesAt.has(i)
					? null
					: favourableAt(i)
						? { value: p.value, itemStyle: { color: theme.name === 'print' ? '#ffffff' : good, borderColor: good }, label: { color: good } }
						: p.value
			),
			symbol: 'circle',
			symbolSize: 13,
			// every ring drawn: ECharts thins crowded symbols on a narrow category axis, and a signal must not vanish
			showAllSymbol: true,
			lineStyle: { opacity: 0 },
			itemStyle: { color: theme.name === 'print' ? '#ffffff' : theme.alert, borderColor: theme.alert, borderWidth: 2 },
			label: {
				show: true,
				position: 'top',
				color: theme.alert,
				fontWeight: 'bold',
				formatter: (p: { dataIndex: number }) => (rulesAt.get(p.dataIndex) ?? []).join(',')
			},
			tooltip: { valueFormatter: fmt },
			z: 4
		}
	];
	if (pts.some((p, i) => p.value !== null && isIncomplete(i)))
		series.push({
			type: 'line',
			name: options.names.value,
			data: incompleteTail(
				pts.map((p) => p.value),
				isIncomplete,
				8
			),
			showAllSymbol: true,
			connectNulls: false,
			itemStyle: { color: theme.palette[0], borderColor: theme.palette[0] },
			lineStyle: { width: 2, type: 'dashed', color: theme.palette[0], opacity: 0.7 },
			z: 3
		});
	if (options.target !== undefined && options.target !== null && options.names.target) {
		series.push({
			type: 'line',
			name: options.names.target,
			data: pts.map(() => options.target!),
			symbol: 'none',
			lineStyle: { width: 1.5, type: 'dotted', color: theme.palette[2] },
			itemStyle: { color: theme.palette[2] },
			tooltip: { valueFormatter: fmt },
			z: 1
		});
	}
	return {
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 12, right: 20, top: 40, bottom: 8, containLabel: true },
		legend: { top: 0, left: 'center', textStyle: axisText, data: [...new Set(series.map((s) => s.name as string))] },
		tooltip: {
			trigger: 'axis',
			confine: true,
			formatter: axisTooltip(
				(name, v) => (v === null ? null : `${escapeHtml(name)}：${fmt(v)}`),
				(i) => (isIncomplete(i) && options.incompleteText ? options.incompleteText(pts[i]!.incomplete!) : null)
			)
		},
		xAxis: {
			type: 'category',
			data: labels,
			boundaryGap: false,
			axisLine: { lineStyle: { color: theme.axisLine } },
			axisTick: { show: false },
			axisLabel: axisText
		},
		yAxis: {
			type: 'value',
			scale: true,
			axisLabel: { ...axisText, formatter: (v: number) => fmt(v) },
			splitLine: { lineStyle: { color: theme.splitLine } }
		},
		series
	};
}
