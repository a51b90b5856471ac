import { expect, test, type Page } from '@playwright/test';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { readSample } from './expected';
import { signIn } from './login';
import { failOnPageProblems } from './problems';
import { E2E_EMPTY_PORT, E2E_UPLOAD_PORT } from './port';

/**
 * 服务过程 on the sample contact log (2025Q1, the default range): six tiles, the service-level heatmap
 * by weekday × hour, and a cell's drill-down holding exactly the contacts the cell counts — worked out
 * here from the file itself, not from the SQL under test. Phones are masked for a user without pii.
 */
failOnPageProblems(test);
// The retention test (admin-retention.spec) erases the customers' phones on the main test server; these tests read
// phones, so they run on the upload tests' server, which has the same samples and never applies retention.
test.use({ baseURL: `http://127.0.0.1:${E2E_UPLOAD_PORT}` });

const seconds = (later: string, earlier: string) => (Date.parse(later.replace(' ', 'T')) - Date.parse(earlier.replace(' ', 'T'))) / 1000;
/** ISO weekday (1 Monday … 7 Sunday) of a register time */
const weekday = (t: string) => ((new Date(`${t.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** The contacts offered per "weekday-hour" cell: inbound, and not a short abandon (not answered, hung up within 5 s). */
function offeredByCell(stores?: string[]): Map<string, string[]> {
	const cells = new Map<string, string[]>();
	for (const r of readSample('contacts.csv')) {
		if (stores && !stores.includes(r['门店']!)) continue;
		if (r['呼叫方向'] === '呼出') continue;
		const arrived = r['进线时间']!;
		if (!r['接起时间'] && r['结束时间'] && seconds(r['结束时间'], arrived) < 5) continue;
		const key = `${weekday(arrived)}-${arrived.slice(11, 13)}`;
		cells.set(key, [...(cells.get(key) ?? []), r['会话编号']!]);
	}
	return cells;
}

/** Clicks a heatmap cell where ECharts drew it (its own coordinate conversion), as a mouse would. */
async function clickCell(page: Page, hourIndex: number, weekdayIndex: number) {
	const chart = page.locator('[data-panel=svc-heatmap] [role=img]');
	await expect(chart).toHaveAttribute('data-ready', 'true');
	await chart.scrollIntoViewIfNeeded();
	const at = await chart.evaluate(
		(el, [x, y]) => {
			const c = (el as unknown as { echarts: { convertToPixel: (f: object, v: number[]) => number[] } }).echarts;
			const [px, py] = c.convertToPixel({ seriesIndex: 0 }, [x!, y!]);
			const box = el.getBoundingClientRect();
			return { x: box.left + px!, y: box.top + py! };
		},
		[hourIndex, weekdayIndex]
	);
	await page.mouse.click(at.x, at.y);
}

async function drillBusiestCell(page: Page, stores?: string[]) {
	const cells = offeredByCell(stores);
	const hours = [...new Set([...cells.keys()].map((k) => Number(k.split('-')[1])))].sort((a, b) => a - b);
	const [key, ids] = [...cells].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0]!;
	const [day, hour] = key.split('-').map(Number) as [number, number];
	await clickCell(page, hours.indexOf(hour), day - 1);
	const drill = page.locator('section.drill');
	await expect(drill).toHaveAttribute('data-loading', 'false');
	await expect(drill).toHaveAttribute('data-total', String(ids.length));
	const shown = await drill.locator('td[data-col=contact_id]').allTextContents();
	expect(shown.sort()).toEqual([...ids].sort().slice(0, 50));
	return drill;
}

test('服务过程: six tiles, a heatmap whose busiest cell drills down to exactly its contacts, phones shown to a pii user', async ({
	page
}) => {
	await signIn(page, demoAccount('leadership'), '/service');
	await expect(page).toHaveTitle('服务过程 · 服务质量分析');
	await expect(page.getByRole('navigation').getByRole('link', { name: '服务过程' })).toHaveAttribute('aria-current', 'page');
	await expect(page.locator('[data-field=range]')).toHaveText('2025-01-01 至 2025-03-31');
	await expect(page.locator('section[aria-labelledby=svc-kpis] article')).toHaveCount(6);
	for (const name of [
		'服务水平（限时接通率）',
		'接通率',
		'放弃率',
		'平均应答速度（ASA）',
		'平均处理时长（AHT）',
		'首次解决率（按重复进线）'
	])
		await expect(page.getByRole('article', { name, exact: true }).locator('[data-field=value]')).not.toHaveText('—');
	// 接通率 from the file: answered of offered
	const offered = [...offeredByCell().values()].flat();
	const answered = readSample('contacts.csv').filter((r) => r['接起时间'] && offered.includes(r['会话编号']!)).length;
	await expect(page.getByRole('article', { name: '接通率', exact: true }).locator('[data-field=value]')).toHaveText(
		`${((answered / offered.length) * 100).toFixed(1)}%`
	);
	await expect(page.locator('[data-table=agents] tbody tr')).toHaveCount(12);

	const drill = await drillBusiestCell(page);
	const phones = await drill.locator('td[data-col=customer_phone]').allTextContents();
	expect(phones.filter((p) => /^1\d{10}$/u.test(p)).length).toBeGreaterThan(0);
	await page.screenshot({ path: 'test-results/service-zh.png', fullPage: true });
});

test('a manager of one store sees that store only, with phones masked; a viewer may not open the page', async ({ page }) => {
	const manager = demoAccount('manager');
	await signIn(page, manager, '/service');
	const drill = await drillBusiestCell(page, manager.stores!);
	const stores = new Set(await drill.locator('td[data-col=store]').allTextContents());
	expect([...stores]).toEqual(manager.stores);
	const phones = (await drill.locator('td[data-col=customer_phone]').allTextContents()).filter((p) => p !== '');
	expect(phones.length).toBeGreaterThan(0);
	for (const p of phones) expect(p).toMatch(/\*{4}/u);

	await page.context().clearCookies();
	await signIn(page, demoAccount('viewer'), '/dashboard');
	await expect(page.getByRole('navigation').getByRole('link', { name: '服务过程' })).toHaveCount(0);
	// asked as a request (a refused page load would be a console error)
	expect((await page.request.get('/service', { maxRedirects: 0 })).status()).toBe(403);
});

test('without contacts the page says how to load them, and draws nothing broken', async ({ page }) => {
	const base = `http://127.0.0.1:${E2E_EMPTY_PORT}`;
	await signIn(page, demoAccount('leadership'), '/service', base);
	await expect(page.locator('.lead')).toContainText('还没有来电与在线会话记录');
	await expect(page.locator('article[data-metric=service_level] [data-field=value]')).toHaveText('—');
	await expect(page.locator('[data-panel=svc-heatmap] [role=img]')).toHaveAttribute('data-ready', 'true');
	await expect(page.locator('[data-panel=svc-agents]')).toContainText('所选范围内没有坐席接待记录');
});
