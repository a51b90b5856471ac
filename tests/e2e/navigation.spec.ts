import { expect, test, type Page } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { signIn } from './login';
import { E2E_GENERATED_PORT } from './port';
import { failOnPageProblems } from './problems';

// a 404 is what the error-page test asks for; the browser logs it as a failed resource
failOnPageProblems(test, (msg) => /status of 404/u.test(msg.text()));

const ADMIN = demoAccount('admin');
const mainNav = (page: Page) => page.getByRole('navigation', { name: '主导航' });

test('a sub-page marks its section in the navigation', async ({ page }) => {
	await signIn(page, ADMIN, '/quality/alerts');
	const section = (name: string) => mainNav(page).getByRole('link', { name, exact: true });
	await expect(section('质量监控')).toHaveAttribute('aria-current', 'true');
	await expect(mainNav(page).locator('a[aria-current]')).toHaveCount(1);

	await page.goto('/evaluations/settings');
	await expect(section('绩效考核')).toHaveAttribute('aria-current', 'true');

	await page.goto('/evaluations');
	await expect(section('绩效考核')).toHaveAttribute('aria-current', 'page');
	await page.locator('[data-table=ranking] tbody tr a').first().click();
	await expect(page).toHaveURL(/\/staff\//u);
	await expect(section('绩效考核')).toHaveAttribute('aria-current', 'true');

	await page.goto('/batches');
	await page.locator('a[href^="/batches/"]').first().click();
	await expect(page).toHaveURL(/\/batches\/\d+/u);
	await expect(section('导入记录')).toHaveAttribute('aria-current', 'true');
	await expect(mainNav(page).locator('a[aria-current]')).toHaveCount(1);
});

test('an unknown address is a translated 404 page with a way back, in Chinese and English', async ({ page }) => {
	await signIn(page, ADMIN, '/');
	const res = await page.goto('/no/such/page');
	expect(res?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
	await expect(page.locator('[data-status="404"] code')).toHaveText('/no/such/page');
	await expect(page.getByRole('navigation', { name: '主导航' })).toBeVisible(); // the header stays
	await page.getByRole('link', { name: '返回首页' }).click();
	await expect(page).toHaveURL(/\/$/u);

	// a record that is not there: the route's own message, translated
	const alert = await page.goto('/quality/alerts/999999');
	expect(alert?.status()).toBe(404);
	await expect(page.locator('[data-field=error-detail]')).toHaveText(/找不到预警 999999/u);

	await page.context().addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: new URL('/', page.url()).href }]);
	expect((await page.goto('/no/such/page'))?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.getByRole('link', { name: 'Back to the home page' })).toHaveAttribute('href', '/');
});

test.describe('on a phone (390 px)', () => {
	test.use({ viewport: { width: 390, height: 844 } });

	test('the navigation is a drawer: the menu button names the current section and opens every link', async ({ page }) => {
		await signIn(page, ADMIN, '/quality/alerts');
		const toggle = page.getByRole('button', { name: /菜单/u });
		await expect(toggle).toHaveText(/质量监控/u);
		await expect(toggle).toHaveAttribute('aria-expanded', 'false');
		await expect(mainNav(page)).toBeHidden();
		// nothing is cut or pushed off the page
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

		await toggle.click();
		await expect(toggle).toHaveAttribute('aria-expanded', 'true');
		const links = mainNav(page).getByRole('link');
		expect(await links.count()).toBeGreaterThanOrEqual(9);
		for (const link of await links.all()) await expect(link).toBeInViewport();
		const admin = page.getByRole('navigation', { name: '系统管理' }).getByRole('link');
		expect(await admin.count()).toBe(4);
		for (const link of await admin.all()) await expect(link).toBeVisible();
		await expect(mainNav(page).locator('a[aria-current]')).toHaveText('质量监控');

		await mainNav(page).getByRole('link', { name: '投诉', exact: true }).click();
		await expect(page).toHaveURL(/\/complaints/u);
		await expect(toggle).toHaveAttribute('aria-expanded', 'false');
		await expect(toggle).toHaveText(/投诉/u);
		await expect(mainNav(page)).toBeHidden();
	});

	test('the alerts table is a list of cards, each cell named by its column', async ({ page }) => {
		// the generated data's planted deterioration raises alerts
		await signIn(page, undefined, '/quality/alerts', `http://127.0.0.1:${E2E_GENERATED_PORT}`);
		const row = page.locator('tr[data-alert]').first();
		await expect(row).toBeVisible();
		await expect(page.locator('[data-table=alerts] thead th').first()).not.toBeInViewport();
		const cell = row.locator('td').nth(1);
		await expect(cell).toHaveAttribute('data-label', '预警内容');
		expect(await cell.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"预警内容"');
		// the cells are stacked within the card, and the table does not scroll sideways
		const [a, b] = [await row.locator('td').nth(0).boundingBox(), await row.locator('td').nth(1).boundingBox()];
		expect(b!.y).toBeGreaterThan(a!.y);
		// one table per store group: none of them scrolls sideways
		const overflow = await page
			.locator('.scroller:has([data-table=alerts])')
			.evaluateAll((els) => els.map((el) => el.scrollWidth - el.clientWidth));
		expect(overflow.length).toBeGreaterThan(0);
		expect(Math.max(...overflow)).toBeLessThanOrEqual(1);
	});
});

test('the monthly report is chosen with a month picker', async ({ page }) => {
	await signIn(page, undefined, '/quality/report');
	const form = page.locator('form[data-form=report]');
	const month = form.locator('input[name=month]');
	await expect(month).toHaveAttribute('type', 'month');
	await month.fill('2025-02');
	await form.getByRole('button', { name: '应用' }).click();
	await expect(page).toHaveURL(/month=2025-02/u);
	await expect(page.locator('[data-field=report-title]')).toHaveText('质量月报');
	await expect(page.locator('.page-head .lead')).toHaveText(/^2025年2月，/u);
	await expect(page.locator('a[data-field=xlsx]')).toHaveAttribute('href', /at=2025-02-01/u);
	await expect(month).toHaveValue('2025-02');

	// a week report is chosen by a day in it
	await form.locator('select[name=kind]').selectOption('week');
	await expect(form.locator('input[name=at]')).toHaveAttribute('type', 'date');
});
