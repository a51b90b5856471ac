import { failOnPageProblems } from './problems';
import { expect, test } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { signIn, openAdminMenu } from './login';

failOnPageProblems(test, (msg) => /status of 403/u.test(msg.text()) && msg.location().url.endsWith('/admin/users'));

const manager = demoAccount('manager');
const viewer = demoAccount('viewer');
const admin = demoAccount('admin');

test('a stranger is sent to the login page, in Chinese', async ({ page }) => {
	await page.goto('/admin/audit');
	await expect(page).toHaveURL('/login?next=%2Fadmin%2Faudit');
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page).toHaveTitle('登录 · 服务质量分析');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
	await expect(page.getByLabel('用户名')).toBeVisible();
	await expect(page.getByLabel('密码')).toHaveAttribute('type', 'password');
	await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
	// nothing of the product is shown before signing in
	await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link')).toHaveCount(0);
	await expect(page.getByRole('button', { name: '退出登录' })).toHaveCount(0);
	await page.screenshot({ path: 'test-results/login-zh.png', fullPage: true });
});

test('a wrong password is refused with a message, and the password field is emptied', async ({ page }) => {
	await page.goto('/login');
	await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
	await page.getByLabel('用户名').fill(manager.username);
	await page.getByLabel('密码').fill('not-the-password');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page.getByRole('alert')).toHaveText('用户名或密码错误');
	await expect(page).toHaveURL(/\/login$/u);
	await expect(page.getByLabel('用户名')).toHaveValue(manager.username);
	await expect(page.getByLabel('密码')).toHaveValue('');
	await expect(page.getByLabel('密码')).toBeFocused();
	await page.screenshot({ path: 'test-results/login-wrong-password.png', fullPage: true });
});

test('signing in shows the user’s name and role, and returns to the page asked for', async ({ page }) => {
	await signIn(page, manager, '/?store=南京新街口店');
	await expect(page).toHaveURL('/?store=%E5%8D%97%E4%BA%AC%E6%96%B0%E8%A1%97%E5%8F%A3%E5%BA%97');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据状态');
	const account = page.getByRole('group', { name: '当前账号' });
	await expect(account.locator('[data-field=user-name]')).toHaveText('张经理');
	await expect(account.locator('[data-field=user-role]')).toHaveText('门店/客服经理');
	// a manager has no admin links
	await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link')).toHaveText([
		'总览',
		'投诉',
		'满意度',
		'服务过程',
		'质量监控',
		'质检',
		'绩效考核',
		'目标',
		'数据状态',
		'推送'
	]);
});

test('signing out ends the session', async ({ page }) => {
	await signIn(page, manager);
	await page.getByRole('button', { name: '退出登录' }).click();
	await expect(page).toHaveURL('/login');
	await expect(page.getByRole('button', { name: '退出登录' })).toHaveCount(0);
	await page.goto('/');
	await expect(page).toHaveURL('/login?next=%2F');
});

test('a viewer cannot open the user admin page: 403, with a way back', async ({ page }) => {
	await signIn(page, viewer);
	await expect(page.getByRole('link', { name: '用户管理' })).toHaveCount(0);
	const res = await page.goto('/admin/users');
	expect(res?.status()).toBe(403);
	await expect(page).toHaveURL('/admin/users');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('无权访问');
	await expect(page.getByText('您的角色（查看者）无权使用此页面或接口')).toBeVisible();
	await expect(page.getByRole('table')).toHaveCount(0);
	await expect(page.locator('[data-field=user-name]')).toHaveText('赵查看');
	await page.screenshot({ path: 'test-results/forbidden-viewer.png', fullPage: true });
	await page.getByRole('link', { name: '返回总览' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('总览');
});

test('the login page switches to English and back, messages included', async ({ page }) => {
	await page.goto('/login');
	// the switch is a script button: on a busy machine a click before hydration would do nothing
	await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
	await expect(page).toHaveTitle('Sign in · Service quality analytics');
	await page.getByLabel('Username').fill(viewer.username);
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
	await page.screenshot({ path: 'test-results/login-en.png', fullPage: true });

	await page.getByLabel('Password').fill(viewer.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	// signing in with no page asked for lands a role that reads metrics on 总览
	await expect(page).toHaveURL('/dashboard');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
	await expect(page.locator('[data-field=user-role]')).toHaveText('Viewer');
	await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

	await page.getByRole('button', { name: '中文' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('总览');
	await expect(page.locator('[data-field=user-role]')).toHaveText('查看者');
});

test('an admin lists users, adds one who can then sign in, and sees it in the audit log', async ({ page, browser }) => {
	await signIn(page, admin);
	await openAdminMenu(page);
	await page.getByRole('link', { name: '用户管理' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('用户管理');
	const table = page.getByRole('table', { name: '用户列表' });
	for (const u of ['admin', 'leader', 'manager', 'qc', 'viewer'])
		await expect(table.getByRole('cell', { name: u, exact: true })).toBeVisible();
	await expect(table.getByRole('row').filter({ hasText: '张经理' })).toContainText('南京新街口店');
	await expect(table.getByRole('row').filter({ hasText: '王总' })).toContainText('全部门店');
	await page.screenshot({ path: 'test-results/admin-users.png', fullPage: true });

	// unique per run, so the test can be repeated against one server
	const username = `sun.qc${Date.now() % 100_000}`;
	await page.getByRole('link', { name: '新增用户' }).click();
	const form = page.getByRole('region', { name: '新增用户' });
	await form.getByLabel('用户名').fill(username);
	await form.getByLabel('初始密码').fill('sun-password-1');
	await form.getByLabel('姓名（显示名）').fill('孙质检');
	await form.getByLabel('角色').selectOption('quality_officer');
	await form.getByLabel('指定门店').check();
	await form.getByLabel('上海徐家汇店').check();
	await page.screenshot({ path: 'test-results/admin-users-new.png', fullPage: true });
	await form.getByRole('button', { name: '创建用户' }).click();
	await expect(page.getByRole('status')).toHaveText(`已创建用户 ${username}`);
	const row = table.getByRole('row').filter({ hasText: username });
	await expect(row).toContainText('孙质检');
	await expect(row).toContainText('质检员');
	await expect(row).toContainText('上海徐家汇店');

	const other = await browser.newContext();
	const sun = await other.newPage();
	await signIn(sun, {
		username,
		password: 'sun-password-1',
		displayName: '孙质检',
		role: 'quality_officer',
		stores: ['上海徐家汇店'],
		pii: false
	});
	await other.close();

	await openAdminMenu(page);
	await page.getByRole('link', { name: '审计日志' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('审计日志');
	const log = page.getByRole('table', { name: '审计记录' });
	await expect(log.getByRole('row').filter({ hasText: '创建用户' }).filter({ hasText: username })).toHaveCount(1);
	await page.getByRole('button', { name: '校验日志完整性' }).click();
	await expect(page.getByRole('status')).toContainText('审计日志完整');
	await page.screenshot({ path: 'test-results/admin-audit.png', fullPage: true });
});
