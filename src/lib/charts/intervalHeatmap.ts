import type { UiLocale } from '$lib/shared/views';
import { formatValue } from '$lib/shared/format';
import { emptyOption } from './empty';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

/** One cell of the interval heatmap: ISO weekday (1 Monday … 7 Sunday), hour of arrival, the value (%) and the contacts behind it. */
export interface IntervalCell {
	weekday: number;
	hour: number;
	/** the service level in percent; null when nothing was offered */
	value: number | null;
	offered: number;
}

export interface IntervalHeatmapOptions {
	locale: UiLocale;
	/** the seven weekday names, Monday first */
	weekdays: readonly string[];
	/** the service level a cell should reach: cells under it turn warm */
	target: number;
	name: string;
	/** the tooltip's line of contacts offered, e.g. "进线 120" */
	offeredText: (n: number) => string;
	emptyText: string;
}

/**
 * Service level by hour (columns) × weekday (rows): where staffing falls short. Only the hours with
 * contacts are drawn; colour runs from red (0%) through amber (the target) to green (100%), so a cell
 * under target reads warm whatever the page's range. Each cell's data carries [hour index, weekday
 * index, value, offered]; a click selects it (the page drills into its contacts).
 */
export function intervalHeatmap(cells: readonly IntervalCell[], options: IntervalHeatmapOptions, theme: ChartTheme): ChartOption {
	const drawn = cells.filter((c) => c.offered > 0);
	if (drawn.length === 0) return emptyOption(options.emptyText, theme);
	const hours = [...new Set(drawn.map((c) => c.hour))].sort((a, b) => a - b);
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	const fmt = (v: number | null) => formatValue(v, 'percent', options.locale);
	const cold = theme.name === 'print' ? ['#000000', '#7a7a7a', '#f0f0f0'] : [theme.alert, '#f2c14e', theme.palette[2]!];
	return {
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 12, right: 12, top: 8, bottom: 56, containLabel: true },
		tooltip: {
			confine: true,
			formatter: (p) => {
				const d = (Array.isArray(p) ? p[0] : p)!.data as [number, number, number | null, number];
				return `${options.weekdays[d[1]]} ${hours[d[0]]}:00–${hours[d[0]]! + 1}:00<br/>${options.name} ${fmt(d[2])}<br/>${options.offeredText(d[3])}`;
			}
		},
		xAxis: {
			type: 'category',
			data: hours.map((h) => `${h}:00`),
			splitArea: { show: false },
			axisLabel: axisText,
			axisLine: { lineStyle: { color: theme.axisLine } }
		},
		yAxis: {
			type: 'category',
			inverse: true,
			data: [...options.weekdays],
			axisLabel: { ...axisText, color: theme.text },
			axisLine: { lineStyle: { color: theme.axisLine } }
		},
		visualMap: {
			type: 'piecewise',
			orient: 'horizontal',
			left: 'center',
			bottom: 4,
			dimension: 2,
			textStyle: axisText,
			pieces: [
				{ lt: options.target - 10, color: cold[0], label: `< ${fmt(options.target - 10)}` },
				{ gte: options.target - 10, lt: options.target, color: cold[1], label: `${fmt(options.target - 10)} – ${fmt(options.target)}` },
				{ gte: options.target, color: cold[2], label: `≥ ${fmt(options.target)}` }
			]
		},
		series: [
			{
				type: 'heatmap',
				name: options.name,
				data: drawn.map((c) => [hours.indexOf(c.hour), c.weekday - 1, c.value === null ? null : Math.round(c.value * 10) / 10, c.offered]),
				label: {
					show: true,
					fontSize: 10,
					color: '#1d2939',
					formatter: (p) => {
						const v = (p.data as [number, number, number | null])[2];
						return v === null ? '' : String(Math.round(v));
					}
				},
				itemStyle: { borderColor: theme.name === 'dark' ? '#1a1f29' : '#ffffff', borderWidth: 1 },
				emphasis: { itemStyle: { borderColor: theme.text, borderWidth: 2 } }
			}
		]
	};
}
