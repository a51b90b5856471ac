import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signIn } from './login';
import { E2E_UPLOAD_PORT } from './port';
import { failOnPageProblems } from './problems';

/**
 * Where an upload hurts most: a file whose statuses are the site's own words fails as a few counted
 * groups, each mapped onto an allowed status in place (no JSON) until the file passes; the load then
 * opens 总览 on its own days and store; the same file chosen again is recognised before any mapping.
 */
const BASE = `http://127.0.0.1:${E2E_UPLOAD_PORT}`;

failOnPageProblems(test);
test.describe.configure({ mode: 'serial' });

/** 26 complaints of 杭州湖滨店 in August 2025 (5th to 30th); their statuses are a complaints site's words. */
const STATUSES = [...Array<string>(18).fill('信息审核'), ...Array<string>(6).fill('用户评分'), '厂家受理', '已办结'];
const path = join(tmpdir(), `e2e-site-statuses-${process.pid}.csv`);
writeFileSync(
	path,
	[
		'投诉编号,投诉时间,门店,投诉类别,内容摘要,处理状态',
		...STATUSES.map((s, i) => `ST-${i + 1},2025-08-${String(5 + i).padStart(2, '0')} 10:00,杭州湖滨店,服务态度,等待太久,${s}`)
	].join('\n') + '\n'
);

async function chooseFile(page: import('@playwright/test').Page) {
	await page.goto(`${BASE}/upload`);
	await page.getByRole('radio', { name: '投诉', exact: true }).check();
	await page.locator('[data-field=file-input]').setInputFiles(path);
	await expect(page.locator('[data-field=preview]')).toBeVisible();
}

test('grouped upload errors with an inline value mapping that makes the file pass; 在总览中查看 opens the batch’s days and store', async ({
	page
}) => {
	await signIn(page, undefined, '/upload', BASE);
	await chooseFile(page);
	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toHaveText('试运行：读取 26 行，可导入 1 行，有问题 25 行；未写入数据库');

	const groups = page.locator('[data-field=error-groups] tbody tr');
	await expect(groups).toHaveCount(3);
	await expect(page.locator('#groups-heading')).toHaveText('问题汇总：3 类，共 25 行');
	const expected: [string, number][] = [
		['信息审核', 18],
		['用户评分', 6],
		['厂家受理', 1]
	];
	for (const [i, [value, count]] of expected.entries()) {
		await expect(groups.nth(i)).toHaveAttribute('data-value', value);
		await expect(groups.nth(i).locator('[data-field=group-count]')).toHaveText(String(count));
		await expect(groups.nth(i)).toContainText(`「处理状态」的值「${value}」不在允许的取值中`);
	}
	await expect(page.locator('[data-action=apply-value-maps]')).toBeDisabled();
	await page.getByRole('combobox', { name: '将「处理状态」的「信息审核」映射为' }).selectOption('待处理');
	await page.getByRole('combobox', { name: '将「处理状态」的「用户评分」映射为' }).selectOption('已办结');
	await page.getByRole('combobox', { name: '将「处理状态」的「厂家受理」映射为' }).selectOption('处理中');
	await page.locator('[data-action=apply-value-maps]').click();

	await expect(page.locator('[data-field=dry-run-message]')).toHaveText('试运行：读取 26 行，可导入 26 行，有问题 0 行；未写入数据库');
	await expect(page.locator('[data-field=error-groups]')).toHaveCount(0);
	// the choices went into the mapping itself: the JSON panel shows the value map
	await page.getByText('高级').click();
	await expect(page.locator('[data-field=mapping-json]')).toHaveValue(/"信息审核": "待处理"/u);

	await page.locator('[data-action=load]').click();
	await expect(page.locator('[data-field=result-message]')).toContainText('导入成功：读取 26 行，导入 26 行');
	const link = page.locator('[data-field=result-dashboard]');
	await expect(link).toHaveAttribute(
		'href',
		`/dashboard?${new URLSearchParams({ from: '2025-08-05', to: '2025-08-30', store: '杭州湖滨店' })}`
	);
	await link.click();
	await expect(page).toHaveURL(/\/dashboard\?/u);
	const url = new URL(page.url());
	expect([url.searchParams.get('from'), url.searchParams.get('to'), url.searchParams.getAll('store')]).toEqual([
		'2025-08-05',
		'2025-08-30',
		['杭州湖滨店']
	]);
	await expect(page.locator('article[data-metric=complaint_count] [data-field=value]')).toHaveText('26');
});

test('the same file chosen again is recognised from its hash before the mapping: when and which batch, with a link', async ({ page }) => {
	await signIn(page, undefined, '/upload', BASE);
	await chooseFile(page);
	const notice = page.locator('[data-field=loaded-before]');
	await expect(notice).toHaveText(/此文件已于 \d{4}-\d\d-\d\d \d\d:\d\d 导入（批次 #\d+）/u);
	const batch = /批次 #(\d+)/u.exec((await notice.textContent())!)![1];
	// nothing validated yet: the notice comes from the file's hash alone
	await expect(page.locator('[data-field=dry-run-message]')).toHaveCount(0);
	await page.locator('[data-field=loaded-before-batch]').click();
	await expect(page).toHaveURL(`${BASE}/batches/${batch}`);
	await expect(page.locator('[data-field=batch-file]')).toHaveText(/e2e-site-statuses/u);
});

test('the mapping table shows every column of a 14-column file, none scrolled out of its box', async ({ page }) => {
	await signIn(page, undefined, '/upload', BASE);
	await page.getByRole('radio', { name: '满意度调查' }).check();
	await page.locator('[data-field=file-input]').setInputFiles(resolve('data/samples/surveys_with_errors.csv'));
	const rows = page.locator('[data-field=mapping] tbody tr');
	await expect(rows).toHaveCount(14);
	const box = page.locator('[data-field=mapping]').locator('xpath=..');
	const hidden = await box.evaluate((el) => el.scrollHeight - el.clientHeight);
	expect(hidden).toBeLessThanOrEqual(1);
});
