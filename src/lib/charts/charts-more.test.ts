import { describe, expect, it } from 'vitest';
import { bucketLabel, limitIndex } from '$lib/shared/dashboard/buckets';
import { csvCell, csvText } from '$lib/shared/csv';
import { bucketBars } from './bucketBars';
import { periodLabel } from '$lib/shared/format';
import { cumulativeShares, pareto, paretoOrder } from './pareto';
import { darkTheme, lightTheme, printTheme } from './theme';
import { trendLine } from './trendLine';

// The builders' options are plain objects; the tests read them as such.
const o = (x: unknown) => x as any;

describe('pareto', () => {
	const items = [
		{ label: '价格', value: 10 },
		{ label: '其他', value: 5, other: true },
		{ label: '商品质量', value: 60 },
		{ label: '服务态度', value: 25 }
	];
	it('orders largest first with "other" last, and accumulates shares to 100%', () => {
		expect(paretoOrder(items).map((i) => i.label)).toEqual(['商品质量', '服务态度', '价格', '其他']);
		expect(cumulativeShares([60, 25, 10, 5])).toEqual([60, 85, 95, 100]);
		expect(cumulativeShares([0, 0])).toEqual([0, 0]);
	});
	it('draws bars, a cumulative line on a 0-100% axis and an 80% line', () => {
		const opt = o(
			pareto(items, { locale: 'zh-CN', name: '投诉量', cumulativeName: '累计占比', thresholdLabel: '80%', emptyText: '无' }, lightTheme)
		);
		expect(opt.xAxis.data).toEqual(['商品质量', '服务态度', '价格', '其他']);
		expect(opt.series[0].data).toEqual([60, 25, 10, 5]);
		expect(opt.series[1].data).toEqual([60, 85, 95, 100]);
		expect(opt.series[1].yAxisIndex).toBe(1);
		expect(opt.yAxis[1]).toMatchObject({ min: 0, max: 100 });
		expect(opt.series[1].markLine.data).toEqual([{ yAxis: 80 }]);
	});
	it('shows the empty text when there is nothing to count', () => {
		expect(
			o(
				pareto(
					[{ label: 'x', value: 0 }],
					{ locale: 'en', name: 'n', cumulativeName: 'c', thresholdLabel: '80%', emptyText: 'No data' },
					lightTheme
				)
			).title.text
		).toBe('No data');
	});
});

describe('bucketBars', () => {
	const buckets = ['0-24', '24-72', '72-168', '168+'].map((key, i) => ({ key, label: key, value: [5, 3, 2, 1][i]! }));
	it('keeps the bucket order, paints buckets past the limit and puts the line on their boundary', () => {
		const opt = o(
			bucketBars(
				buckets,
				{ locale: 'en', unit: 'count', name: 'Complaints', emptyText: '-', limitIndex: 2, limitLabel: 'Limit 72 h' },
				lightTheme
			)
		);
		expect(opt.xAxis[0].data).toEqual(['0-24', '24-72', '72-168', '168+']);
		expect(opt.xAxis[0].axisLabel.interval).toBe(0); // every bucket labelled
		expect(opt.xAxis[0].axisLabel.hideOverlap).toBeUndefined();
		expect(opt.series[0].data.map((d: { value: number }) => d.value)).toEqual([5, 3, 2, 1]);
		expect(opt.series[0].data.map((d: { itemStyle: { color: string } }) => d.itemStyle.color)).toEqual([
			lightTheme.palette[0],
			lightTheme.palette[0],
			lightTheme.alert,
			lightTheme.alert
		]);
		// on a hidden value axis spanning −0.5 … 3.5 over the 4 buckets, 1.5 is the boundary between bucket 1 and 2 (a category axis would round it onto a bar)
		expect(opt.xAxis[1]).toMatchObject({ type: 'value', show: false, min: -0.5, max: 3.5 });
		expect(opt.series[1].xAxisIndex).toBe(1);
		expect(opt.series[1].markLine.data).toEqual([{ xAxis: 1.5 }]);
		expect(opt.series[1].markLine.label.formatter).toBe('Limit 72 h');
	});
	it('has no limit line without a limit, and is empty when every bucket is 0', () => {
		expect(o(bucketBars(buckets, { locale: 'en', unit: 'count', name: 'n', emptyText: '-' }, lightTheme)).series).toHaveLength(1);
		expect(
			o(
				bucketBars(
					buckets.map((b) => ({ ...b, value: 0 })),
					{ locale: 'en', unit: 'count', name: 'n', emptyText: 'none' },
					lightTheme
				)
			).title.text
		).toBe('none');
	});
	it('labels buckets in hours or days and finds where a limit falls', () => {
		expect(bucketLabel('0-2', false, 'zh-CN')).toBe('2小时内');
		expect(bucketLabel('24-48', false, 'en')).toBe('24–48 h');
		expect(bucketLabel('72+', false, 'zh-CN')).toBe('72小时以上');
		expect(bucketLabel('72-168', true, 'zh-CN')).toBe('3–7天');
		expect(bucketLabel('720+', true, 'en')).toBe('30 d or more');
		expect(limitIndex(['0-2', '2-4', '4-8', '8-12', '12-24', '24-48', '48-72', '72+'], 24)).toBe(5);
		expect(limitIndex(['0-12', '12-24'], 72)).toBe(2);
	});
});

describe('trendLine with bars, a dashed comparison and a margin-of-error band', () => {
	it('draws the band as two stacked areas under the line, the bar series as bars', () => {
		const opt = o(
			trendLine(
				{
					periods: ['2025-01-06', '2025-01-13'],
					grain: 'week',
					series: [
						{ name: 'CSAT', unit: 'percent', values: [80, 90], band: { name: 'moe', lower: [75, null], upper: [85, null] } },
						{ name: 'n', unit: 'count', kind: 'bar', values: [100, 120] },
						{ name: 'last year', unit: 'percent', dashed: true, values: [70, 72] }
					]
				},
				{ locale: 'zh-CN', emptyText: '-' },
				lightTheme
			)
		);
		expect(opt.xAxis.data).toEqual(['1月6日当周', '1月13日当周']);
		expect(opt.series.map((s: { type: string }) => s.type)).toEqual(['line', 'line', 'line', 'bar', 'line']);
		expect(opt.series[0].data).toEqual([75, null]); // lower bound
		expect(opt.series[1].data).toEqual([10, null]); // width up to the upper bound
		expect(opt.series[0].stack).toBe(opt.series[1].stack);
		expect(opt.series[2].data).toEqual([80, 90]);
		expect(opt.series[3].yAxisIndex).toBe(1); // counts on the second axis
		expect(opt.series[4].lineStyle.type).toBe('dashed');
	});
	it('labels periods of every grain', () => {
		expect(periodLabel('2025-01-05', 'day', 'zh-CN')).toBe('1月5日');
		expect(periodLabel('2025-01-06', 'week', 'en')).toBe('Wk of Jan 6');
		expect(periodLabel('2025-04-01', 'quarter', 'zh-CN')).toBe('2025年Q2');
		expect(periodLabel('2025-04-01', 'quarter', 'en')).toBe('Q2 2025');
		expect(periodLabel('2025-01-01', 'year', 'zh-CN')).toBe('2025年');
	});
});

describe('themes and CSV', () => {
	it('has light, dark and print themes with the same palette size', () => {
		for (const t of [lightTheme, darkTheme, printTheme]) expect(t.palette).toHaveLength(lightTheme.palette.length);
		expect(printTheme.text).toBe('#000000');
	});
	it('writes Excel-safe CSV: BOM, CRLF, numbers as numbers, formulas neutralised', () => {
		expect(
			csvText(
				['门店', 'n'],
				[
					['=cmd', 3],
					['a,"b"', null]
				]
			)
		).toBe('\uFEFF门店,n\r\n\'=cmd,3\r\n"a,""b""",\r\n');
		expect(csvCell(-1.5)).toBe('-1.5');
		expect(csvCell('-1.5')).toBe("'-1.5");
	});
});

describe('trendLine target line', () => {
	it('draws the target as a dashed line and stretches the axis to it', () => {
		const opt = o(
			trendLine(
				{
					periods: ['2025-01-01', '2025-02-01'],
					series: [{ name: 'rate', unit: 'permille', values: [1.2, 1.3], target: { value: 0.5, label: '目标 0.50‰' } }]
				},
				{ locale: 'zh-CN', emptyText: '-' },
				lightTheme
			)
		);
		expect(opt.series[0].markLine.data).toEqual([{ yAxis: 0.5 }]);
		expect(opt.series[0].markLine.label.formatter).toBe('目标 0.50‰');
		expect(opt.yAxis[0].min).toBeLessThanOrEqual(0.5);
		expect(opt.yAxis[0].max).toBeGreaterThanOrEqual(1.3);
	});
});

describe('trendLine: incomplete periods, honest axes, split units', () => {
	const periods = ['2025-12-01', '2025-12-08', '2025-12-15', '2025-12-22', '2025-12-29'];
	it('draws an incomplete period hollow and dashed, and names its days in the tooltip', () => {
		const opt = o(
			trendLine(
				{
					periods,
					grain: 'week',
					incomplete: [null, null, null, null, 3],
					series: [{ name: 'rate', unit: 'permille', values: [1, 1.1, 1, 1.05, 0] }]
				},
				{ locale: 'zh-CN', emptyText: '-', incompleteText: (n) => `不完整：仅含 ${n} 天` },
				lightTheme
			)
		);
		expect(opt.series).toHaveLength(2);
		expect(opt.series[0].data).toEqual([1, 1.1, 1, 1.05, null]); // the solid line stops before it
		expect(opt.series[1].name).toBe('rate'); // the tail is the same series in the legend
		expect(opt.series[1].lineStyle.type).toBe('dashed');
		expect(opt.series[1].data).toEqual([
			null,
			null,
			null,
			{ value: 1.05, symbol: 'none' },
			{ value: 0, symbol: 'emptyCircle', symbolSize: 7 }
		]);
		const tip = opt.tooltip.formatter([
			{ seriesName: 'rate', marker: '', value: null, dataIndex: 4, axisValueLabel: '12月29日当周' },
			{ seriesName: 'rate', marker: '', value: { value: 0 }, dataIndex: 4, axisValueLabel: '12月29日当周' }
		]);
		expect(tip).toBe('12月29日当周<br/>rate：0.00‰<br/><em>不完整：仅含 3 天</em>');
	});
	it('draws an incomplete bar light, and starts a bar axis at 0', () => {
		const opt = o(
			trendLine(
				{
					periods: periods.slice(0, 3),
					grain: 'week',
					incomplete: [null, null, 2],
					series: [{ name: 'n', unit: 'count', kind: 'bar', values: [95, 102, 30] }]
				},
				{ locale: 'zh-CN', emptyText: '-' },
				lightTheme
			)
		);
		expect(opt.series[0].data[2].itemStyle.opacity).toBeLessThan(0.5);
		expect(opt.series[0].data[0]).toBe(95);
		expect(opt.yAxis[0].min).toBe(0);
	});
	it('splits a second unit into a chart of its own below, sharing the x axis', () => {
		const opt = o(
			trendLine(
				{
					periods: periods.slice(0, 2),
					series: [
						{ name: 'CSAT', unit: 'percent', values: [80, 82] },
						{ name: 'NPS', unit: 'nps', values: [20, 25] }
					]
				},
				{ locale: 'zh-CN', emptyText: '-', split: true },
				lightTheme
			)
		);
		expect(opt.grid).toHaveLength(2);
		expect(opt.xAxis).toHaveLength(2);
		expect(opt.xAxis[0].axisLabel.show).toBe(false);
		expect(opt.yAxis.map((a: { gridIndex: number }) => a.gridIndex)).toEqual([0, 1]);
		expect(opt.series.map((s: { xAxisIndex: number; yAxisIndex: number }) => [s.xAxisIndex, s.yAxisIndex])).toEqual([
			[0, 0],
			[1, 1]
		]);
		expect(opt.axisPointer.link).toEqual([{ xAxisIndex: 'all' }]);
	});
	it('keeps a band inside the unit: a share never above 100%, an NPS never below −100', () => {
		const opt = o(
			trendLine(
				{
					periods: periods.slice(0, 2),
					series: [{ name: 'CSAT', unit: 'percent', values: [98, 100], band: { name: 'ci', lower: [90, 72], upper: [104, 100] } }]
				},
				{ locale: 'zh-CN', emptyText: '-' },
				lightTheme
			)
		);
		expect(opt.series[1].data).toEqual([10, 28]); // 90 → 100 (not 104), 72 → 100
		expect(opt.yAxis[0].max).toBe(100);
	});
});
