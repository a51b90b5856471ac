import { expect, test } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { signIn } from './login';
import { failOnPageProblems } from './problems';

failOnPageProblems(test);

test('a quality officer sets a target; the overview tile shows it and whether it is met; a viewer only reads it', async ({ page }) => {
	await signIn(page, undefined, '/targets');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('指标目标');
	const row = page.locator('tr[data-metric=complaint_rate]');
	const input = row.getByRole('textbox');
	await input.fill('abc');
	await row.getByRole('button', { name: '保存' }).click();
	await expect(page.locator('[data-field=message]')).toHaveText('请输入数字（可留空以取消目标）。');
	// a full-width number typed with a Chinese input method is read as digits
	await input.fill('０.０１');
	await row.getByRole('button', { name: '保存' }).click();
	await expect(page.locator('[data-field=message]')).toHaveText('已保存“投诉率（每千笔交易）”的目标。');
	const csat = page.locator('tr[data-metric=csat]');
	await csat.getByRole('textbox').fill('50');
	await csat.getByRole('button', { name: '保存' }).click();
	await expect(page.locator('[data-field=message]')).toHaveText('已保存“满意度（CSAT）”的目标。');
	await page.screenshot({ path: 'test-results/targets.png', fullPage: true });

	await page.goto('/dashboard');
	const rate = page.getByRole('article', { name: '投诉率（每千笔交易）', exact: true });
	await expect(rate.locator('[data-field=target]')).toContainText('目标 ≤ 0.01‰');
	await expect(rate.locator('[data-field=target]')).toHaveAttribute('data-met', 'false'); // the samples' rate is above 0.01‰
	await expect(rate.locator('[data-field=target]')).toContainText('未达标');
	const sat = page.getByRole('article', { name: '满意度（CSAT）', exact: true });
	await expect(sat.locator('[data-field=target]')).toHaveAttribute('data-met', 'true');

	await page.getByRole('button', { name: '退出登录' }).click();
	await signIn(page, demoAccount('viewer'), '/targets');
	await expect(page.locator('tr[data-metric=complaint_rate] [data-field=target]')).toHaveText('0.01‰');
	await expect(page.getByRole('textbox')).toHaveCount(0);

	// tidy up for the other tests: leadership clears both
	await page.getByRole('button', { name: '退出登录' }).click();
	await signIn(page, demoAccount('leadership'), '/targets');
	for (const id of ['complaint_rate', 'csat']) {
		const r = page.locator(`tr[data-metric=${id}]`);
		await r.getByRole('textbox').fill('');
		await r.getByRole('button', { name: '保存' }).click();
		await expect(page.locator('[data-field=message]')).toContainText('已取消');
	}
});

test('a quality officer changes an SLA limit: compliance and the time distributions use it at once', async ({ page }) => {
	await signIn(page, undefined, '/dashboard');
	const sla = page.getByRole('article', { name: '办结时效达标率', exact: true }).locator('[data-field=value]');
	const before = await sla.textContent();
	await page.goto('/targets');
	const form = page.locator('form[data-form=sla]');
	const resolution = form.locator('tr[data-sla=default]').getByRole('textbox').nth(1);
	await expect(resolution).toHaveValue('72');
	await resolution.fill('1');
	await form.getByRole('button', { name: '保存时效标准' }).click();
	await expect(page.locator('[data-field=message]')).toHaveText('已保存时效标准。');
	await page.goto('/dashboard');
	await expect(sla).not.toHaveText(before!); // a 1-hour limit: almost nothing is resolved in time
	await page.goto('/complaints');
	await expect(page.locator('[data-panel=cmp-resolution]')).toContainText('默认时限（1 小时）');

	await page.goto('/targets');
	await form.locator('tr[data-sla=default]').getByRole('textbox').nth(1).fill('72');
	await form.getByRole('button', { name: '保存时效标准' }).click();
	await expect(page.locator('[data-field=message]')).toHaveText('已保存时效标准。');
	await page.goto('/dashboard');
	await expect(sla).toHaveText(before!);
});

test('a store’s own target shows on the tiles of whoever views that store alone', async ({ page }) => {
	await signIn(page, undefined, '/targets');
	const form = page.locator('form.scoped-form');
	await form.locator('select[name=metric]').selectOption('complaint_rate');
	await form.locator('select[name=scope_kind]').selectOption('store');
	await form.locator('select[name=store]').selectOption('杭州湖滨店');
	await form.locator('input[name=target]').fill('0.01');
	await form.getByRole('button', { name: '保存' }).click();
	await expect(page.locator('tr[data-scoped="complaint_rate@store:杭州湖滨店"]')).toBeVisible();

	// the viewer sees 杭州湖滨店 only: the store's target applies
	await page.getByRole('button', { name: '退出登录' }).click();
	await signIn(page, demoAccount('viewer'), '/dashboard');
	const rate = page.getByRole('article', { name: '投诉率（每千笔交易）', exact: true }).locator('[data-field=target]');
	await expect(rate).toContainText('目标 ≤ 0.01‰');
	await expect(rate).toContainText('杭州湖滨店');
	await expect(rate).toHaveAttribute('data-state', 'missed');

	// tidy up
	await page.getByRole('button', { name: '退出登录' }).click();
	await signIn(page, undefined, '/targets');
	await page.locator('tr[data-scoped="complaint_rate@store:杭州湖滨店"]').getByRole('button', { name: '删除' }).click();
	await expect(page.locator('tr[data-scoped="complaint_rate@store:杭州湖滨店"]')).toHaveCount(0);
});
