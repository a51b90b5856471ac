import { failOnPageProblems } from './problems';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { KindId } from '../../src/lib/shared/schema';
import { expectedCoverage } from './expected';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { signIn } from './login';
import { E2E_EMPTY_PORT } from './port';
import { SAMPLE_LOADS } from './samples';

const KIND_ZH: Record<KindId, string> = {
	complaints: '投诉',
	surveys: '满意度调查',
	appraisals: '员工考核',
	traffic: '客流',
	staff: '员工',
	contacts: '来电与在线会话',
	inspections: '质检记录'
};
const KIND_EN: Record<KindId, string> = {
	complaints: 'Complaints',
	surveys: 'Satisfaction surveys',
	appraisals: 'Staff appraisals',
	traffic: 'Store traffic',
	staff: 'Staff',
	contacts: 'Calls and chats',
	inspections: 'Inspections'
};
const KINDS = Object.keys(KIND_ZH) as KindId[];
const COMMITTED = SAMPLE_LOADS.filter((l) => l.outcome === 'committed').length;
const LOADED_AT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

failOnPageProblems(test);

const card = (page: Page, label: string) => page.getByRole('article', { name: label, exact: true });

/** The cell of `row` under the column headed `header` (headers read from the table itself). */
async function cellUnder(table: Locator, row: Locator, header: string): Promise<Locator> {
	const headers = (await table.getByRole('columnheader').allTextContents()).map((h) => h.trim());
	const index = headers.indexOf(header);
	expect(index, `column ${header} in ${headers.join(' | ')}`).toBeGreaterThanOrEqual(0);
	return row.getByRole('cell').nth(index);
}

test('the overview shows every kind with its rows, dates covered and last load', async ({ page }) => {
	const expected = expectedCoverage();
	await signIn(page);

	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page).toHaveTitle('数据状态 · 服务质量分析');
	await expect(page.getByRole('link', { name: '服务质量分析' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据状态');

	const coverage = page.getByRole('region', { name: '数据覆盖' });
	await expect(coverage.getByRole('article')).toHaveCount(KINDS.length);
	for (const kind of KINDS) {
		const c = card(page, KIND_ZH[kind]);
		const e = expected[kind];
		await expect(c.locator('[data-field=rows]')).toHaveText(e.rows.toLocaleString('zh-CN'));
		await expect(c.locator('[data-field=range]')).toHaveText(`${e.from} 至 ${e.to}`);
		await expect(c.locator('[data-field=last-load]')).toHaveText(LOADED_AT);
	}
	// The numbers the sample README promises, so a wrong expectation cannot hide a wrong page.
	expect(Object.fromEntries(KINDS.map((k) => [k, expected[k].rows]))).toEqual({
		complaints: 300,
		surveys: 300,
		appraisals: 104,
		traffic: 270,
		staff: 36,
		contacts: 913,
		inspections: 96
	});
	expect(expected.complaints).toMatchObject({ from: '2025-01-01', to: '2025-03-31' });

	await page.screenshot({ path: 'test-results/home-zh.png', fullPage: true });
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(card(page, KIND_ZH.complaints)).toBeVisible();
	await page.screenshot({ path: 'test-results/home-zh-mobile.png', fullPage: true });
});

test('the batches table lists every load, newest first, with the rejected file', async ({ page }) => {
	await signIn(page);
	const table = page.getByRole('table', { name: '导入记录' });
	const rows = table.locator('tbody').getByRole('row');
	await expect(rows).toHaveCount(SAMPLE_LOADS.length);

	// Newest first: the last file loaded is the first row.
	const files = SAMPLE_LOADS.map((l) => l.file).reverse();
	for (const [i, file] of files.entries()) {
		await expect(await cellUnder(table, rows.nth(i), '文件名')).toHaveText(file);
	}

	await expect(rows.filter({ hasText: '已导入' })).toHaveCount(COMMITTED);
	const rejected = rows.filter({ hasText: '已拒绝' });
	await expect(rejected).toHaveCount(1);
	await expect(await cellUnder(table, rejected, '文件名')).toHaveText('surveys_with_errors.csv');
	await expect(await cellUnder(table, rejected, '数据类型')).toHaveText('满意度调查');
	await expect(await cellUnder(table, rejected, '读取行数')).toHaveText('30');
	await expect(await cellUnder(table, rejected, '导入行数')).toHaveText('0');
	await expect(await cellUnder(table, rejected, '拒绝行数')).toHaveText('7');

	const complaints = rows.filter({ hasText: 'complaints_gbk.csv' });
	await expect(await cellUnder(table, complaints, '数据类型')).toHaveText('投诉');
	await expect(await cellUnder(table, complaints, '来源')).toHaveText('命令行');
	await expect(await cellUnder(table, complaints, '导入人')).toHaveText('e2e');
	await expect(await cellUnder(table, complaints, '导入行数')).toHaveText('300');
	await expect(await cellUnder(table, complaints, '编码')).toHaveText('GBK');
	await expect(await cellUnder(table, complaints, '完成时间')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
	await expect(await cellUnder(table, rows.filter({ hasText: 'surveys.csv' }).first(), '编码')).toHaveText('UTF-8（带 BOM）');
});

test('the language switch shows the page in English and back in Chinese', async ({ page }) => {
	await signIn(page);
	const english = page.getByRole('button', { name: 'English' });
	const chinese = page.getByRole('button', { name: '中文' });
	await expect(chinese).toHaveAttribute('aria-pressed', 'true');

	await english.click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Data status');
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expect(english).toHaveAttribute('aria-pressed', 'true');
	await expect(page).toHaveTitle('Data status · Service quality analytics');
	for (const kind of KINDS) await expect(card(page, KIND_EN[kind])).toBeVisible();
	await expect(card(page, KIND_EN.complaints).locator('[data-field=range]')).toHaveText('2025-01-01 – 2025-03-31');
	const table = page.getByRole('table', { name: 'Load history' });
	await expect(table.getByRole('columnheader', { name: 'Rows rejected' })).toBeVisible();
	const body = table.locator('tbody');
	await expect(body.getByText('Rejected', { exact: true })).toHaveCount(1);
	await expect(body.getByText('Loaded', { exact: true })).toHaveCount(COMMITTED);
	await expect(body.getByText('Command line', { exact: true })).toHaveCount(SAMPLE_LOADS.length);
	await expect(page.getByText('数据状态')).toHaveCount(0);
	await page.screenshot({ path: 'test-results/home-en.png', fullPage: true });

	// The choice is remembered (cookie) across a fresh load.
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Data status');

	await chinese.click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据状态');
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(card(page, KIND_ZH.surveys)).toBeVisible();
});

test('every page link is in view on a 1280 px laptop screen and a wide one, in Chinese and in English', async ({ page }) => {
	await signIn(page, demoAccount('admin'));
	const links = page.getByRole('navigation', { name: /^(主导航|Main navigation)$/u });
	for (const [width, lang] of [
		[1280, '中文'],
		[1280, 'English'],
		[1600, 'English'],
		[1600, '中文']
	] as const) {
		await page.setViewportSize({ width, height: 800 });
		await page.getByRole('button', { name: lang }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', lang === 'English' ? 'en' : 'zh-CN');
		const fit = await links.evaluate((nav) => ({
			scroll: nav.scrollWidth,
			client: nav.clientWidth,
			count: nav.querySelectorAll('a').length
		}));
		expect(fit.count, `${lang} at ${width}`).toBe(12);
		expect(fit.scroll, `${lang} at ${width}: the links need ${fit.scroll} px, the bar shows ${fit.client}`).toBeLessThanOrEqual(fit.client);
	}
	await page.setViewportSize({ width: 1280, height: 800 });
});

test('an empty database shows empty cards and how to load data', async ({ page }) => {
	await signIn(page, undefined, '/', `http://127.0.0.1:${E2E_EMPTY_PORT}`);
	for (const kind of KINDS) {
		const c = card(page, KIND_ZH[kind]);
		await expect(c.locator('[data-field=rows]')).toHaveText('暂无数据');
		await expect(c.locator('[data-field=last-load]')).toHaveText('尚未导入');
	}
	const batches = page.getByRole('region', { name: '导入记录' });
	await expect(batches.getByRole('table')).toHaveCount(0);
	await expect(batches.getByText('还没有导入任何数据')).toBeVisible();
	await expect(batches.getByText('npm run ingest -- surveys data/samples/surveys.csv')).toBeVisible();
	await page.screenshot({ path: 'test-results/home-empty.png', fullPage: true });
});

test('a viewer limited to one store sees only that store’s rows and no load history', async ({ page }) => {
	await signIn(page, demoAccount('viewer'));
	// 杭州湖滨店 in the samples: 90 traffic days, 12 staff (README of data/samples).
	await expect(card(page, KIND_ZH.traffic).locator('[data-field=rows]')).toHaveText('90');
	await expect(card(page, KIND_ZH.staff).locator('[data-field=rows]')).toHaveText('12');
	await expect(page.getByRole('heading', { name: '导入记录' })).toHaveCount(0);
	await expect(page.getByText('仅限您可查看的门店')).toBeVisible();
	await expect(page.getByText('surveys_with_errors.csv')).toHaveCount(0);
});
