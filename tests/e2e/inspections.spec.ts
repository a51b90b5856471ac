import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { HARSH_INSPECTOR } from '../../pipelines/generate/inspections';
import { readSample } from './expected';
import { signIn } from './login';
import { E2E_GENERATED_PORT, E2E_UPLOAD_PORT } from './port';
import { failOnPageProblems } from './problems';

/**
 * 质检 in a real browser: the sample inspections (expected numbers from the file), the harsh inspector the
 * generated data plants, a checklist added by a quality officer, who may come in, and the upload of an
 * inspections file through the upload page.
 */
// A viewer's refused page is logged by the browser as a 403: expected there.
failOnPageProblems(test, (msg) => /status of 403/u.test(msg.text()));
test.describe.configure({ mode: 'serial' });

const GEN = `http://127.0.0.1:${E2E_GENERATED_PORT}`;
const UPLOAD = `http://127.0.0.1:${E2E_UPLOAD_PORT}`;
const rows = readSample('inspections.csv');
const march = rows.filter((r) => r['质检日期']!.startsWith('2025/3/'));

test('the quality officer reads the month: figures, workload, calibration, coverage, fatal errors, Pareto', async ({ page }) => {
	await signIn(page, undefined, '/inspections?month=2025-03');
	await expect(page).toHaveTitle('质检 · 服务质量分析');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('质检');
	await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '质检' })).toHaveAttribute(
		'aria-current',
		'page'
	);

	await expect(page.locator('[data-tile=inspections] strong')).toHaveText(String(march.length));
	const workload = page.locator('[data-table=workload]');
	for (const name of ['刘芳', '张伟', '陈晨'])
		await expect(workload.locator(`tr[data-inspector="${name}"] td`).first()).toHaveText(
			String(march.filter((r) => r['质检员'] === name).length)
		);

	const contacts = new Map<string, number>();
	for (const r of rows) contacts.set(r['会话编号']!, (contacts.get(r['会话编号']!) ?? 0) + 1);
	await expect(page.locator('[data-field=contacts]')).toHaveText(String([...contacts.values()].filter((n) => n > 1).length));
	await expect(page.locator('[data-field=icc]')).toHaveText(/^\d\.\d\d \(-?\d\.\d\d–\d\.\d\d\)$/u);
	// 15 shared contacts over three inspectors: no verdict on so few
	await expect(page.locator('[data-table=severity] tbody tr')).toHaveCount(3);
	await expect(page.locator('[data-table=severity] tbody tr[data-verdict=too_few]')).toHaveCount(3);

	const agents = new Set(rows.map((r) => r['被检员工工号'])).size;
	await expect(page.locator('[data-field=coverage-summary]')).toHaveText(`${agents} 名员工中 ${agents} 名本月质检不足`);
	await expect(page.locator('[data-table=coverage] tbody tr').first().locator('td').nth(2)).toHaveText('97');
	// the contact logs are loaded too: each under-inspected agent gets answered March contacts of their own, not inspected yet
	const calls = readSample('contacts.csv');
	const next = page.locator('[data-list=next-contacts] li');
	await expect(next.first()).toBeVisible();
	// in the coverage table's order: the agents furthest from their plan first
	const proposed = await next.locator('strong').allTextContents();
	const tableOrder = await page.locator('[data-table=coverage] tbody th').allTextContents();
	expect(proposed).toEqual(tableOrder.filter((a) => proposed.includes(a)));
	for (const li of await next.all()) {
		const staff = (await li.locator('strong').textContent())!;
		const ids = (await li.textContent())!.slice(staff.length + 1).split('、');
		expect(ids.length).toBeGreaterThan(0);
		for (const id of ids) {
			const call = calls.find((c) => c['会话编号'] === id);
			expect(call?.['坐席工号'], id).toBe(staff);
			expect(call?.['进线时间']?.startsWith('2025-03'), id).toBe(true);
			expect(rows.some((r) => r['会话编号'] === id)).toBe(false);
		}
	}

	const fatal = rows.filter((r) => r['致命错误'] === '是' && r['质检日期']!.startsWith('2025/3/'));
	expect(fatal.length).toBe(1);
	await expect(page.locator('[data-table=fatal] tbody tr')).toHaveCount(1);
	await expect(page.locator(`[data-table=fatal] tr[data-inspection="${fatal[0]!['质检编号']}"]`)).toContainText(fatal[0]!['致命错误类型']!);

	await expect(page.locator('[data-panel=insp-pareto] [role=img][data-ready=true]')).toHaveCount(1);
	await page.screenshot({ path: 'test-results/inspections-zh.png', fullPage: true });
});

test('the generated data: the harsh inspector is flagged, the others are not; the demo officer sees their own workload', async ({
	page
}) => {
	await signIn(page, undefined, '/inspections', GEN);
	const severity = page.locator('[data-table=severity]');
	await expect(severity.locator('tbody tr')).toHaveCount(4);
	// calibration rests on the twelve months up to the last inspection: enough shared contacts for a verdict
	await expect(severity.locator('tr[data-verdict=lower]')).toHaveCount(1);
	const harsh = severity.locator(`tr[data-inspector="${HARSH_INSPECTOR}"]`);
	await expect(harsh).toHaveAttribute('data-verdict', 'lower');
	await expect(harsh.locator('td').nth(2)).toHaveText('偏严');
	await expect(page.locator('[data-table=workload] tr.mine th')).toHaveText(demoAccount('quality_officer').displayName);

	// a centre's many agents under their plan: the ten furthest from it first, everyone behind "show all"
	const summary = (await page.locator('[data-field=coverage-summary]').textContent())!;
	const under = Number(/中 (\d+) 名/u.exec(summary)?.[1]);
	expect(under, summary).toBeGreaterThan(10);
	const coverageRows = page.locator('[data-table=coverage] tbody tr');
	await expect(coverageRows).toHaveCount(10);
	const showAll = page.locator('button[data-action=coverage-all]');
	await expect(showAll).toHaveText(`显示全部 ${under} 名质检不足的员工`);
	await showAll.click();
	await expect(coverageRows).toHaveCount(under);
	await expect(showAll).toHaveAttribute('aria-expanded', 'true');
	await showAll.click();
	await expect(coverageRows).toHaveCount(10);

	// the quality report has a 质检 section beside the headline
	await page.goto(`${GEN}/quality/report`);
	await expect(page.locator('table[data-table=inspections] tr[data-metric=qa_pass_rate]')).toBeVisible();
	await expect(page.locator('[data-field=points-lost]')).toContainText('失分最多的评分项');
	await page.goto(`${GEN}/inspections`);
	await page.context().addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: GEN }]);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inspections');
	await expect(harsh.locator('td').nth(2)).toHaveText('harsh');
});

test('a manager reads the page without the checklist form; a viewer is refused', async ({ page }) => {
	await signIn(page, demoAccount('manager'), '/inspections?month=2025-03');
	await expect(page.locator('[data-table=checklists] tbody tr')).toHaveCount(1);
	await expect(page.locator('form[data-form=checklist]')).toHaveCount(0);
	await page.context().clearCookies();
	await signIn(page, demoAccount('viewer'), '/dashboard');
	await expect(page.getByRole('link', { name: '质检' })).toHaveCount(0);
	const res = await page.goto('/inspections');
	expect(res?.status()).toBe(403);
});

test('an inspections file loads through the upload page, its item columns taken as checklist items', async ({ page }) => {
	const lines = [
		'质检编号,质检日期,质检员,被检员工工号,门店,渠道,会话编号,服务用语,业务准确,流程完整,服务态度,问题解决,信息安全,致命错误,总分'
	];
	for (let i = 1; i <= 12; i++)
		lines.push(`UP-${i},2025/4/${i + 1},刘芳,S002,南京新街口店,电话,UPC-${i},14,22,${8 + i},14,13,9,否,${80 + i}`);
	const path = join(tmpdir(), `e2e-inspections-${process.pid}.csv`);
	writeFileSync(path, lines.join('\n') + '\n');
	await signIn(page, undefined, '/', UPLOAD);
	await page.goto(`${UPLOAD}/upload`);
	await page.getByRole('radio', { name: '质检记录' }).check();
	await page.locator('[data-field=file-input]').setInputFiles(path);
	await expect(page.locator('[data-field=preview]')).toBeVisible();
	await expect(page.locator('select[data-source=质检编号]')).toHaveValue('inspection_id');
	await expect(page.locator('select[data-source=流程完整]')).toHaveValue('extra');
	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toHaveText('试运行：读取 12 行，可导入 12 行，有问题 0 行；未写入数据库');
	await page.locator('[data-action=load]').click();
	await expect(page.locator('[data-field=result-message]')).toContainText('导入成功：读取 12 行，导入 12 行');
	// the items are the default checklist's: no warning about them
	await expect(page.locator('[data-field=result-warnings]')).toHaveCount(0);
	await page.goto(`${UPLOAD}/inspections?month=2025-04`);
	await expect(page.locator('[data-tile=inspections] strong')).toHaveText('12');
	// every total is 80 + i, at or above the pass line of 80
	await expect(page.locator('[data-tile=pass] strong')).toHaveText('100.0%');
});

test('a quality officer adds a checklist from a day on; the history keeps the default', async ({ page }) => {
	await signIn(page, undefined, '/inspections?month=2025-03');
	const form = page.locator('form[data-form=checklist]');
	await form.locator('input[name=effective_from]').fill('2025-03-01');
	await form.locator('input[name=pass_line]').fill('85');
	await form.getByRole('button', { name: '保存评分表' }).click();
	await expect(page.locator('[data-field=result]')).toHaveText('评分表已保存，自生效日起的质检按新表计分');
	await expect(page.locator('[data-table=checklists] tbody tr')).toHaveCount(2);
	await expect(page.locator('[data-table=checklists] tr[data-effective="2025-03-01"] td').nth(2)).toHaveText('85');
	await form.locator('input[name=effective_from]').fill('2025-03-02');
	await form.locator('input[name=pass_line]').fill('150');
	await form.getByRole('button', { name: '保存评分表' }).click();
	await expect(page.locator('[data-field=result]')).toHaveText('及格线须在 0 与总分之间');
});
