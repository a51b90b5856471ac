import { describe, expect, it } from 'vitest';
import { dimensionDots } from '../../src/lib/charts/dimensionDots';
import { chartSvg } from '../../src/lib/server/features/evaluations/svg';
import { printTheme } from '../../src/lib/charts/theme';

/**
 * The printed evaluation report puts server-rendered chart SVG into the page with {@html} (the only
 * {@html} in the app). The dimension chart's series are store or department names from uploaded files: they must
 * come out as escaped text, never as markup.
 */
describe('server-rendered chart SVG', () => {
	it('escapes names from the data', () => {
		const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>';
		const svg = chartSvg(
			dimensionDots(
				{ dimensions: ['业务能力', '沟通能力', '团队协作'], series: [{ name: evil, values: [80, 90, 70] }] },
				{ emptyText: '无数据', legend: 'plain' },
				printTheme
			),
			340,
			280
		);
		expect(svg).toMatch(/^<svg[\s>]/u);
		expect(svg).not.toContain('<img');
		expect(svg).not.toContain('<script');
		expect(svg).toContain('&lt;script&gt;');
	});
});
