import type { MetricUnit } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import { emptyOption } from './empty';
import { formatValue } from '$lib/shared/format';
import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

export interface Bucket {
	/** the bucket's name as the metric answers it ('0-2', '72+') */
	key: string;
	/** what the axis shows */
	label: string;
	value: number;
}

export interface BucketOptions {
	locale: UiLocale;
	unit: MetricUnit;
	name: string;
	emptyText: string;
	/** buckets from this index on lie past the limit (SLA): drawn in the alert colour, a line before the first */
	limitIndex?: number;
	limitLabel?: string;
}

/**
 * A distribution over ordered buckets (time to respond, age of open complaints): vertical bars in the
 * order given, bars past the limit in the alert colour, and a labelled line where the limit falls — on
 * the boundary between two buckets. A category axis puts a line only on a bar's centre (a fractional
 * index is rounded), so the line lives on a hidden value axis over the same grid, −0.5 … n − 0.5,
 * where bucket i is centred on i and i − 0.5 is the boundary before it. Every bucket is labelled,
 * slanted when there are many.
 */
export function bucketBars(buckets: readonly Bucket[], options: BucketOptions, theme: ChartTheme): ChartOption {
	if (buckets.length === 0 || buckets.every((b) => b.value === 0)) return emptyOption(options.emptyText, theme);
	const axisText = { color: theme.muted, fontFamily: theme.fontFamily };
	const fmt = (v: unknown) => formatValue(typeof v === 'number' ? v : null, options.unit, options.locale);
	const past = (i: number) => options.limitIndex !== undefined && i >= options.limitIndex;
	const limit = options.limitIndex !== undefined && options.limitIndex < buckets.length ? buckets[options.limitIndex]! : null;
	return {
		color: [theme.palette[0]!],
		textStyle: { fontFamily: theme.fontFamily, color: theme.text },
		grid: { left: 12, right: 16, top: limit ? 28 : 12, bottom: 8, containLabel: true },
		tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
		xAxis: [
			{
				type: 'category',
				data: buckets.map((b) => b.label),
				axisLine: { lineStyle: { color: theme.axisLine } },
				axisTick: { show: false },
				axisLabel: { ...axisText, color: theme.text, interval: 0, rotate: buckets.length > 6 ? 30 : 0 }
			},
			{ type: 'value', show: false, min: -0.5, max: buckets.length - 0.5 }
		],
		yAxis: {
			type: 'value',
			// not on the hidden axis's zero (the first bucket's centre)
			axisLine: { show: false, onZero: false },
			axisLabel: { ...axisText, formatter: (v: number) => fmt(v) },
			splitLine: { lineStyle: { color: theme.splitLine } }
		},
		series: [
			{
				type: 'bar',
				name: options.name,
				data: buckets.map((b, i) => ({ value: b.value, itemStyle: { color: past(i) ? theme.alert : theme.palette[0] } })),
				barMaxWidth: 40,
				itemStyle: { borderRadius: [4, 4, 0, 0] },
				label: { show: true, position: 'top', color: theme.text, formatter: (p) => fmt(p.value) },
				tooltip: { valueFormatter: fmt }
			},
			...(limit
				? [
						{
							type: 'line' as const,
							name: options.limitLabel ?? '',
							xAxisIndex: 1,
							data: [[options.limitIndex! - 0.5, 0]],
							symbol: 'none',
							silent: true,
							tooltip: { show: false },
							markLine: {
								silent: true,
								symbol: 'none',
								lineStyle: { color: theme.alert, type: 'dashed' as const },
								label: { formatter: options.limitLabel ?? '', color: theme.alert, position: 'end' as const },
								// the boundary before the first bucket past the limit
								data: [{ xAxis: options.limitIndex! - 0.5 }]
							}
						}
					]
				: [])
		]
	};
}
