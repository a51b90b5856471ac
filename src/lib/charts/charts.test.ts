import { describe, expect, it } from 'vitest';
import { barRanking } from './barRanking';
import { changeOf, formatChange, formatValue, monthLabel } from '$lib/shared/format';
import { sparkline } from './sparkline';
import { lightTheme } from './theme';
import { trendLine } from './trendLine';

type Fn = (v: unknown, i?: number) => string;
// The builders' options are plain objects; the tests read them as such.
const o = (x: unknown) => x as any;

describe('formatting of metric values', () => {
	it('formats each unit', () => {
		expect(formatValue(1234, 'count', 'zh-CN')).toBe('1,234');
		expect(formatValue(2.4567, 'permille', 'en')).toBe('2.46‰');
		expect(formatValue(86.66, 'percent', 'zh-CN')).toBe('86.7%');
		expect(formatValue(5.25, 'hours', 'zh-CN')).toBe('5.3 小时');
		expect(formatValue(5.25, 'hours', 'en')).toBe('5.3 h');
		expect(formatValue(23.456, 'nps', 'en')).toBe('23.5');
		expect(formatValue(null, 'percent', 'en')).toBe('—');
	});
	it('shows change: relative for counts, in the unit otherwise, nothing without a previous value', () => {
		expect(formatChange(110, 100, 'count', 'en')).toBe('+10.0%');
		expect(formatChange(90, 100, 'count', 'en')).toBe('-10.0%');
		expect(formatChange(10, 0, 'count', 'en')).toBeNull();
		expect(formatChange(85.5, 80, 'percent', 'zh-CN')).toBe('+5.5 个百分点');
		expect(formatChange(1.2, 1.5, 'permille', 'en')).toBe('-0.30‰');
		expect(formatChange(3, null, 'hours', 'en')).toBeNull();
		expect(changeOf(80.04, 80, 'percent')).toBe(0);
		// the difference of the values as written: 1.0 h against 0.9 h changed by 0.1 h, whatever 0.96 − 0.94 rounds to
		expect(formatChange(0.96, 0.94, 'hours', 'en')).toBe('+0.1 h');
		expect(changeOf(0.96, 0.94, 'hours')).toBe(0.1);
		expect(changeOf(0.951, 0.949, 'permille')).toBe(0);
	});
	it('labels months', () => {
		expect(monthLabel('2025-01-01', 'zh-CN')).toBe('2025年1月');
		expect(monthLabel('2025-03-01', 'en')).toBe('Mar 2025');
	});
});

describe('trendLine', () => {
	const data = {
		periods: ['2025-01-01', '2025-02-01', '2025-03-01'],
		series: [
			{ name: '满意度（CSAT）', unit: 'percent' as const, values: [80, 82.34, null] },
			{ name: '净推荐值（NPS）', unit: 'nps' as const, values: [10, -5, 12.5] }
		]
	};
	it('has one category per month, labelled in the locale, and the series data as given', () => {
		const opt = o(trendLine(data, { locale: 'zh-CN', emptyText: '暂无' }, lightTheme));
		expect(opt.xAxis.data).toEqual(['2025年1月', '2025年2月', '2025年3月']);
		expect(opt.series.map((s: { name: string }) => s.name)).toEqual(['满意度（CSAT）', '净推荐值（NPS）']);
		expect(opt.series[0].data).toEqual([80, 82.34, null]);
		expect(opt.series[1].data).toEqual([10, -5, 12.5]);
		expect(opt.legend.data).toEqual(['满意度（CSAT）', '净推荐值（NPS）']);
	});
	it('puts a second unit on a second y axis and formats axis and tooltip values in each unit', () => {
		const opt = o(trendLine(data, { locale: 'en', emptyText: 'none' }, lightTheme));
		expect(opt.yAxis).toHaveLength(2);
		expect(opt.series.map((s: { yAxisIndex: number }) => s.yAxisIndex)).toEqual([0, 1]);
		expect((opt.yAxis[0].axisLabel.formatter as Fn)(80)).toBe('80.0%');
		const tip = opt.tooltip.formatter([
			{ seriesName: '满意度（CSAT）', marker: '', value: 82.34, dataIndex: 1, axisValueLabel: 'Feb 2025' },
			{ seriesName: '净推荐值（NPS）', marker: '', value: -5, dataIndex: 1, axisValueLabel: 'Feb 2025' }
		]);
		expect(tip).toBe('Feb 2025<br/>满意度（CSAT）：82.3%<br/>净推荐值（NPS）：-5.0');
		expect(
			opt.tooltip.formatter([{ seriesName: '满意度（CSAT）', marker: '', value: null, dataIndex: 2, axisValueLabel: 'Mar 2025' }])
		).toBe('Mar 2025<br/>满意度（CSAT）：—');
		expect(opt.tooltip.trigger).toBe('axis');
	});
	it('shows the empty text and no series when there is nothing to draw', () => {
		for (const empty of [
			{ periods: [], series: [] },
			{ periods: ['2025-01-01'], series: [{ name: 'x', unit: 'count' as const, values: [null] }] }
		]) {
			const opt = o(trendLine(empty, { locale: 'zh-CN', emptyText: '所选范围内暂无数据' }, lightTheme));
			expect(opt.series).toEqual([]);
			expect(opt.title.text).toBe('所选范围内暂无数据');
			expect(opt.xAxis).toBeUndefined();
		}
	});
});

describe('barRanking', () => {
	const items = [
		{ label: '南京新街口店', value: 3.456 },
		{ label: '杭州湖滨店', value: 2.1 }
	];
	it('keeps the order given with the largest on top and labels bars with formatted values', () => {
		const opt = o(barRanking(items, { locale: 'zh-CN', unit: 'permille', name: '投诉率', emptyText: '暂无' }, lightTheme));
		expect(opt.yAxis.data).toEqual(['南京新街口店', '杭州湖滨店']);
		expect(opt.yAxis.inverse).toBe(true);
		expect(opt.series[0].data).toEqual([3.456, 2.1]);
		expect(opt.series[0].name).toBe('投诉率');
		expect((opt.series[0].label.formatter as (p: { value: number }) => string)({ value: 3.456 })).toBe('3.46‰');
		expect((opt.series[0].tooltip.valueFormatter as Fn)(2.1)).toBe('2.10‰');
		expect((opt.xAxis.axisLabel.formatter as Fn)(1)).toBe('1.00‰');
	});
	it('formats counts with thousands separators', () => {
		const opt = o(
			barRanking([{ label: '商品质量', value: 12345 }], { locale: 'en', unit: 'count', name: 'Complaints', emptyText: '' }, lightTheme)
		);
		expect((opt.series[0].tooltip.valueFormatter as Fn)(12345)).toBe('12,345');
	});
	it('shows the empty text for no items', () => {
		const opt = o(
			barRanking([], { locale: 'en', unit: 'count', name: 'Complaints', emptyText: 'No data in the selected range' }, lightTheme)
		);
		expect(opt.series).toEqual([]);
		expect(opt.title.text).toBe('No data in the selected range');
	});
});

describe('sparkline', () => {
	const spark = (values: (number | null)[], incomplete: (number | null)[] = values.map(() => null)) => ({
		grain: 'month' as const,
		points: values.map((value, i) => ({ period: `2025-${String(i + 1).padStart(2, '0')}-01`, value, incomplete: incomplete[i] ?? null })),
		current: [values.length - 1, values.length - 1] as [number, number],
		comparison: [values.length - 2, values.length - 2] as [number, number]
	});
	it('draws trailing periods with hidden axes, the current period filled and the comparison period hollow', () => {
		const opt = o(sparkline(spark([100, null, 110, 120]), { locale: 'zh-CN', unit: 'hours', name: '首次响应' }, lightTheme));
		expect(opt.xAxis.show).toBe(false);
		expect(opt.yAxis.show).toBe(false);
		expect(opt.xAxis.data).toEqual(['2025年1月', '2025年2月', '2025年3月', '2025年4月']);
		expect(opt.series[0].data).toEqual([
			{ value: 100, symbol: 'none' },
			null,
			{ value: 110, symbol: 'emptyCircle', symbolSize: 5 },
			{ value: 120, symbol: 'circle', symbolSize: 5 }
		]);
		expect(opt.tooltip.formatter([{ dataIndex: 3, axisValueLabel: '2025年4月' }])).toBe('2025年4月<br/>首次响应：120.0 小时');
	});
	it('keeps an incomplete period off the solid line and names its days', () => {
		const opt = o(
			sparkline(
				spark([100, 110, 30], [null, null, 9]),
				{ locale: 'zh-CN', unit: 'count', name: 'n', incompleteText: (d) => `仅含 ${d} 天` },
				lightTheme
			)
		);
		expect(opt.series[0].data[2]).toBeNull();
		expect(opt.series[1].data[2]).toEqual({ value: 30, symbol: 'emptyCircle', symbolSize: 5 });
		expect(opt.tooltip.formatter([{ dataIndex: 2, axisValueLabel: '3月' }])).toBe('3月<br/>n：30<br/>仅含 9 天');
	});
	it('draws nothing with fewer than two values: never one dot', () => {
		expect(o(sparkline(spark([null, 5]), { locale: 'en', unit: 'count', name: 'x' }, lightTheme)).series).toEqual([]);
		expect(o(sparkline(spark([]), { locale: 'en', unit: 'count', name: 'x' }, lightTheme)).series).toEqual([]);
	});
});
