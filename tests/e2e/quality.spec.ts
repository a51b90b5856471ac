import { expect, test } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { signIn } from './login';
import { E2E_GENERATED_PORT } from './port';
import { failOnPageProblems } from './problems';

failOnPageProblems(test);

/** The server with two years of generated data: 武汉光谷店's complaint rate × 2.3 from 2025-03-03. */
const GEN = `http://127.0.0.1:${E2E_GENERATED_PORT}`;

test('质量监控 marks and explains the planted deterioration of 武汉光谷店; stable stores are in control', async ({ page }) => {
	await signIn(page, undefined, '/quality', GEN);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('质量监控');
	const planted = page.locator('tr[data-store="武汉光谷店"]');
	await expect(planted.locator('[data-verdict]')).toHaveText('出现异常信号');
	await expect(page.locator('tr[data-store="北京西单店"] [data-verdict]')).toHaveText('受控');
	await planted.getByRole('link', { name: '武汉光谷店' }).click();
	await expect(page).toHaveURL(/store=%E6%AD%A6%E6%B1%89/u);
	await expect(page.locator('#qc-chart')).toHaveText(/武汉光谷店/u);
	await expect(page.locator('[data-field=verdict] [data-verdict]')).toHaveText('出现异常信号');
	await expect(page.locator('.chart[data-ready=true]').first()).toBeVisible();
	// the first month after the planted date is beyond the upper limit, said in a sentence
	const march = page.locator('[data-field=signals] li[data-period="2025-03-01"][data-rule="1"]');
	await expect(march).toHaveText(/^1\s*2025年3月超出控制上限：投诉率（每千笔交易） \d\.\d\d‰，上限 \d\.\d\d‰$/u);
	// and no signal before it
	const periods = await page.locator('[data-field=signals] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-period') ?? ''));
	expect(periods.every((p) => p >= '2025-03-01')).toBe(true);
	// the signal is drawn: the chart's SVG carries the rule number next to the ringed point
	await expect(page.locator('section[data-panel=qc-chart] svg text', { hasText: /^1$/u }).first()).toBeAttached();
	await page.screenshot({ path: 'test-results/quality-planted.png', fullPage: true });

	// switching a rule off is a link: only rule 1 left
	for (const [r, left] of [
		[2, '1%2C3%2C4'],
		[3, '1%2C4'],
		[4, '1']
	] as const) {
		await page.locator(`.rule[data-rule="${r}"]`).click();
		await expect(page).toHaveURL(new RegExp(`rules=${left}(&|$)`, 'u'));
		await expect(page.locator(`.rule[data-rule="${r}"]`)).toHaveAttribute('aria-pressed', 'false');
	}
	await expect(page.locator('[data-field=signals] li:not([data-rule="1"])')).toHaveCount(0);
});

test('alerts: the planted signal raised one alert; closing needs a note, then it is closed with it', async ({ page }) => {
	await signIn(page, undefined, '/quality/alerts', GEN);
	const row = page.locator('tr[data-scope="武汉光谷店"][data-kind=signal]', { hasText: '投诉率（每千笔交易）超出控制上限' });
	await expect(row).toHaveCount(1);
	await row.getByRole('link').first().click();
	await expect(page.locator('[data-field=alert-message]')).toContainText('武汉光谷店');
	await page.locator('select[name=status]').selectOption('closed');
	await page.locator('input[name=owner]').fill('林晓燕');
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page.locator('[data-field=message]')).toHaveText('关闭预警前请填写所采取的措施。');
	await page.locator('textarea[name=note]').fill('高峰期增派人手，服务态度培训');
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page.locator('[data-field=message]')).toHaveText('已保存。');
	await page.reload();
	await expect(page.locator('[data-status]').first()).toHaveText('已关闭');
	await expect(page.locator('[data-field=followup]')).toBeVisible();
	await page.goto(`${GEN}/quality/alerts?status=closed`);
	await expect(page.locator('tr[data-alert]')).toHaveCount(1);
});

test('cause analysis names 武汉光谷店 first when March is compared with the weeks before', async ({ page }) => {
	await signIn(page, undefined, '/quality/causes?from=2025-03-03&to=2025-04-27&pfrom=2025-01-06&pto=2025-03-02', GEN);
	const first = page.locator('[data-table=what-changed] tbody tr').first();
	await expect(first).toHaveAttribute('data-group', '武汉光谷店');
	await expect(first.locator('[data-field=significant]')).toHaveText('是');
	await expect(page.locator('section[data-panel=qc-pareto] .chart[data-ready=true]')).toBeVisible();
});

test('the monthly report prints to an A4 PDF and downloads as Excel; on three months of samples the charts say 数据不足', async ({
	page
}) => {
	await signIn(page, undefined, '/quality/report');
	await expect(page.locator('[data-field=report-title]')).toHaveText('质量月报');
	await expect(page.locator('[data-table=headline] tr[data-metric=complaint_count]')).toBeVisible();
	const pdf = await page.request.get('/api/quality/report/pdf?kind=month');
	expect(pdf.status()).toBe(200);
	expect(pdf.headers()['content-type']).toBe('application/pdf');
	const body = await pdf.body();
	expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
	expect(body.length).toBeGreaterThan(10_000);
	const xlsx = await page.request.get('/api/quality/report/xlsx?kind=week');
	expect(xlsx.status()).toBe(200);
	expect((await xlsx.body()).subarray(0, 2).toString('latin1')).toBe('PK');

	await page.goto('/quality');
	await expect(page.locator('tr[data-store=""] [data-verdict]')).toHaveText('数据不足');
});

test('a viewer reads 质量监控 of their own store only, in English too', async ({ page }) => {
	await page.context().addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: GEN }]);
	await signIn(page, demoAccount('viewer'), '/quality', GEN);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Quality control');
	await expect(page.locator('tr[data-store]')).toHaveCount(2); // all of their stores together + 杭州湖滨店
	await expect(page.locator('tr[data-store="杭州湖滨店"]')).toBeVisible();
	await expect(page.locator('form[action="?/baseline"]')).toHaveCount(0);
	const other = await page.request.get(`${GEN}/quality?store=${encodeURIComponent('武汉光谷店')}`);
	expect(other.status()).toBe(403);
});

test('质量监控 opens on what needs attention: stores worst first, the worst store’s chart shown', async ({ page }) => {
	await signIn(page, undefined, '/quality', GEN);
	const stores = page.locator('[data-store]:not([data-store=""])');
	// the planted deterioration makes 武汉光谷店 the worst: first among the stores, its chart open without asking
	await expect(stores.first()).toHaveAttribute('data-store', '武汉光谷店');
	await expect(page.locator('#qc-chart')).toHaveText(/武汉光谷店/u);
	await expect(page.locator('[data-field=verdict] [data-verdict]')).toHaveText('出现异常信号');
	const counts = (await stores.locator('[data-field=attention]').allTextContents()).map(Number);
	expect(counts).toEqual([...counts].sort((a, b) => b - a));
	expect(counts[0]).toBeGreaterThan(0);
	// every verdict is one of the four, a favourable shift reading 改善 in green
	for (const v of await page.locator('[data-store] [data-verdict]').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict'))))
		expect(['in_control', 'signal', 'improved', 'insufficient']).toContain(v);
	// the chain stays reachable: its link shows the chain's chart, not the worst store's
	await page.locator('tr[data-store=""] a').click();
	await expect(page).toHaveURL(/view=all/u);
	await expect(page.locator('#qc-chart')).toHaveText(/全部门店/u);
	// CSAT: higher is better, so a shift up is 改善 (green), never the red 出现异常信号
	await page.goto(`${GEN}/quality?chart=csat_p&view=all`);
	for (const el of await page.locator('[data-verdict=improved]').all()) {
		await expect(el).toHaveText('改善');
		await expect(el).toHaveCSS('color', 'rgb(23, 102, 58)'); // --ok-text
	}
});

test('预警: every alert names its metric and unit, grouped by store with a count, most severe first, with its owner', async ({ page }) => {
	await signIn(page, undefined, '/quality/alerts', GEN);
	const groups = page.locator('section[data-group]');
	expect(await groups.count()).toBeGreaterThan(1);
	const texts: string[] = [];
	const RANK: Record<string, number> = { high: 0, medium: 1, low: 2, improved: 3 };
	for (const g of await groups.all()) {
		const rows = g.locator('tr[data-alert]');
		const open = await rows.filter({ hasNot: page.locator('[data-status=closed]') }).count();
		await expect(g.locator('[data-field=open-count]')).toHaveText(`${open} 条未关闭`);
		const scope = await g.getAttribute('data-group');
		for (const r of await rows.all()) {
			expect(await r.getAttribute('data-scope')).toBe(scope);
			await expect(r.locator('[data-field=owner]')).not.toBeEmpty();
		}
		// open before closed, then by severity
		const sev = (
			await rows.evaluateAll((els) =>
				els.map((e) => [e.querySelector('[data-status=closed]') ? 1 : 0, e.getAttribute('data-severity') ?? ''] as const)
			)
		).map(([closed, s]) => closed * 10 + RANK[s]!);
		expect(sev).toEqual([...sev].sort((a, b) => a - b));
		texts.push(...(await g.locator('td.text a').allTextContents()));
	}
	expect(new Set(texts).size).toBe(texts.length);
	for (const t of texts) {
		// metric named with its unit, the line and this period's value written to differ
		expect(t).toMatch(/(投诉率（每千笔交易）|满意度（CSAT）|总体满意度均分（分）|首次响应时长中位数|质检合格率|致命错误率)/u);
		const [, a, b] = /([\d.]+)[^\d，]*，本期 ([\d.]+)/u.exec(t) ?? [];
		expect(a, t).toBeDefined();
		expect(a).not.toBe(b);
	}
	await expect(page.locator('tr[data-alert]', { hasText: /投诉率（每千笔交易）.*中心线|上限 \d/u }).first()).toBeVisible();
});

test('the generated slip of 流程完整 at 成都春熙路店 (from 2025-03) shows on its pass-rate chart against the months before', async ({
	page
}) => {
	// the generator starts the slip on the first of the month about 55 % into its 731 days: 2025-03-01
	const q = new URLSearchParams({
		chart: 'qa_pass_p',
		store: '成都春熙路店',
		grain: 'month',
		from: '2024-01-01',
		to: '2025-12-31',
		bstart: '2024-01-01',
		bend: '2025-02-28'
	});
	await signIn(page, undefined, `/quality?${q}`, GEN);
	const periods = await page.locator('[data-field=signals] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-period') ?? ''));
	expect(periods.length).toBeGreaterThan(0);
	expect(
		periods.every((p) => p >= '2025-03-01'),
		periods.join(',')
	).toBe(true);
});

test('a week the data ends inside is drawn hollow on a dashed segment, noted, and never judged', async ({ page }) => {
	// the generated data ends on Wednesday 2025-12-31: its last week (from Monday 12-29) holds 3 days
	await signIn(page, undefined, '/quality?grain=week&view=all', GEN);
	const note = page.locator('[data-field=incomplete]');
	await expect(note).toHaveCount(1);
	await expect(note).toHaveAttribute('data-period', '2025-12-29');
	await expect(note).toContainText('不完整：仅含 3 天');
	await expect(page.locator('[data-field=signals] li[data-period="2025-12-29"]')).toHaveCount(0);
	const chart = page.locator('section[data-panel=qc-chart] [role=img]');
	await expect(chart).toHaveAttribute('data-ready', 'true');
	const series = await chart.evaluate(
		(el) =>
			(
				el as HTMLElement & { echarts: { getOption(): { series: { name: string; data: unknown[]; lineStyle?: { type?: string } }[] } } }
			).echarts.getOption().series
	);
	const [line, ...rest] = series;
	expect(line!.data.at(-1)).toBeNull();
	const tail = rest.find((s) => s.name === line!.name)!;
	expect(tail.lineStyle?.type).toBe('dashed');
	expect(tail.data.at(-1)).toMatchObject({ symbol: 'emptyCircle' });
	// the signal ring never sits on it
	const ring = series.find((s) => s.name === '异常信号')!;
	expect(ring.data.at(-1)).toBeNull();
	// the CSV says how many days it holds, and nothing for a whole week
	const download = page.waitForEvent('download');
	await page.locator('section[data-panel=qc-chart]').getByRole('button', { name: /CSV/u }).click();
	const lines = Buffer.concat(await (await (await download).createReadStream()).toArray())
		.toString('utf8')
		.replace(/^\uFEFF/u, '')
		.trim()
		.split('\r\n');
	expect(lines[0]).toMatch(/,不完整（覆盖天数）$/u);
	expect(lines.at(-1)).toMatch(/^2025-12-29,.*,3$/u);
	expect(lines.at(-2)).toMatch(/^2025-12-22,.*,$/u);
});
