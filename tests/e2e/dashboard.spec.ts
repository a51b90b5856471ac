import { failOnPageProblems } from './problems';
import { expect, test, type Page } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { dayOf, readSample } from './expected';
import { signIn } from './login';

/**
 * 总览 on the sample files (3 stores, 2025-01-01..2025-03-31). Expected numbers are worked out here
 * from the files themselves (see data/samples/README.md), not from the SQL under test.
 */

const Q1 = { from: '2025-01-01', to: '2025-03-31' };
const inQ1 = (day: string) => day >= Q1.from && day <= Q1.to;

function expectedQ1(stores?: string[]) {
	const keep = (store: string) => !stores || stores.includes(store);
	const complaints = readSample('complaints_gbk.csv').filter((r) => keep(r['门店']!) && inQ1(dayOf(r['受理时间']!)));
	const traffic = readSample('traffic.csv').filter((r) => keep(r['门店']!) && inQ1(dayOf(r['日期']!)));
	const trafficDays = new Set(traffic.map((r) => `${r['门店']}|${dayOf(r['日期']!)}`));
	const rateNumerator = complaints.filter((r) => trafficDays.has(`${r['门店']}|${dayOf(r['受理时间']!)}`)).length;
	const transactions = traffic.reduce((s, r) => s + Number(r['交易笔数']), 0);
	const surveys = readSample('surveys.csv').filter((r) => keep(r['门店']!) && inQ1(dayOf(r['调查日期']!)));
	const overall = surveys
		.map((r) => r['总体满意度']!.trim())
		.filter((v) => v !== '')
		.map(Number);
	const nps = surveys
		.map((r) => r['推荐意愿']!.trim())
		.filter((v) => v !== '')
		.map(Number);
	return {
		count: complaints.length,
		rate: (rateNumerator / transactions) * 1000,
		rateNumerator,
		transactions,
		csat: (overall.filter((v) => v >= 4).length / overall.length) * 100,
		nps: ((nps.filter((v) => v >= 9).length - nps.filter((v) => v <= 6).length) / nps.length) * 100
	};
}

const fixed = (v: number, digits: number) =>
	new Intl.NumberFormat('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);

// the browser logs the document a refused store filter gets; that one is expected
failOnPageProblems(
	test,
	(msg) => /status of 403/u.test(msg.text()) && decodeURIComponent(msg.location().url).includes('/dashboard?store=')
);

const tile = (page: Page, label: string) => page.getByRole('article', { name: label, exact: true });
const value = (page: Page, label: string) => tile(page, label).locator('[data-field=value]');

/** Every chart on the page (4 panels + a trend per tile that has at least two periods of history) has drawn. */
async function chartsReady(page: Page, atLeast: number) {
	const charts = page.locator('[role=img][data-ready]');
	await expect.poll(() => charts.count()).toBeGreaterThanOrEqual(atLeast);
	await expect(page.locator('[role=img][data-ready=false]')).toHaveCount(0);
	for (const chart of await charts.all()) await expect(chart).toHaveAttribute('data-ready', 'true');
}

test('the overview shows six tiles computed from the samples and four drawn charts', async ({ page }) => {
	const e = expectedQ1();
	expect(e.count).toBe(300); // the samples README promises 300 complaints in 2025Q1
	await signIn(page, undefined, '/dashboard');

	await expect(page).toHaveTitle('总览 · 服务质量分析');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('总览');
	await expect(page.getByRole('navigation').getByRole('link', { name: '总览' })).toHaveAttribute('aria-current', 'page');
	// the default range is the last full quarter with data
	await expect(page.locator('[data-field=range]')).toHaveText('2025-01-01 至 2025-03-31');
	await expect(page.getByRole('button', { name: '本季度' })).toHaveAttribute('aria-pressed', 'true');

	await expect(page.getByRole('article')).toHaveCount(6);
	await expect(value(page, '投诉量')).toHaveText('300');
	const rate = tile(page, '投诉率（每千笔交易）');
	await expect(rate.locator('[data-field=value]')).toHaveText(`${fixed(e.rate, 2)}‰`);
	await expect(rate.locator('[data-field=note]')).toContainText('分子与分母取相同的门店和日期');
	await expect(rate.locator('[data-field=note]')).toContainText(
		`${e.rateNumerator.toLocaleString('zh-CN')} 件投诉 ÷ ${e.transactions.toLocaleString('zh-CN')} 笔交易`
	);
	await expect(value(page, '满意度（CSAT）')).toHaveText(`${fixed(e.csat, 1)}%`);
	await expect(value(page, '净推荐值（NPS）')).toHaveText(fixed(e.nps, 1));
	// medians and SLA depend on interpolation and "now": format only
	await expect(value(page, '首次响应时长中位数')).toHaveText(/^\d+\.\d 小时$/u);
	await expect(value(page, '办结时效达标率')).toHaveText(/^\d{1,3}\.\d%$/u);
	// no data before 2025: no change to show
	await expect(tile(page, '投诉量').locator('[data-field=change]')).toContainText('上期无数据');
	// the comparison window is the quarter before, and the tile says so
	await expect(tile(page, '投诉量').locator('[data-field=versus]')).toHaveText('较上季度（2024-10-01 至 2024-12-31）');

	await chartsReady(page, 4);
	// the samples hold one quarter: a tile's quarterly trend would be one dot, so it says there is too little history
	await expect(tile(page, '投诉量').locator('[data-field=spark-few]')).toHaveText('历史数据不足，无趋势');
	for (const name of ['投诉率趋势（按月）', '满意度与 NPS 趋势（按月）', '投诉率最高的门店（前 5）', '投诉类别排行']) {
		await expect(page.getByRole('img', { name, exact: true })).toHaveAttribute('data-ready', 'true');
	}
	await page.screenshot({ path: 'test-results/dashboard-zh.png', fullPage: true });
});

test('a store filter goes into the URL, updates the tiles and the back button undoes it', async ({ page }) => {
	await signIn(page, undefined, '/dashboard');
	await expect(value(page, '投诉量')).toHaveText('300');

	await page.getByRole('checkbox', { name: '南京新街口店' }).check();
	await expect(page).toHaveURL(/[?&]store=%E5%8D%97%E4%BA%AC%E6%96%B0%E8%A1%97%E5%8F%A3%E5%BA%97/u);
	await expect(value(page, '投诉量')).toHaveText('141');
	const e = expectedQ1(['南京新街口店']);
	expect(e.count).toBe(141);
	await expect(value(page, '投诉率（每千笔交易）')).toHaveText(`${fixed(e.rate, 2)}‰`);
	await chartsReady(page, 4);

	// a preset keeps the store and changes the range
	await page.getByRole('button', { name: '上月' }).click();
	await expect(page).toHaveURL(/from=2025-02-01&to=2025-02-28/u);
	await expect(page.locator('[data-field=range]')).toHaveText('2025-02-01 至 2025-02-28');
	await expect(page.getByRole('checkbox', { name: '南京新街口店' })).toBeChecked();
	const feb = readSample('complaints_gbk.csv').filter(
		(r) => r['门店'] === '南京新街口店' && dayOf(r['受理时间']!).startsWith('2025-02')
	).length;
	await expect(value(page, '投诉量')).toHaveText(String(feb));
	// a month has a trend of trailing months: January and February, six tiles
	await chartsReady(page, 10);

	await page.goBack();
	await expect(value(page, '投诉量')).toHaveText('141');
	await page.goBack();
	await expect(value(page, '投诉量')).toHaveText('300');
	await expect(page.getByRole('checkbox', { name: '南京新街口店' })).not.toBeChecked();

	// a shared link opens the same view
	await page.goto('/dashboard?from=2025-01-01&to=2025-03-31&store=杭州湖滨店');
	await expect(value(page, '投诉量')).toHaveText('64');
});

test('the language switch shows the overview in English', async ({ page }) => {
	await signIn(page, undefined, '/dashboard');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
	await expect(page).toHaveTitle('Dashboard · Service quality analytics');
	await expect(value(page, 'Complaints')).toHaveText('300');
	await expect(tile(page, 'Complaint rate (per 1,000 transactions)').locator('[data-field=note]')).toContainText(
		'Numerator and denominator cover the same stores and days'
	);
	await expect(page.getByRole('button', { name: 'This quarter' })).toHaveAttribute('aria-pressed', 'true');
	await expect(page.locator('[data-field=range]')).toHaveText('2025-01-01 – 2025-03-31');
	await chartsReady(page, 4);
	await page.screenshot({ path: 'test-results/dashboard-en.png', fullPage: true });
	await page.getByRole('button', { name: '中文' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('总览');
});

test('a viewer limited to 杭州湖滨店 sees only that store', async ({ page }) => {
	await signIn(page, demoAccount('viewer'), '/dashboard');
	await expect(value(page, '投诉量')).toHaveText('64');
	await expect(page.getByRole('checkbox')).toHaveCount(0);
	await chartsReady(page, 4);
	// asking for another store is refused by the guard
	const res = await page.goto('/dashboard?store=南京新街口店');
	expect(res?.status()).toBe(403);
});
