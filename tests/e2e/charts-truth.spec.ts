import { expect, test, type Locator, type Page } from '@playwright/test';
import { failOnPageProblems } from './problems';
import { dayOf, readSample } from './expected';
import { signIn } from './login';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { E2E_GENERATED_PORT } from './port';

/**
 * Charts and tiles that tell the true story (issue 17), on the sample files: data of every kind from
 * 2025-01-01 to 2025-03-31. Expected numbers are worked out here from the files and the textbook
 * formulas, not from the code under test.
 */

failOnPageProblems(test);

type Option = { yAxis: { min?: number }[]; series: { name?: string; data: unknown[]; lineStyle?: { type?: string } }[] };

/** The ECharts option a chart drew (Chart.svelte puts the instance on its element). */
async function optionOf(chart: Locator): Promise<Option> {
	await expect(chart).toHaveAttribute('data-ready', 'true');
	return chart.evaluate((el) => (el as HTMLElement & { echarts: { getOption(): unknown } }).echarts.getOption() as never);
}

const panel = (page: Page, id: string) => page.locator(`[data-panel=${id}]`);
const tile = (page: Page, label: string) => page.getByRole('article', { name: label, exact: true });

test('a week the range cuts is drawn incomplete, with its days in the CSV, and bars start at 0', async ({ page }) => {
	await signIn(page, undefined, '/complaints?from=2025-01-01&to=2025-03-31&grain=week');
	const chart = panel(page, 'cmp-trend').locator('[role=img][data-ready]');
	const option = await optionOf(chart);
	// weeks from Monday 2024-12-30: the first holds 5 days of the range (01-01…01-05), the last one day (03-31)
	const rate = option.series.filter((s) => s.name === '投诉率（每千笔交易）');
	expect(rate).toHaveLength(2); // the solid line and its dashed tail
	const [solid, tail] = rate as [Option['series'][0], Option['series'][0]];
	expect(solid.data[0]).toBeNull();
	expect(solid.data.at(-1)).toBeNull();
	expect(tail.lineStyle?.type).toBe('dashed');
	expect(tail.data.at(-1)).toMatchObject({ symbol: 'emptyCircle' });
	// the count bars: the incomplete weeks are light, and the axis starts at 0
	const bars = option.series.find((s) => s.name === '投诉量')!;
	expect((bars.data[0] as { itemStyle: { opacity: number } }).itemStyle.opacity).toBeLessThan(0.5);
	expect(option.yAxis[0]!.min).toBe(0);
	await expect(chart.locator('text').filter({ hasText: /^0$/u }).first()).toBeVisible();

	// the CSV names the covered days of each incomplete week
	const download = page.waitForEvent('download');
	await panel(page, 'cmp-trend').getByRole('button', { name: /CSV/u }).click();
	const csv = await (await (await download).createReadStream()).toArray();
	const lines = Buffer.concat(csv)
		.toString('utf8')
		.replace(/^\uFEFF/u, '')
		.trim()
		.split('\r\n');
	expect(lines[0]).toContain('不完整（覆盖天数）');
	expect(lines[1]).toMatch(/^2024-12-30,.*,5$/u);
	expect(lines.at(-1)).toMatch(/^2025-03-31,.*,1$/u);
	expect(lines[2]).toMatch(/,$/u); // a whole week: no mark

	// the tooltip says so
	const box = (await chart.boundingBox())!;
	const x = await chart.evaluate(
		(el, last) =>
			(el as HTMLElement & { echarts: { convertToPixel(f: object, v: number): number } }).echarts.convertToPixel({ xAxisIndex: 0 }, last),
		solid.data.length - 1
	);
	await page.mouse.move(box.x + x, box.y + box.height / 2);
	await expect(chart.getByText('不完整：仅含 1 天')).toBeVisible();
});

test('a tile whose window the data does not cover says so and shows no change', async ({ page }) => {
	// March and April: the data ends on 03-31, so 31 of 61 days
	await signIn(page, undefined, '/dashboard?from=2025-03-01&to=2025-04-30');
	const count = tile(page, '投诉量');
	await expect(count.locator('[data-field=incomplete]')).toHaveText('不完整：仅含 31 / 61 天');
	await expect(count.locator('[data-field=change]')).toContainText('本期不完整，不计变化');
	await expect(count.locator('[data-field=change] .arrow')).toHaveCount(0);
	// the monthly rate chart draws April (no data, 0 days) off the solid line, March whole
	const option = await optionOf(panel(page, 'rate-trend').locator('[role=img][data-ready]'));
	expect(option.series[0]!.data).toEqual([expect.any(Number), null]);

	// February and March are whole, but the two months before them (December, January) hold data only from 01-01
	await page.goto('/dashboard?from=2025-02-01&to=2025-03-31');
	await expect(count.locator('[data-field=incomplete]')).toHaveCount(0);
	await expect(count.locator('[data-field=change]')).toContainText('对比期不完整，不计变化');
	await expect(count.locator('[data-field=versus]')).toHaveText('较前 2 个月（2024-12-01 至 2025-01-31）');
});

test('tiles name the calendar window they compare with, and the change is against it', async ({ page }) => {
	await signIn(page, undefined, '/dashboard');
	await page.getByRole('button', { name: '本月' }).click();
	await expect(page).toHaveURL(/from=2025-03-01&to=2025-03-31/u);
	const count = tile(page, '投诉量');
	// March against all of February (not the 31 days before March)
	await expect(count.locator('[data-field=versus]')).toHaveText('较上月（2025-02-01 至 2025-02-28）');
	const complaints = readSample('complaints_gbk.csv').map((r) => dayOf(r['受理时间']!));
	const march = complaints.filter((d) => d.startsWith('2025-03')).length;
	const february = complaints.filter((d) => d.startsWith('2025-02')).length;
	const change = ((march - february) / february) * 100;
	await expect(count.locator('[data-field=change]')).toContainText(`${change > 0 ? '+' : ''}${change.toFixed(1)}%`);
	await expect(count.locator('[data-field=change] .arrow')).toHaveText(change > 0 ? '▲' : '▼');

	// the trend: 12 trailing months, March filled (this period) and February hollow (the comparison)
	const spark = count.locator('[role=img][data-ready]');
	const option = await optionOf(spark);
	expect(option.series[0]!.data).toHaveLength(12);
	expect(option.series[0]!.data.at(-1)).toMatchObject({ value: march, symbol: 'circle' });
	expect(option.series[0]!.data.at(-2)).toMatchObject({ value: february, symbol: 'emptyCircle' });

	await page.getByRole('button', { name: '近12个月' }).click();
	await expect(count.locator('[data-field=versus]')).toHaveText('较前 12 个月（2023-04-01 至 2024-03-31）');
	// the samples begin in January: 90 of those 365 days have data
	await expect(count.locator('[data-field=incomplete]')).toHaveText('不完整：仅含 90 / 365 天');
	await expect(count.locator('[data-field=change] .arrow')).toHaveCount(0);
});

test('the generated demo opens 总览 on a whole quarter with a change (an arrow, or ■ for none) on every tile', async ({ page }) => {
	// two whole years of generated data, 2024-01-01 to 2025-12-31: the default is the last quarter it fully covers
	await signIn(page, demoAccount('manager'), '/dashboard', `http://127.0.0.1:${E2E_GENERATED_PORT}`);
	await expect(page.locator('[data-field=range]')).toHaveText('2025-10-01 至 2025-12-31');
	await expect(page.getByRole('button', { name: '本季度' })).toHaveAttribute('aria-pressed', 'true');
	await expect(page.locator('[data-field=range-default]')).toHaveCount(0);
	const tiles = page.locator('article.tile');
	await expect(tiles).toHaveCount(6);
	for (const t of await tiles.all()) {
		await expect(t.locator('[data-field=incomplete]')).toHaveCount(0);
		await expect(t.locator('[data-field=versus]')).toHaveText('较上季度（2025-07-01 至 2025-09-30）');
		await expect(t.locator('[data-field=change] .arrow')).toHaveText(/^[▲▼■]$/u); // ■: the same median as the quarter before
	}
});

/** Wilson score interval, z = 1.959964 (Wilson 1927), in percent with one decimal. */
function wilson(k: number, n: number): [string, string] {
	const z = 1.959963984540054;
	const p = k / n;
	const d = 1 + (z * z) / n;
	const c = (p + (z * z) / (2 * n)) / d;
	const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
	return [((c - h) * 100).toFixed(1), (Math.min(1, c + h) * 100).toFixed(1)];
}

test('CSAT shows its Wilson interval, not ± a margin', async ({ page }) => {
	const scores = readSample('surveys.csv')
		.map((r) => r['总体满意度']!.trim())
		.filter((v) => v !== '')
		.map(Number);
	const [low, high] = wilson(scores.filter((s) => s >= 4).length, scores.length);
	await signIn(page, undefined, '/satisfaction?from=2025-01-01&to=2025-03-31');
	const summary = page.locator('[data-field=summary]');
	await expect(summary).toContainText(`（95% 置信区间 ${low}% – ${high}%）`);
	await expect(summary).not.toContainText('±');
	// the band of the CSAT chart never passes 100%
	const option = await optionOf(panel(page, 'sat-csat').locator('[role=img][data-ready]'));
	const [lower, width] = option.series as [Option['series'][0], Option['series'][0]];
	lower.data.forEach((l, i) => {
		const w = width.data[i];
		if (typeof l === 'number' && typeof w === 'number') expect(l + w).toBeLessThanOrEqual(100 + 1e-9);
	});
});
