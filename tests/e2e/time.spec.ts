import { failOnPageProblems } from './problems';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './login';
import { E2E_GENERATED_PORT } from './port';
import { STALE_STAFF_DAYS } from './samples';

/**
 * One time zone (TZ_DISPLAY, default Asia/Shanghai) in every timestamp, whatever the zone of the server
 * process (UTC here) or of the browser (New York below); 数据截至 the same on every page; late loads named.
 */

failOnPageProblems(test);
test.use({ timezoneId: 'America/New_York' });

const GEN = `http://127.0.0.1:${E2E_GENERATED_PORT}`;
const STAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/u;
const HOUR = 3_600_000;

/** A shown time read as Shanghai wall-clock time: the instant it names. */
const shanghai = (text: string) => Date.parse(`${text.replace(' ', 'T')}:00+08:00`);

/**
 * Every timestamp in `selector` reads YYYY-MM-DD HH:mm and, read as Shanghai time, names an instant just
 * before now or (the staff list, backdated) STALE_STAFF_DAYS before it; in UTC or New York time the same
 * instant would read 8 or 13 hours off.
 */
async function expectShanghaiTimes(page: Page, selector: string): Promise<void> {
	const texts = (await page.locator(selector).allTextContents()).map((t) => t.trim());
	expect(texts.length, selector).toBeGreaterThan(0);
	for (const t of texts) {
		expect(t).toMatch(STAMP);
		const age = Date.now() - shanghai(t);
		const recent = age > -2 * 60_000 && age < 3 * HOUR;
		const staff = Math.abs(age - STALE_STAFF_DAYS * 24 * HOUR) < 3 * HOUR;
		expect(recent || staff, `${t} (${selector}) is now or ${STALE_STAFF_DAYS} days ago in Shanghai time`).toBe(true);
	}
}

async function inLanguage(page: Page, lang: 'zh-CN' | 'en'): Promise<void> {
	if (lang === 'en') await page.getByRole('button', { name: 'English' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', lang);
	await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

for (const [lang, zone] of [
	['zh-CN', '时间按 Asia/Shanghai（UTC+8）显示'],
	['en', 'Times in Asia/Shanghai (UTC+8)']
] as const) {
	test(`home and the load history write every time in Asia/Shanghai, 24-hour (${lang})`, async ({ page }) => {
		await signIn(page);
		await inLanguage(page, lang);
		await expect(page.locator('[data-field=time-zone]')).toHaveText(zone);
		await expectShanghaiTimes(page, '[data-field=last-load]');
		await expectShanghaiTimes(page, 'td.finished');
		await page.goto('/batches');
		await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
		await expectShanghaiTimes(page, 'td.finished');
	});

	test(`the alerts write their times in Asia/Shanghai after hydration, whatever the browser's zone (${lang})`, async ({ page }) => {
		await signIn(page, undefined, '/quality/alerts', GEN);
		await inLanguage(page, lang);
		await expect(page.locator('[data-field=time-zone]')).toHaveText(zone);
		await expectShanghaiTimes(page, '[data-field=alert-created]');
	});
}

test('数据截至 is the register snapshot, the same on 总览, the quality report and 预警', async ({ page }) => {
	await signIn(page, undefined, '/dashboard');
	const asOf = page.locator('[data-field=data-as-of]');
	// the sample complaints end on 2025-03-31: SLA and backlog are computed as of that day, not today
	await expect(asOf).toHaveText('数据截至 2025-03-31');
	for (const path of ['/quality/report', '/quality/alerts', '/complaints']) {
		await page.goto(path);
		await expect(asOf).toHaveText('数据截至 2025-03-31');
	}
});

test('a kind loaded longer ago than its cadence is named on every page', async ({ page }) => {
	await signIn(page, undefined, '/dashboard');
	const stale = page.locator('[data-field=stale]');
	await expect(stale).toHaveCount(1);
	await expect(stale).toHaveAttribute('data-kind', 'staff');
	await expect(stale).toContainText(`员工数据已 ${STALE_STAFF_DAYS} 天未更新（最近导入 `);
	await page.goto('/complaints');
	await expect(stale).toContainText(`员工数据已 ${STALE_STAFF_DAYS} 天未更新`);
});
