import { expect, test, type Page } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { dayOf, readSample } from './expected';
import { signIn } from './login';
import { failOnPageProblems } from './problems';

/** 满意度 on the sample surveys (2025Q1). Expected numbers come from the file, not from the SQL under test. */
failOnPageProblems(test);

const q1 = (stores?: string[]) =>
	readSample('surveys.csv').filter(
		(r) => dayOf(r['调查日期']!) >= '2025-01-01' && dayOf(r['调查日期']!) <= '2025-03-31' && (!stores || stores.includes(r['门店']!))
	);
const fixed = (v: number, digits: number) =>
	new Intl.NumberFormat('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);

async function chartsReady(page: Page) {
	const charts = page.locator('[role=img][data-ready]');
	await expect.poll(() => charts.count()).toBeGreaterThanOrEqual(3);
	await expect(page.locator('[role=img][data-ready=false]')).toHaveCount(0);
}

test('the satisfaction page: CSAT and NPS with n, the dimensions by store, methods, and searchable low-score comments', async ({
	page
}) => {
	const rows = q1();
	const overall = rows
		.map((r) => r['总体满意度']!.trim())
		.filter((v) => v !== '')
		.map(Number);
	const csat = (overall.filter((v) => v >= 4).length / overall.length) * 100;
	const low = rows.filter((r) => r['总体满意度']!.trim() !== '' && Number(r['总体满意度']) <= 2);
	const withComment = low.filter((r) => r['意见建议']!.trim() !== '');
	expect(withComment.length).toBeGreaterThan(1);

	await signIn(page, undefined, '/satisfaction');
	await expect(page).toHaveTitle('满意度分析 · 服务质量分析');
	const summary = page.locator('[data-field=summary]');
	await expect(summary).toContainText(`共 ${rows.length} 份问卷`);
	await expect(summary).toContainText(`满意度 ${fixed(csat, 1)}%`);
	await expect(summary).toContainText(`低分问卷 ${low.length} 份`);
	await chartsReady(page);
	for (const name of ['满意度（CSAT）趋势', 'NPS 趋势', '四个维度的 4-5 分占比'])
		await expect(page.getByRole('img', { name, exact: true })).toHaveAttribute('data-ready', 'true');

	const stores = new Set(rows.map((r) => r['门店']));
	await expect(page.locator('table.heatmap tbody tr')).toHaveCount(stores.size);
	await expect(page.locator('table.heatmap tbody td[data-item=environment]').first()).toHaveText(/^\d\.\d{2}\s*\d+(\.\d)?%$/u);
	for (const method of new Set(rows.map((r) => r['调查方式']!))) {
		const n = rows.filter((r) => r['调查方式'] === method).length;
		await expect(page.locator(`tr[data-method="${method}"] td`).first()).toHaveText(String(n));
	}

	const comments = page.locator('section.comments');
	await expect(comments).toHaveAttribute('data-total', String(withComment.length));
	// the summary's count and the list's agree: the list says how many of the low-score responses it holds
	await expect(comments.locator('[data-field=comments-total]')).toHaveText(
		`低分问卷 ${low.length} 份，其中留有评价的 ${withComment.length} 条`
	);
	await page.screenshot({ path: 'test-results/satisfaction-zh.png', fullPage: true });
	const word = withComment[0]!['意见建议']!.slice(0, 3);
	const matching = withComment.filter((r) => r['意见建议']!.includes(word)).length;
	await comments.getByRole('searchbox').fill(word);
	await comments.getByRole('button', { name: '搜索', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(word)}`, 'u'));
	await expect(comments).toHaveAttribute('data-total', String(matching));
	for (const text of await comments.locator('td.comment').allTextContents()) expect(text).toContain(word);
	await comments.getByRole('searchbox').fill("%' OR 1=1 --");
	await comments.getByRole('button', { name: '搜索', exact: true }).click();
	await expect(comments).toHaveAttribute('data-total', '0');
	await expect(comments).toContainText('没有符合条件的低分评价');
});

test('a viewer sees their store’s numbers but not the comments', async ({ page }) => {
	await signIn(page, demoAccount('viewer'), '/satisfaction');
	await expect(page.locator('[data-field=summary]')).toContainText(`共 ${q1(['杭州湖滨店']).length} 份问卷`);
	await expect(page.locator('table.heatmap tbody tr')).toHaveCount(1);
	await expect(page.locator('section.comments')).toHaveCount(0);
	await chartsReady(page);
});

test('the satisfaction page in English, in a narrow window', async ({ page }) => {
	await page.setViewportSize({ width: 420, height: 900 });
	await signIn(page, undefined, '/satisfaction');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Satisfaction analysis');
	await chartsReady(page);
	await page.screenshot({ path: 'test-results/satisfaction-en-narrow.png', fullPage: true });
	await page.getByRole('button', { name: '中文' }).click();
});
