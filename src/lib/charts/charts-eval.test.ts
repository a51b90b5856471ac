import { describe, expect, it } from 'vitest';
import { init } from './echarts';
import { gradeBars } from './gradeBars';
import { dimensionDots } from './dimensionDots';
import { scoreTrend } from './scoreTrend';
import { lightTheme } from './theme';
import type { ChartOption } from './types';

const svgOf = (option: ChartOption) => {
	const c = init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 300 });
	c.setOption({ ...option, animation: false });
	const svg = c.renderToSVGString();
	c.dispose();
	return svg;
};

describe('evaluation charts', () => {
	const grades = [
		{ grade: 'A', share: 25, count: 1 },
		{ grade: 'B', share: 50, count: 2 },
		{ grade: 'C', share: 25, count: 1 },
		{ grade: 'D', share: 0, count: 0 }
	];
	it('draws the grade shares, the A bar over the guideline in the alert colour, and the guideline line', () => {
		const o = gradeBars({ grades, maxA: 20 }, { name: '占比', guidelineLabel: '指导线', emptyText: '无' }, lightTheme) as {
			series: { data: { value: number; itemStyle: { color: string } }[]; markLine?: { data: { yAxis: number }[] } }[];
		};
		expect(o.series[0]!.data.map((d) => d.value)).toEqual([25, 50, 25, 0]);
		expect(o.series[0]!.data[0]!.itemStyle.color).toBe(lightTheme.alert);
		expect(o.series[0]!.data[1]!.itemStyle.color).toBe(lightTheme.palette[0]);
		expect(o.series[0]!.markLine!.data).toEqual([{ yAxis: 20 }]);
		expect(svgOf(o as ChartOption)).toContain('指导线 20%');
		const none = gradeBars({ grades, maxA: null }, { name: '占比', guidelineLabel: '指导线', emptyText: '无' }, lightTheme) as {
			series: { markLine?: unknown }[];
		};
		expect(none.series[0]!.markLine).toBeUndefined();
		expect(
			gradeBars(
				{ grades: grades.map((g) => ({ ...g, count: 0, share: 0 })), maxA: 20 },
				{ name: '', guidelineLabel: '', emptyText: '无数据' },
				lightTheme
			).title
		).toMatchObject({ text: '无数据' });
	});
	it('draws dimension means as labelled dots on a numbered scale from two under the lowest to two over the highest, on even numbers', () => {
		const o = dimensionDots(
			{ dimensions: ['业务能力', '沟通能力', '团队协作'], series: [{ name: '全部', values: [81.2, 77.5, 90] }] },
			{ emptyText: '' },
			lightTheme
		) as {
			xAxis: { min: number; max: number; axisLabel: object };
			yAxis: { data: string[] };
			series: { data: unknown[]; label: { show: boolean } }[];
		};
		// lowest 77.5 − 2 = 75.5 → down to the even 74; highest 90 + 2 = 92
		expect([o.xAxis.min, o.xAxis.max]).toEqual([74, 92]);
		expect(o.yAxis.data).toEqual(['业务能力', '沟通能力', '团队协作']);
		expect(o.series[0]!.data).toEqual([81.2, 77.5, 90]);
		expect(o.series[0]!.label.show).toBe(true);
		// never past 100
		const top = dimensionDots({ dimensions: ['a'], series: [{ name: 'x', values: [99.5] }] }, { emptyText: '' }, lightTheme) as {
			xAxis: { max: number };
		};
		expect(top.xAxis.max).toBe(100);
		const svg = svgOf(o as ChartOption);
		expect(svg).toContain('业务能力');
		// the scale is numbered
		expect(svg).toContain('>74<');
		expect(svg).toContain('>92<');
	});
	it('draws a line per series with the threshold on the first', () => {
		const o = scoreTrend(
			{
				periods: ['2025-01', '2025-02'],
				series: [
					{ name: '总分', values: [82, 78], bold: true },
					{ name: '纪律', values: [80, null] }
				],
				threshold: 80,
				thresholdLabel: '警告线'
			},
			{ emptyText: '' },
			lightTheme
		) as {
			series: { data: unknown[]; markLine?: { data: { yAxis: number }[] } }[];
			yAxis: { min: number };
		};
		expect(o.series).toHaveLength(2);
		expect(o.series[0]!.markLine!.data).toEqual([{ yAxis: 80 }]);
		expect(o.series[1]!.markLine).toBeUndefined();
		// lowest value 78 − 5 = 73 → 70
		expect(o.yAxis.min).toBe(70);
	});
});
