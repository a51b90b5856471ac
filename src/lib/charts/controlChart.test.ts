import { describe, expect, it } from 'vitest';
import { computeChart } from '$lib/shared/quality/spc';
import { controlChart } from './controlChart';
import { lightTheme, printTheme } from './theme';

const o = (x: unknown) => x as any;
const names = { value: '投诉率', centre: '中心线', ucl: '上限', lcl: '下限', signal: '异常信号', baseline: '基准期', target: '目标' };

describe('controlChart', () => {
	const periods = Array.from({ length: 13 }, (_, i) => `2025-${String((i % 12) + 1).padStart(2, '0')}-01`);
	const chart = computeChart({
		kind: 'p',
		periods,
		values: [...Array(12).fill(10), 30],
		n: Array(13).fill(10_000),
		scale: 1000,
		rules: [1]
	});
	const opt = o(
		controlChart(chart, { locale: 'zh-CN', unit: 'permille', grain: 'month', emptyText: '无', names, target: 1.5 }, lightTheme)
	);
	it('draws points, centre, limits, signals and the target', () => {
		expect(opt.series.map((s: any) => s.name)).toEqual(['投诉率', '中心线', '上限', '下限', '异常信号', '目标']);
		expect(opt.series[0].data[12]).toBeCloseTo(3, 6);
		expect(opt.series[1].data[0]).toBeCloseTo(1, 6);
		expect(opt.series[2].data[0]).toBeCloseTo(1 + 3 * Math.sqrt((0.001 * 0.999) / 10_000) * 1000, 6);
		expect(opt.series[4].data.filter((v: unknown) => v !== null)).toHaveLength(1);
		expect(opt.series[4].label.formatter({ dataIndex: 12 })).toBe('1');
		// a ring is never thinned away on a narrow axis
		expect(opt.series[4].showAllSymbol).toBe(true);
		expect(opt.series[5].data[0]).toBe(1.5);
	});
	it('shades the baseline', () => {
		expect(opt.series[0].markArea.data[0][0].xAxis).toBe('2025年1月');
		expect(opt.series[0].markArea.data[0][1].xAxis).toBe('2025年12月');
	});
	it('prints black on white', () => {
		const p = o(controlChart(chart, { locale: 'en', unit: 'permille', grain: 'month', emptyText: '-', names }, printTheme));
		expect(p.series[2].lineStyle.color).toBe('#000000');
	});
	it('draws an incomplete period hollow at the end of a dashed segment, with the note in the tooltip', () => {
		const cut = computeChart({
			kind: 'p',
			periods,
			values: [...Array(12).fill(10), 3],
			n: [...Array(12).fill(10_000), 1_000],
			scale: 1000,
			rules: [1],
			incomplete: [...Array(12).fill(null), 3]
		});
		const incompleteText = (days: number) => `不完整：仅含 ${days} 天`;
		const c = o(
			controlChart(cut, { locale: 'zh-CN', unit: 'permille', grain: 'month', emptyText: '无', names, incompleteText }, lightTheme)
		);
		// the solid line stops before it, and nothing rings it as a signal
		expect(c.series[0].data[12]).toBeNull();
		expect(c.series[4].data.every((v: unknown) => v === null)).toBe(true);
		const tail = c.series.find((s: any, i: number) => i > 0 && s.name === '投诉率');
		expect(tail.lineStyle.type).toBe('dashed');
		expect(tail.data[12]).toMatchObject({ value: 3, symbol: 'emptyCircle' });
		expect(tail.data[11]).toMatchObject({ value: 1, symbol: 'none' });
		expect(tail.data[10]).toBeNull();
		expect(c.legend.data.filter((n: string) => n === '投诉率')).toHaveLength(1);
		const tip = c.tooltip.formatter([
			{ seriesName: '投诉率', marker: '', value: null, dataIndex: 12, axisValueLabel: '2025年1月' },
			{ seriesName: '上限', marker: '', value: 3.0, dataIndex: 12, axisValueLabel: '2025年1月' },
			{ seriesName: '投诉率', marker: '', value: { value: 3 }, dataIndex: 12, axisValueLabel: '2025年1月' }
		]);
		expect(tip).toBe('2025年1月<br/>投诉率：3.00‰<br/>上限：3.00‰<br/><em>不完整：仅含 3 天</em>');
	});
	it('rings a favourable signal green (改善) and an unfavourable one in the alert colour', () => {
		const worse = o(
			controlChart(chart, { locale: 'zh-CN', unit: 'permille', grain: 'month', emptyText: '无', names, direction: 'lower' }, lightTheme)
		);
		expect(worse.series[4].data[12]).toBeCloseTo(3, 6);
		const better = o(
			controlChart(chart, { locale: 'zh-CN', unit: 'permille', grain: 'month', emptyText: '无', names, direction: 'higher' }, lightTheme)
		);
		expect(better.series[4].data[12]).toMatchObject({ itemStyle: { borderColor: lightTheme.palette[2] } });
	});
	it('empty when there is nothing to draw', () => {
		const empty = computeChart({ kind: 'p', periods: ['2025-01-01'], values: [null], n: [null] });
		expect(
			o(controlChart(empty, { locale: 'en', unit: 'permille', grain: 'month', emptyText: 'No data', names }, lightTheme)).title.text
		).toBe('No data');
	});
});

describe('paretoCompare', async () => {
	const { paretoCompare } = await import('./paretoCompare');
	it('orders by this period, keeps both periods and the cumulative share', () => {
		const opt = o(
			paretoCompare(
				[
					{ category: '价格', current: 10, previous: 30 },
					{ category: '服务态度', current: 30, previous: 10 }
				],
				{ locale: 'zh-CN', names: { current: '本期', previous: '对比期', cumulative: '累计', threshold: '80%' }, emptyText: '无' },
				lightTheme
			)
		);
		expect(opt.xAxis.data).toEqual(['服务态度', '价格']);
		expect(opt.series[0].data).toEqual([30, 10]);
		expect(opt.series[1].data).toEqual([10, 30]);
		expect(opt.series[2].data).toEqual([75, 100]);
	});
});
