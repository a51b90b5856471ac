import { expect, test, type Page } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { dayOf, readSample } from './expected';
import { signIn } from './login';
import { E2E_UPLOAD_PORT } from './port';
import { failOnPageProblems } from './problems';

/**
 * 投诉 and its drill-down on the sample files (2025Q1 is the default range). Expected numbers come from
 * the files themselves, not from the SQL under test.
 */
failOnPageProblems(test);

const inQ1 = (day: string) => day >= '2025-01-01' && day <= '2025-03-31';
const q1Complaints = (stores?: string[]) =>
	readSample('complaints_gbk.csv').filter((r) => inQ1(dayOf(r['受理时间']!)) && (!stores || stores.includes(r['门店']!)));

/** Categories by count, largest first (ties by name, as the page orders them). */
function categoryCounts(rows: Record<string, string>[]): [string, number][] {
	const counts = new Map<string, number>();
	for (const r of rows) counts.set(r['投诉类别']!, (counts.get(r['投诉类别']!) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh-CN'));
}

async function chartsReady(page: Page) {
	const charts = page.locator('[role=img][data-ready]');
	await expect.poll(() => charts.count()).toBeGreaterThanOrEqual(7);
	await expect(page.locator('[role=img][data-ready=false]')).toHaveCount(0);
}

/** Clicks the tallest bar of a panel's chart, as a person would (a real mouse click on the drawing). */
async function clickTallestBar(page: Page, panel: string) {
	const chart = page.locator(`[data-panel=${panel}] [role=img]`);
	await expect(chart).toHaveAttribute('data-ready', 'true');
	await chart.scrollIntoViewIfNeeded();
	const box = await chart.evaluate((el) => {
		// bars are drawn in the light theme's first colour; the legend's icon is the small one of that colour
		const bars = [...el.querySelectorAll('path[fill="#2563c9"]')].map((p) => p.getBoundingClientRect()).filter((r) => r.height > 0);
		const tallest = bars.sort((a, b) => b.height - a.height)[0]!;
		return { x: tallest.x + tallest.width / 2, y: tallest.y + tallest.height / 2 };
	});
	await page.mouse.click(box.x, box.y);
}

const drill = (page: Page) => page.locator('section.drill');

test('the complaints page draws every chart; a Pareto bar drills down to exactly the complaints it counts', async ({ page }) => {
	const rows = q1Complaints();
	expect(rows).toHaveLength(300);
	await signIn(page, undefined, '/complaints');
	await expect(page).toHaveTitle('投诉分析 · 服务质量分析');
	await expect(page.getByRole('navigation').getByRole('link', { name: '投诉' })).toHaveAttribute('aria-current', 'page');
	await expect(page.locator('[data-field=summary]')).toContainText('共 300 件投诉');
	await chartsReady(page);
	for (const name of [
		'投诉量与投诉率',
		'按类别的投诉量',
		'投诉类别帕累托图',
		'首次响应时长分布',
		'办结时长分布',
		'未办结投诉账龄',
		'重复投诉率',
		'回访率与回访满意率'
	]) {
		await expect(page.getByRole('img', { name, exact: true })).toHaveAttribute('data-ready', 'true');
	}
	await page.screenshot({ path: 'test-results/complaints-zh.png', fullPage: true });

	const [[top, count]] = categoryCounts(rows) as [[string, number]];
	await clickTallestBar(page, 'cmp-pareto');
	await expect(drill(page)).toHaveAttribute('data-loading', 'false');
	await expect(drill(page).getByRole('heading')).toHaveText(`投诉明细：类别：${top}`);
	await expect(drill(page)).toHaveAttribute('data-total', String(count));
	const shown = Math.min(50, count);
	await expect(drill(page).locator('tbody tr')).toHaveCount(shown);
	expect(new Set(await drill(page).locator('td[data-col=category]').allTextContents())).toEqual(new Set([top]));
	// the quality officer has no pii permission: phones arrive masked from the server
	for (const phone of await drill(page).locator('td[data-col=customer_phone]').allTextContents())
		expect(phone).toMatch(/^(\d{3}\*{4}\d{4}|\d{3,4}-\*+\d{4}|)$/u);
	await expect(drill(page)).toContainText('客户姓名与电话已按权限脱敏');
	// the ids shown are the first of that category by time received
	const expectedIds = rows.filter((r) => r['投诉类别'] === top).sort((a, b) => dayOf(a['受理时间']!).localeCompare(dayOf(b['受理时间']!)));
	expect((await drill(page).locator('td[data-col=complaint_id]').allTextContents()).slice(0, 1)).toEqual([expectedIds[0]!['投诉编号']]);
	if (count > 50) {
		await drill(page).getByRole('button', { name: '下一页' }).click();
		await expect(drill(page).locator('tbody tr')).toHaveCount(Math.min(50, count - 50));
	}

	// the chart's numbers as CSV, Excel-safe
	const download = page.waitForEvent('download');
	await page.locator('[data-panel=cmp-pareto]').getByRole('button', { name: 'CSV' }).click();
	const file = await download;
	expect(file.suggestedFilename()).toBe('complaints-pareto.csv');
	const text = (await (await file.createReadStream()).toArray()).map((b: Buffer) => b.toString('utf8')).join('');
	expect(text.startsWith('\uFEFF类别,投诉量,累计占比\r\n')).toBe(true);
	expect(text.split('\r\n')[1]).toBe(`${top},${count},${(count / 300) * 100}`);
});

test('filters and grain live in the URL: the summary and charts follow, the back button undoes', async ({ page }) => {
	await signIn(page, undefined, '/complaints');
	await expect(page.locator('[data-field=summary]')).toContainText('共 300 件投诉');
	await page.getByRole('button', { name: '月', exact: true }).click();
	await expect(page).toHaveURL(/grain=month/u);
	await chartsReady(page);

	const [, second] = categoryCounts(q1Complaints()) as [string, number][];
	await page.locator('[data-filter=category] summary').click();
	await page.locator('[data-filter=category]').getByRole('checkbox', { name: second![0] }).check();
	await expect(page).toHaveURL(new RegExp(`category=${encodeURIComponent(second![0])}`, 'u'));
	await expect(page).toHaveURL(/grain=month/u); // the grain is kept
	await expect(page.locator('[data-field=summary]')).toContainText(`共 ${second![1]} 件投诉`);
	await chartsReady(page);

	await page.goBack();
	await expect(page.locator('[data-field=summary]')).toContainText('共 300 件投诉');
	await page.getByRole('button', { name: '门店', exact: true }).click();
	await expect(page).toHaveURL(/by=store/u);
	await expect(page.getByRole('img', { name: '按门店的投诉量' })).toHaveAttribute('data-ready', 'true');
});

// The retention test (admin-retention.spec) erases the customers of the main test server; the masking
// test reads them on the upload tests' server, which has the same samples and never applies retention.
test.describe('customer data', () => {
	test.use({ baseURL: `http://127.0.0.1:${E2E_UPLOAD_PORT}` });

	test('a manager without pii sees masked customers of their own store; leadership sees them plain', async ({ page }) => {
		const own = q1Complaints(['南京新街口店']);
		await signIn(page, demoAccount('manager'), '/complaints');
		await expect(page.locator('[data-field=summary]')).toContainText(`共 ${own.length} 件投诉`);
		const [[top, count]] = categoryCounts(own) as [[string, number]];
		await clickTallestBar(page, 'cmp-pareto');
		await expect(drill(page)).toHaveAttribute('data-total', String(count));
		expect(new Set(await drill(page).locator('td[data-col=store]').allTextContents())).toEqual(new Set(['南京新街口店']));
		const names = await drill(page).locator('td[data-col=customer_name]').allTextContents();
		expect(names.filter((n) => n !== '').length, 'the samples name their customers').toBeGreaterThan(10);
		expect(names.some((n) => n.includes('*'))).toBe(true);
		const plain = new Set(own.filter((r) => r['投诉类别'] === top).map((r) => r['投诉人']));
		for (const n of names) if (n.includes('*')) expect(plain.has(n)).toBe(false);
		await page.screenshot({ path: 'test-results/complaints-drill-masked.png', fullPage: true });

		await page.getByRole('button', { name: '退出登录' }).click();
		await signIn(page, demoAccount('leadership'), '/complaints?store=南京新街口店');
		await clickTallestBar(page, 'cmp-pareto');
		await expect(drill(page)).toHaveAttribute('data-total', String(count));
		await expect(drill(page)).not.toContainText('已按权限脱敏');
		const phones = await drill(page).locator('td[data-col=customer_phone]').allTextContents();
		expect(phones.some((p) => /\d{11}/u.test(p.replace(/\D/gu, '')))).toBe(true);
	});
});

test('a viewer sees the charts of their store but no drill-down, and no row API', async ({ page }) => {
	await signIn(page, demoAccount('viewer'), '/complaints');
	await expect(page.locator('[data-field=summary]')).toContainText(`共 ${q1Complaints(['杭州湖滨店']).length} 件投诉`);
	await chartsReady(page);
	await clickTallestBar(page, 'cmp-pareto');
	await page.waitForTimeout(300); // nothing is fetched; give a wrong handler the chance to show up
	await expect(drill(page)).toHaveCount(0);
	const res = await page.request.get('/api/rows/complaints?from=2025-01-01&to=2025-03-31');
	expect(res.status()).toBe(403);
});

test('the complaints page in English', async ({ page }) => {
	await signIn(page, undefined, '/complaints');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Complaint analysis');
	await expect(page.locator('[data-field=summary]')).toContainText('300 complaints');
	await chartsReady(page);
	await page.screenshot({ path: 'test-results/complaints-en.png', fullPage: true });
	await page.getByRole('button', { name: '中文' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('投诉分析');
});
