import { failOnPageProblems } from './problems';
import { expect, test } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { expectedCustomerDataBefore } from './expected';
import { QC, signIn, openAdminMenu } from './login';
import { E2E_PORT } from './port';

failOnPageProblems(test, (msg) => /status of 403/u.test(msg.text()) && msg.location().url.endsWith('/admin/retention'));

const admin = demoAccount('admin');

/** The first day kept: today minus whole months on the local calendar, clamped to the month's end. */
function keptFrom(months: number): string {
	const today = new Date();
	const month = new Date(today.getFullYear(), today.getMonth() - months, 1);
	const lastDay = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
	const p = (n: number) => String(n).padStart(2, '0');
	return `${month.getFullYear()}-${p(month.getMonth() + 1)}-${p(Math.min(today.getDate(), lastDay))}`;
}

test('an admin sees what the limit would erase, saves a limit, and applies it with a confirmation', async ({ page }) => {
	await signIn(page, admin);
	// the administration pages sit under one menu of the top bar
	await openAdminMenu(page);
	await page.getByRole('navigation', { name: '系统管理' }).getByRole('link', { name: '数据保留' }).click();
	await expect(page).toHaveURL('/admin/retention');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据保留');
	await expect(page).toHaveTitle('数据保留 · 服务质量分析');

	// nothing saved yet: the 36-month default, and what it would erase
	await expect(page.locator('[data-field=retention-current]')).toHaveText('36 个月');
	await expect(page.getByText('默认值，尚未保存')).toBeVisible();
	const byDefault = expectedCustomerDataBefore(keptFrom(36));
	await expect(page.locator('[data-field=retention-preview]')).toHaveText(
		`受理时间早于 ${keptFrom(36)} 的投诉中，有 ${byDefault} 条仍保存客户姓名或电话。`
	);
	await expect(page.getByRole('region', { name: '审计日志' })).toContainText('审计日志永不删除');
	await expect(page.getByRole('region', { name: '会话' })).toContainText('已过期的登录会话');

	// 12 months: every sample complaint (January–March 2025) is older than that
	await page.getByLabel('保留月数').fill('12');
	await page.getByRole('button', { name: '保存设定' }).click();
	await expect(page.getByRole('status')).toHaveText('已保存：客户个人信息保留 12 个月');
	await expect(page.locator('[data-field=retention-current]')).toHaveText('12 个月');
	await expect(page.getByText(/^更新于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/u)).toBeVisible();
	const count = expectedCustomerDataBefore(keptFrom(12));
	expect(count).toBeGreaterThan(100);
	await expect(page.locator('[data-field=retention-preview]')).toHaveText(
		`受理时间早于 ${keptFrom(12)} 的投诉中，有 ${count} 条仍保存客户姓名或电话。`
	);
	// the contact log's phones age by the same rule
	const contacts = expectedCustomerDataBefore(keptFrom(12), 'contacts');
	expect(contacts).toBeGreaterThan(100);
	await expect(page.locator('[data-field=retention-preview-contacts]')).toHaveText(
		`进线时间早于 ${keptFrom(12)} 的服务过程记录中，有 ${contacts} 条仍保存客户电话。`
	);

	// the server refuses to apply without the confirmation, even when the browser's check is bypassed
	const unconfirmed = await page.request.post('/admin/retention?/apply', {
		form: { months: '12', complaints: String(count), history: '0' },
		headers: { origin: `http://127.0.0.1:${E2E_PORT}`, accept: 'application/json' }
	});
	expect(await unconfirmed.text()).toContain('请先勾选确认再执行');
	await expect(page.locator('[data-field=retention-preview]')).toContainText(`有 ${count} 条`);

	const confirm = page.getByLabel(
		`我确认清除这 ${count} 条投诉中的客户姓名和电话，以及 ${contacts} 条服务过程记录中的客户电话（无法恢复）`
	);
	await confirm.check();
	await page.screenshot({ path: 'test-results/admin-retention.png', fullPage: true });
	await page.getByRole('button', { name: '立即执行' }).click();
	await expect(page.getByRole('status')).toHaveText(
		`已清除 ${count} 条投诉、${contacts} 条服务过程记录、0 条历史版本和 0 条被拒绝行中的客户姓名和电话，删除过期会话 0 个。`
	);
	await expect(page.locator('[data-field=retention-preview]')).toHaveText(
		`受理时间早于 ${keptFrom(12)} 的投诉中，有 0 条仍保存客户姓名或电话。`
	);
	await expect(page.locator('[data-field=retention-preview-contacts]')).toHaveCount(0);
	await expect(page.getByRole('button', { name: '立即执行' })).toHaveCount(0);
	await page.screenshot({ path: 'test-results/admin-retention-applied.png', fullPage: true });

	// both steps are in the audit log, with counts and no customer data
	await openAdminMenu(page);
	await page.getByRole('link', { name: '审计日志' }).click();
	const log = page.getByRole('table', { name: '审计记录' });
	await expect(log.getByRole('row').filter({ hasText: '修改设置' })).toContainText('retention_customer_months: — → 12');
	const applied = log.getByRole('row').filter({ hasText: '执行数据保留' });
	await expect(applied).toHaveCount(1);
	await expect(applied).toContainText(`complaints: ${count}`);
	await expect(applied).toContainText(`contacts: ${contacts}`);
	await expect(log).not.toContainText('杨先生');
	await expect(log).not.toContainText('13247281910');

	// and in English (once the page is live: a click before its scripts take over is lost)
	await page.goto('/admin/retention');
	await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Data retention');
	await expect(page.locator('[data-field=retention-current]')).toHaveText('12 months');
	await page.screenshot({ path: 'test-results/admin-retention-en.png', fullPage: true });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.screenshot({ path: 'test-results/admin-retention-en-narrow.png', fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.getByRole('button', { name: '中文' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据保留');
});

test('a quality officer has no retention link and gets 403 on the page', async ({ page }) => {
	await signIn(page, QC);
	await expect(page.getByRole('link', { name: '数据保留' })).toHaveCount(0);
	const res = await page.goto('/admin/retention');
	expect(res?.status()).toBe(403);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('无权访问');
	await expect(page.getByText('您的角色（质检员）无权使用此页面或接口')).toBeVisible();
	await expect(page.getByLabel('保留月数')).toHaveCount(0);
});
