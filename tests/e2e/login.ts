import { expect, type Page } from '@playwright/test';
import { demoAccount, type DemoAccount } from '../../src/lib/server/core/auth/demo-accounts';

/** The quality officer sees everything the overview shows (batches included) for every store. */
export const QC = demoAccount('quality_officer');

/**
 * Signs in through the login page as a person would: open a page, get sent to the login form, type
 * the name and password, submit, land back on the page. `base` picks another test server.
 */
export async function signIn(page: Page, account: DemoAccount = QC, path = '/', base = ''): Promise<void> {
	await page.goto(`${base}${path}`);
	await expect(page).toHaveURL(/\/login\?next=/u);
	await page.locator('input[name=username]').fill(account.username);
	await page.locator('input[name=password]').fill(account.password);
	await page.locator('form button[type=submit]').click();
	await expect(page).not.toHaveURL(/\/login/u);
	await expect(page.locator('[data-field=user-name]')).toHaveText(account.displayName);
}

/** Opens the top bar's administration menu (用户管理, 审计日志, 数据保留 sit under it). */
export async function openAdminMenu(page: Page): Promise<void> {
	await page.getByRole('navigation', { name: '系统管理' }).locator('summary').click();
}
