import { failOnPageProblems } from './problems';
import { expect, test } from '@playwright/test';
import { DEMO_ACCOUNTS } from '../../src/lib/server/core/auth/demo-accounts';

failOnPageProblems(test);

/**
 * Where each role lands after signing in: 总览 for every role that reads metrics (all demo roles), from
 * the login page itself and from the bare site root; a page asked for is still where one lands. The
 * data inventory is 数据状态, beside 导入记录, so it no longer reads as a synonym of 总览.
 */
for (const account of DEMO_ACCOUNTS) {
	test(`${account.role} lands on 总览 after signing in`, async ({ page }) => {
		await page.goto('/');
		await expect(page).toHaveURL('/login?next=%2F');
		await page.locator('input[name=username]').fill(account.username);
		await page.locator('input[name=password]').fill(account.password);
		await page.locator('form button[type=submit]').click();
		await expect(page).toHaveURL('/dashboard');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('总览');
		await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '总览' })).toHaveAttribute(
			'aria-current',
			'page'
		);
	});
}

test('a page asked for before signing in is still where one lands', async ({ page }) => {
	const viewer = DEMO_ACCOUNTS.find((a) => a.role === 'viewer')!;
	await page.goto('/quality/alerts');
	await page.locator('input[name=username]').fill(viewer.username);
	await page.locator('input[name=password]').fill(viewer.password);
	await page.locator('form button[type=submit]').click();
	await expect(page).toHaveURL('/quality/alerts');
});

test('the data inventory is 数据状态, beside 导入记录, after the pages that read metrics', async ({ page }) => {
	const qc = DEMO_ACCOUNTS.find((a) => a.role === 'quality_officer')!;
	await page.goto('/login');
	await page.locator('input[name=username]').fill(qc.username);
	await page.locator('input[name=password]').fill(qc.password);
	await page.locator('form button[type=submit]').click();
	await expect(page).toHaveURL('/dashboard');
	const links = await page.getByRole('navigation', { name: '主导航' }).getByRole('link').allTextContents();
	expect(links[0]).toBe('总览');
	expect(links).not.toContain('数据概览');
	expect(links.indexOf('导入记录') - links.indexOf('数据状态')).toBe(1);
	await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '数据状态' }).click();
	await expect(page).toHaveURL('/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据状态');
});
