import { expect, test, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { dayOf, readSample } from './expected';
import { signIn } from './login';
import { failOnPageProblems } from './problems';

/**
 * 绩效考核 on the sample appraisals (January–March 2025, monthly rows, equal weights). Expected numbers
 * come from the file: a quarter result is the mean of a person's monthly totals, for staff with at
 * least two of the three months (the default roll-up rule).
 */
failOnPageProblems(test);

interface Expected {
	id: string;
	name: string;
	store: string;
	total: number;
}

function q1Expected(): Expected[] {
	const by = new Map<string, { name: string; store: string; totals: number[] }>();
	for (const r of readSample('appraisals.csv')) {
		const month = dayOf(r['考核周期']!).slice(0, 7);
		if (month < '2025-01' || month > '2025-03') continue;
		const e = by.get(r['工号']!) ?? by.set(r['工号']!, { name: r['姓名']!, store: r['门店']!, totals: [] }).get(r['工号']!)!;
		e.totals.push(Number(r['总分']));
		e.store = r['门店']!;
	}
	return [...by]
		.filter(([, e]) => e.totals.length >= 2)
		.map(([id, e]) => ({
			id,
			name: e.name,
			store: e.store,
			total: Math.round((e.totals.reduce((a, b) => a + b, 0) / e.totals.length) * 100) / 100
		}));
}

async function download(page: Page, action: string): Promise<Buffer> {
	const pending = page.waitForEvent('download');
	await page.locator(`[data-action=${action}]`).click();
	const file = await pending;
	return readFileSync((await file.path())!);
}

async function pdfText(bytes: Buffer): Promise<{ pages: number; text: string }> {
	const doc = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true }).promise;
	let text = '';
	for (let i = 1; i <= doc.numPages; i++) {
		const content = await (await doc.getPage(i)).getTextContent();
		text += content.items.map((it) => ('str' in it ? it.str : '')).join('');
	}
	// chromium's PDF text comes out with spaces between CJK characters
	return { pages: doc.numPages, text: text.normalize('NFKC').replace(/\s+/gu, '') };
}

test('leadership opens the quarter, drills into a scorecard and downloads Excel and PDF', async ({ page }) => {
	test.setTimeout(120_000);
	const expected = q1Expected();
	await signIn(page, demoAccount('leadership'), '/evaluations');
	await expect(page.locator('[data-cycle=quarter]')).toHaveAttribute('aria-pressed', 'true');
	await expect(page.locator('[data-period]')).toHaveAttribute('data-period', '2025-Q1');
	await expect(page.locator('[data-tile=staff] .v')).toHaveText(String(expected.length));
	const rows = page.locator('[data-table=ranking] tbody tr[data-staff]');
	// collapsed to the best and worst ten; everyone after "show all"
	await expect(rows).toHaveCount(20);
	await page.locator('[data-action=ranking-all]').click();
	await expect(rows).toHaveCount(expected.length);
	// every store's top row is its best quarter total
	for (const store of new Set(expected.map((e) => e.store))) {
		const best = expected.filter((e) => e.store === store).sort((a, b) => b.total - a.total)[0]!;
		await expect(page.locator(`[data-table=ranking] tbody tr[data-staff=${best.id}] td`).nth(1)).toHaveText('1');
	}
	// the fairness checks are there for leadership, with a verdict for every reviewer
	await expect(page.locator('[data-table=reviewers] tbody tr')).toHaveCount(4);

	// Excel: one sheet per table, a header row of Chinese names, numbers as numbers
	const xlsx = new ExcelJS.Workbook();
	await xlsx.xlsx.load((await download(page, 'excel')) as unknown as ArrayBuffer);
	const sheet = xlsx.worksheets[0]!;
	const header = (sheet.getRow(1).values as unknown[]).slice(1);
	expect(header).toContain('工号');
	expect(header).toContain('总分');
	expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
	expect(sheet.rowCount).toBe(expected.length + 1);
	const idCol = header.indexOf('工号') + 1;
	const totalCol = header.indexOf('总分') + 1;
	const inSheet = new Map<string, unknown>();
	sheet.eachRow((row, n) => {
		if (n > 1) inSheet.set(String(row.getCell(idCol).value), row.getCell(totalCol).value);
	});
	for (const e of expected) expect(inSheet.get(e.id), e.id).toBeCloseTo(e.total, 2);

	// PDF: a real PDF of the report, every ranked staff member in it
	const pdf = await download(page, 'pdf');
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
	const { pages, text } = await pdfText(pdf);
	expect(pages).toBeGreaterThanOrEqual(1);
	expect(text).toContain('2025');
	for (const e of expected) expect(text, e.id).toContain(e.id);

	// drill into a scorecard: its months and the evidence beside them
	const first = expected.find((e) => e.id === 'S001')!;
	await page.locator(`[data-table=ranking] tr[data-staff=S001] a`).click();
	await expect(page).toHaveURL(/\/staff\/S001\?cycle=quarter/u);
	await expect(page.locator('[data-field=staff-name]')).toContainText(first.name);
	await expect(page.locator('[data-table=scorecard] tbody tr')).toHaveCount(1);
	await expect(page.locator('[data-table=scorecard] tbody tr[data-period="2025-Q1"]')).toContainText(first.total.toFixed(1));
	await page.getByRole('link', { name: /月度/u }).click();
	await expect(page.locator('[data-table=scorecard] tbody tr')).toHaveCount(3);
});

test('a manager sees only their store', async ({ page }) => {
	const manager = demoAccount('manager');
	const mine = q1Expected().filter((e) => manager.stores!.includes(e.store));
	await signIn(page, manager, '/evaluations');
	await expect(page.locator('[data-table=ranking] tbody tr')).toHaveCount(mine.length);
	for (const store of await page.locator('[data-table=ranking] tbody tr td:first-child').allTextContents())
		expect(manager.stores).toContain(store);
	await expect(page.locator('[data-table=reviewers]')).toHaveCount(0);
	// one store in view: no comparison with "the others" (an empty group), said in words
	await expect(page.locator('[data-table=stores]')).toHaveCount(0);
	await expect(page.locator('[data-field=stores-alone]')).toHaveText('所看范围内只有一家门店，没有可与之对比的其他门店。');
	await expect(page.locator('[data-action=excel]')).toHaveCount(0);
	// another store's staff member is not found, and asking for another store is refused
	const other = q1Expected().find((e) => !manager.stores!.includes(e.store))!;
	expect((await page.request.get(`/staff/${other.id}`)).status()).toBe(404);
	expect((await page.request.get(`/evaluations?store=${encodeURIComponent(other.store)}`)).status()).toBe(403);
});

test('a viewer sees aggregates and no individual scores', async ({ page }) => {
	const viewer = demoAccount('viewer');
	const mine = q1Expected().filter((e) => viewer.stores!.includes(e.store));
	await signIn(page, viewer, '/evaluations');
	await expect(page.locator('[data-tile=staff] .v')).toHaveText(String(mine.length));
	await expect(page.locator('[data-field=no-individual]')).toBeVisible();
	await expect(page.locator('[data-table=ranking], [data-table=warnings], [data-table=stars], [data-table=reviewers]')).toHaveCount(0);
	const html = await page.content();
	for (const e of mine) {
		expect(html).not.toContain(e.id);
		expect(html).not.toContain(e.name);
	}
	expect((await page.request.get(`/staff/${mine[0]!.id}`)).status()).toBe(403);
	expect((await page.request.get('/api/evaluations/export?format=csv')).status()).toBe(403);
});

test('绩效考核 puts the news first: warnings, stars and fairness above a collapsed ranking with search and show all', async ({ page }) => {
	const expected = q1Expected();
	expect(expected.length).toBeGreaterThan(20);
	await signIn(page, demoAccount('leadership'), '/evaluations');
	const top = async (selector: string) => (await page.locator(selector).first().boundingBox())!.y;
	const ranking = await top('section[data-panel=eval-ranking]');
	for (const news of [
		'section[data-panel=eval-warnings]',
		'section[data-panel=eval-stars]',
		'#fairness',
		'section[data-panel=eval-stores]'
	])
		expect(await top(news), news).toBeLessThan(ranking);
	// nothing follows the ranking
	const after = await page.locator('section[data-panel=eval-ranking] ~ *').count();
	expect(after).toBe(0);

	// the top and bottom ten by total, the rest counted in between
	const rows = page.locator('[data-table=ranking] tbody tr[data-staff]');
	await expect(rows).toHaveCount(20);
	const byTotal = [...expected].sort((a, b) => b.total - a.total);
	await expect(rows.first()).toHaveAttribute('data-staff', byTotal[0]!.id);
	await expect(rows.last()).toHaveAttribute('data-staff', byTotal.at(-1)!.id);
	await expect(page.locator('[data-field=ranking-gap]')).toContainText(String(expected.length - 20));
	await page.locator('[data-action=ranking-all]').click();
	await expect(rows).toHaveCount(expected.length);
	await page.locator('[data-action=ranking-all]').click();
	await expect(rows).toHaveCount(20);

	// a search finds someone who is not among the twenty shown
	const middle = byTotal[Math.floor(byTotal.length / 2)]!;
	await page.locator('[data-field=ranking-search]').fill(middle.id);
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toHaveAttribute('data-staff', middle.id);
	await expect(page.locator('[data-action=ranking-all]')).toHaveCount(0);

	// store comparisons are adjusted for multiple testing and say so
	await expect(page.locator('section[data-panel=eval-stores]')).toContainText('Benjamini-Hochberg');
	await expect(page.locator('[data-table=stores] th[data-col=q]')).toHaveText('q（BH 校正）');
	await expect(page.locator('[data-table=stores] tbody tr [data-field=q]')).toHaveCount(new Set(expected.map((e) => e.store)).size);
	await page.screenshot({ path: 'test-results/evaluations-news-first.png', fullPage: true });
});

test('leadership weights the QA score in as an optional component, off by default', async ({ page }) => {
	await signIn(page, demoAccount('leadership'), '/evaluations/settings');
	const table = page.locator('[data-table=weights]');
	await expect(table.locator('thead th')).toContainText(['质检得分', '首次解决率']);
	// every rule so far has the components off
	for (const row of await table.locator('tbody tr').all()) await expect(row.locator('td').nth(-2)).toHaveText('0%');
	const form = page.locator('[data-form=weights]');
	await expect(form.locator('input[name=qa_score]')).toHaveValue('0');
	await expect(form.locator('input[name=fcr]')).toHaveValue('0');
	// a position no one holds, a month far ahead: no total of the samples moves
	await form.locator('input[name=position]').fill('质检附加项岗位');
	await form.locator('input[name=effective_from]').fill('2031-01');
	await form.locator('input[name=qa_score]').fill('20');
	await form.locator('button[type=submit]').click();
	// five dimensions at 20 and the QA score at 20 sum to 120: refused
	await expect(page.locator('[data-field=result]')).toHaveClass(/bad/u);
	for (const d of ['business_ability', 'communication', 'teamwork', 'service_attitude', 'discipline'])
		await form.locator(`input[name=${d}]`).fill('16');
	await form.locator('input[name=qa_score]').fill('20');
	await form.locator('button[type=submit]').click();
	await expect(page.locator('[data-field=result]')).not.toHaveClass(/bad/u);
	const rule = table.locator('tbody tr', { hasText: '质检附加项岗位' });
	await expect(rule.locator('td').nth(-2)).toHaveText('20%');
	await expect(rule.locator('td').nth(-1)).toHaveText('0%');
});
