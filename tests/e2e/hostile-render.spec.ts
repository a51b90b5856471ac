import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../pipelines/engine';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { tempDir } from '../helpers/db';
import { COMPLAINTS_HEADER, complaint } from '../helpers/hostile-bytes';
import { startServer, type RunningServer } from '../helpers/server';
import { E2E_PORT } from './port';
import { signIn } from './login';

/**
 * HTML and script typed into a register's text fields are data: every page shows them as text and no
 * script of theirs runs. The payloads set a window flag if they ever run. Its own server (the next free
 * port after the four shared ones) so the shared servers' data stays as their tests expect.
 */
const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=2</script>';
const SVG = '<svg onload="window.__xss=3">';

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({
		port: E2E_PORT + 4,
		prepare: async (db) => {
			await ensureDemoUsers(db);
			const { dir, cleanup } = tempDir('sqa-xss-');
			const file = join(dir, 'xss.csv');
			writeFileSync(
				file,
				[
					COMPLAINTS_HEADER,
					complaint('XSS-1', '2025-03-03 09:00', IMG, '13812345678', SCRIPT),
					complaint('XSS-2', '2025-03-04 09:00', SVG, '13812345679', SCRIPT),
					`XSS-3,not a date,南京新街口店,服务态度,${IMG},${SCRIPT},1`
				].join('\n') + '\n'
			);
			const s = await ingest(db, {
				kind: 'complaints',
				filePath: file,
				fileName: `${SCRIPT}.csv`,
				acceptPartial: true,
				source: 'cli',
				createdBy: 'e2e'
			});
			cleanup();
			if (s.rows_loaded !== 2 || s.rows_rejected !== 1) throw new Error(`unexpected load: ${JSON.stringify(s)}`);
		}
	});
});

test.afterAll(async () => {
	await server?.stop();
});

async function noScriptRan(page: Page) {
	expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
	await expect(page.locator('img[src=x], body script:has-text("__xss"), svg[onload]')).toHaveCount(0);
}

test('the complaints drill-down shows HTML from a register as text and runs none of it', async ({ page }) => {
	await signIn(page, undefined, '/complaints?from=2025-03-01&to=2025-03-31', server.base);
	const chart = page.locator('[data-panel=cmp-pareto] [role=img]');
	await expect(chart).toHaveAttribute('data-ready', 'true');
	await chart.scrollIntoViewIfNeeded();
	const box = await chart.evaluate((el) => {
		const bar = [...el.querySelectorAll('path[fill="#2563c9"]')]
			.map((p) => p.getBoundingClientRect())
			.filter((r) => r.height > 0)
			.sort((a, b) => b.height - a.height)[0]!;
		return { x: bar.x + bar.width / 2, y: bar.y + bar.height / 2 };
	});
	await page.mouse.click(box.x, box.y);
	const drill = page.locator('section.drill');
	await expect(drill).toHaveAttribute('data-loading', 'false');
	await expect(drill).toHaveAttribute('data-total', '2');
	await expect(drill.locator('td[data-col=summary]')).toHaveText([IMG, SVG]);
	await noScriptRan(page);
});

test('the batch pages show a file name, rejected values and reasons holding HTML as text', async ({ page }) => {
	await signIn(page, undefined, '/batches', server.base);
	await expect(page.getByText(`${SCRIPT}.csv`).first()).toBeVisible();
	await noScriptRan(page);
	await page.getByText(`${SCRIPT}.csv`).first().click();
	await expect(page).toHaveURL(/\/batches\/\d+/u);
	await expect(page.locator('body')).toContainText('not a date');
	await expect(page.locator('body')).toContainText(`${SCRIPT}.csv`);
	await noScriptRan(page);
});
