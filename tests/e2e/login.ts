import { expect, type Page } from '@playwright/test';
import { demoAccount, type DemoAccount } from '../../src/lib/server/core/auth/demo-accounts';

/** The quality officer sees everything the overview shows (batches included) for every store. */
export const QC = demoAccount('quality_officer');

/**
 * Signs in through the login page as a person would: open a page, get sent to the login form, type
 * the name and password, submit, land back on the page. The site root asks for no page in particular,
 * so signing in from it lands on the role's landing page (总览, see landing.spec.ts); the helper then
 * opens the root (数据状态), which the tests signing in there are about. `base` picks another test server.
 */
export async function signIn(page: Page, account: DemoAccount = QC, path = '/', base = ''): Promise<void> {
	await page.goto(`${base}${path}`);
	await expect(page).toHaveURL(/\/login\?next=/u);
	await page.locator('input[name=username]').fill(account.username);
	await page.locator('input[name=password]').fill(account.password);
	await page.locator('form button[type=submit]').click();
	await expect(page).not.toHaveURL(/\/login/u);
	if (path === '/') await page.goto(`${base}/`);
	await expect(page.locator('[data-field=user-name]')).toHaveText(account.displayName);
	// The name is in the server's HTML; a click before the page's scripts have taken over is lost (a sign-in submitted
	// before the login page hydrated ends in a full page load): what tests do next must find the page live.
	await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** Opens the top bar's administration menu (用户管理, 审计日志, 数据保留 sit under it). */
export async function openAdminMenu(page: Page): Promise<void> {
	await page.getByRole('navigation', { name: '系统管理' }).locator('summary').click();
}
