import { expect, test, type Page } from '@playwright/test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { encodeGbk } from '../../pipelines/generate/gbk';
import { signIn } from './login';
import { E2E_UPLOAD_PORT } from './port';
import { failOnPageProblems } from './problems';

/**
 * The upload flow in a real browser against its own server (samples loaded, so the other specs'
 * numbers are untouched): a GBK survey file needing one manual mapping choice, duplicates, errors,
 * the confirmed partial load, rollback from the history, and who may not come in.
 */
const BASE = `http://127.0.0.1:${E2E_UPLOAD_PORT}`;
const REALDATA = resolve('..', 'shared', 'realdata');

// A viewer's refused page and API call are logged by the browser as 403s: expected there.
failOnPageProblems(test, (msg) => /status of 403/u.test(msg.text()));
test.describe.configure({ mode: 'serial' });

/** 40 responses in April 2025, GBK with CRLF; 门店名称 is no alias of 门店, so it needs one choice by hand. */
function gbkSurvey(): string {
	const lines = ['问卷编号,调查日期,门店名称,总体满意度,推荐意愿,服务质量,停车便利'];
	for (let i = 1; i <= 40; i++)
		lines.push(`GB-${i},2025/4/${1 + (i % 28)},杭州湖滨店,${1 + (i % 5)},${i % 11},${1 + ((i + 2) % 5)},${1 + (i % 4)}`);
	const path = join(tmpdir(), `e2e-gbk-survey-${process.pid}.csv`);
	writeFileSync(path, encodeGbk(lines.join('\r\n') + '\r\n'));
	return path;
}

/** The CSAT tile of April 2025 (where only the uploaded responses fall): its value and sample size. */
async function aprilCsat(page: Page): Promise<string> {
	await page.goto(`${BASE}/dashboard?from=2025-04-01&to=2025-04-30`);
	const tile = page.locator('article[data-metric=csat]');
	await expect(tile).toBeVisible();
	return (
		(await tile.locator('[data-field=value]').textContent())! +
		' ' +
		((await tile.locator('[data-field=note]').count()) ? await tile.locator('[data-field=note]').textContent() : '')
	);
}

async function chooseFile(page: Page, path: string, kind = '满意度调查') {
	await page.goto(`${BASE}/upload`);
	await page.getByRole('radio', { name: kind }).check();
	await page.locator('[data-field=file-input]').setInputFiles(path);
	await expect(page.locator('[data-field=preview]')).toBeVisible();
}

let gbkBatch = 0;
let before = '';

test('a GBK survey with Chinese headers and one manual mapping choice loads, and the dashboard counts it', async ({ page }) => {
	await signIn(page, undefined, '/', BASE);
	before = await aprilCsat(page);
	expect(before).not.toContain('n = 40');

	const file = gbkSurvey();
	await chooseFile(page, file);
	await expect(page.locator('[data-field=encoding]')).toHaveValue('gbk');
	await expect(page.locator('[data-field=preview-facts]')).toHaveText('共 40 行数据 · 7 列 · 分隔符「,」 · GBK / GB18030');
	await expect(page.locator('[data-field=preview] tbody tr').first()).toContainText('杭州湖滨店');
	// the aliases matched the rest; 门店名称 is not one of 门店's, so the page blocks until it is chosen
	await expect(page.locator('select[data-source=问卷编号]')).toHaveValue('response_id');
	await expect(page.locator('select[data-source=停车便利]')).toHaveValue('extra');
	await expect(page.locator('[data-field=missing-required]')).toContainText('门店（store）');
	await expect(page.locator('[data-action=validate]')).toBeDisabled();
	await page.locator('select[data-source=门店名称]').selectOption('store');
	await expect(page.locator('[data-field=missing-required]')).toHaveCount(0);

	// saved by name, offered again for the same header below
	await page.locator('[data-field=mapping-name]').fill('四月门店问卷');
	await page.getByRole('button', { name: '保存映射' }).click();
	await expect(page.getByRole('status').filter({ hasText: '映射「四月门店问卷」已保存' })).toBeVisible();

	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toHaveText('试运行：读取 40 行，可导入 40 行，有问题 0 行；未写入数据库');
	await page.locator('[data-action=load]').click();
	await expect(page.locator('[data-field=result-message]')).toContainText('导入成功：读取 40 行，导入 40 行');
	await expect(page.locator('[data-field=result-warnings]')).toContainText('以下列作为附加题目保存：停车便利');
	gbkBatch = Number(/批次 (\d+)/u.exec((await page.locator('[data-field=result-message]').textContent())!)![1]);

	await page.locator('[data-field=result-dashboard]').click();
	await expect(page).toHaveURL(/\/dashboard/u);
	expect(await aprilCsat(page)).toContain('n = 40');

	// the batch page shows the extra question with its answers
	await page.goto(`${BASE}/batches/${gbkBatch}`);
	await expect(page.locator('[data-field=extra-questions]')).toContainText('停车便利');
	await expect(page.locator('[data-field=rows-loaded]')).toHaveText('40');
});

test('the same file again: the saved mapping is applied by itself and the file is reported as already loaded', async ({ page }) => {
	await signIn(page, undefined, '/upload', BASE);
	await chooseFile(page, gbkSurvey());
	await expect(page.locator('[data-field=mapping-applied]')).toContainText('四月门店问卷');
	await expect(page.locator('select[data-source=门店名称]')).toHaveValue('store');
	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toHaveText(
		new RegExp(`^此文件已于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d 导入（批次 ${gbkBatch}），本次未做任何更改$`, 'u')
	);
	await expect(page.locator('[data-action=load]')).toHaveCount(0);
});

test('rolling the batch back from the history restores the previous numbers', async ({ page }) => {
	await signIn(page, undefined, '/batches', BASE);
	await page.locator(`a[href="/batches/${gbkBatch}"]`).first().click();
	await expect(page.locator('[data-field=batch-file]')).toHaveText(/e2e-gbk-survey/u);
	await page.getByRole('checkbox', { name: /我确认回滚/u }).check();
	await page.getByRole('button', { name: '回滚此批次' }).click();
	await expect(page.locator('[data-field=rollback-result]')).toHaveText(`批次 ${gbkBatch} 已回滚：删除 40 行，恢复 0 行`);
	expect(await aprilCsat(page)).toBe(before);
	await page.goto(`${BASE}/batches`);
	await expect(page.locator('tr', { hasText: `#${gbkBatch}` })).toContainText('已回滚');
});

test('a file with errors: the error table names the right rows, the cells are highlighted, nothing is loaded', async ({ page }) => {
	await signIn(page, undefined, '/upload', BASE);
	const batchesBefore = await page.request.get(`${BASE}/batches`).then((r) => r.text());
	await chooseFile(page, resolve('data/samples/surveys_with_errors.csv'));
	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toHaveText('试运行：读取 30 行，可导入 23 行，有问题 7 行；未写入数据库');
	const rows = page.locator('[data-field=errors] tbody tr td:first-child');
	await expect(rows).toHaveText(['5', '9', '13', '16', '20', '24', '28']);
	await expect(page.locator('[data-field=errors] tbody tr').first()).toContainText('「总体满意度」的值「6」超出范围（应在 1 到 5 之间）');
	// rows 5, 9, 13, 16 and 20 are in the preview: their bad cells are marked
	await expect(page.locator('[data-field=preview] td.bad')).toHaveCount(5);
	await expect(page.locator('[data-field=preview] td.bad[data-row="5"]')).toHaveText('6');
	// all or nothing: no plain load button, only the confirmed partial load
	await expect(page.locator('[data-action=load]')).toHaveCount(0);
	await expect(page.locator('[data-action=load-partial]')).toBeDisabled();

	const download = page.waitForEvent('download');
	await page.locator('[data-action=download-report]').click();
	const report = readFileSync((await (await download).path())!, 'utf8');
	expect(report.startsWith('\uFEFF行号,列,值,原因\r\n5,总体满意度,6,')).toBe(true);
	expect(report.split('\r\n').filter(Boolean)).toHaveLength(8);

	// nothing was written: the history is as it was
	const batchesAfter = await page.request.get(`${BASE}/batches`).then((r) => r.text());
	expect(batchesAfter.match(/href="\/batches\/\d+"/gu)).toEqual(batchesBefore.match(/href="\/batches\/\d+"/gu));
});

test('accept partial: the confirmation names the rows skipped, and only the valid rows load', async ({ page }) => {
	await signIn(page, undefined, '/upload', BASE);
	await chooseFile(page, resolve('data/samples/surveys_with_errors.csv'));
	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toContainText('有问题 7 行');
	const confirm = page.locator('[data-field=confirm-partial]');
	await expect(page.locator('label', { has: confirm })).toHaveText(
		'我确认只导入有效行：跳过 7 行有问题的数据，导入其余 23 行（被跳过的行记录在批次中）'
	);
	await confirm.check();
	await page.locator('[data-action=load-partial]').click();
	await expect(page.locator('[data-field=result-message]')).toContainText('导入成功：读取 30 行，导入 23 行，拒绝 7 行');
	// the batch page lists the 7 rejected rows
	await page.locator('[data-field=result-batch]').click();
	await expect(page.locator('[data-field=rejected-rows] tbody tr')).toHaveCount(7);
});

test('the page follows the English switch', async ({ page }) => {
	await signIn(page, undefined, '/upload', BASE);
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Upload data');
	await page.getByRole('radio', { name: 'Satisfaction surveys' }).check();
	await page.locator('[data-field=file-input]').setInputFiles(resolve('data/samples/surveys_with_errors.csv'));
	await expect(page.locator('[data-field=preview-facts]')).toHaveText('30 data rows · 14 columns · delimiter "," · UTF-8');
	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toHaveText(/^This file was already loaded on /u);
	await page.getByRole('button', { name: '中文' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('数据上传');
});

test('text typed into the mapping JSON is kept until applied: opening the panel or changing a column does not overwrite it', async ({
	page
}) => {
	await signIn(page, undefined, '/upload', BASE);
	await chooseFile(page, resolve('data/samples/surveys_with_errors.csv'));
	await page.getByText('高级：日期顺序、取值转换（JSON）').click();
	// the panel's toggle event is asynchronous: wait until it shows the current mapping, as a user would
	// see it before editing (typing earlier raced the fill of the text with the panel opening)
	await expect(page.locator('[data-field=mapping-json]')).toHaveValue(/"问卷编号"/u);
	const typed = JSON.stringify({ columns: { 意见建议: 'comment' } });
	await page.locator('[data-field=mapping-json]').fill(typed);
	// a change of the mapping above while the text holds an edit not yet applied
	const first = page.locator('select[data-source]').first();
	await first.selectOption('');
	await expect(page.locator('[data-field=mapping-json]')).toHaveValue(typed);
	// once applied, the text follows the mapping again
	await page.locator('[data-action=apply-json]').click();
	await expect(page.locator('[data-field=mapping-json]')).not.toHaveValue(typed);
	await expect(page.locator('[data-field=mapping-json]')).toHaveValue(/"columns"/u);
});

test('a viewer cannot open the page nor use the API', async ({ page }) => {
	await signIn(page, demoAccount('viewer'), '/', BASE);
	await expect(page.locator('nav a[href="/upload"]')).toHaveCount(0);
	const res = await page.goto(`${BASE}/upload`);
	expect(res?.status()).toBe(403);
	const api = await page.evaluate(async () => {
		const form = new FormData();
		form.append('file', new Blob(['日期,门店,客流量,交易笔数\n2025-04-01,杭州湖滨店,1,1\n']), 't.csv');
		const r = await fetch('/api/ingest/traffic', { method: 'POST', body: form });
		return r.status;
	});
	expect(api).toBe(403);
	expect((await page.goto(`${BASE}/batches`))?.status()).toBe(403);
});

const somerville = join(REALDATA, 'satisfaction_us_somerville_happiness_2015.csv');
const waimai = join(REALDATA, 'satisfaction_cn_waimai_10k.csv');

test.describe('real survey files through the page with a mapping', () => {
	test.skip(!existsSync(somerville) || !existsSync(waimai), 'the real data files (../shared/realdata) are absent');

	/** Pastes a mapping into the advanced JSON editor and applies it. */
	async function pasteMapping(page: Page, mapping: unknown) {
		await page.getByText('高级：日期顺序、取值转换（JSON）').click();
		// as a person would: the panel is open and shows the current mapping before the paste
		await expect(page.locator('[data-field=mapping-json]')).toHaveValue(/"columns"/u);
		await page.locator('[data-field=mapping-json]').fill(JSON.stringify(mapping));
		await page.locator('[data-action=apply-json]').click();
	}

	test('Somerville happiness survey (UTF-8 BOM, cryptic headers): Y becomes overall, X1–X6 extra questions', async ({ page }) => {
		await signIn(page, undefined, '/upload', BASE);
		await chooseFile(page, somerville);
		await expect(page.locator('[data-field=encoding]')).toHaveValue('utf-8-bom');
		await expect(page.locator('[data-field=missing-required]')).toBeVisible();
		await pasteMapping(page, {
			columns: { Y: 'overall' },
			values: { Y: { '1': '5', '0': '2' } },
			constants: { store: 'Somerville', submitted_at: '2015-06-01', method: '问卷' },
			generate_key: true
		});
		await expect(page.locator('[data-field=missing-required]')).toHaveCount(0);
		await expect(page.locator('[data-field=generate-key]')).toBeChecked();
		await page.locator('[data-action=validate]').click();
		await expect(page.locator('[data-field=dry-run-message]')).toHaveText('试运行：读取 143 行，可导入 143 行，有问题 0 行；未写入数据库');
		await page.locator('[data-action=load]').click();
		await expect(page.locator('[data-field=result-message]')).toContainText('导入 143 行');
		await expect(page.locator('[data-field=result-warnings]')).toContainText('X1、X2、X3、X4、X5、X6');
		await page.locator('[data-field=result-batch]').click();
		await expect(page.locator('[data-field=extra-questions] tbody tr')).toHaveCount(6);
	});

	test('waimai reviews (12k rows, quoted commas): label becomes overall, the review the comment', async ({ page }) => {
		await signIn(page, undefined, '/upload', BASE);
		await chooseFile(page, waimai);
		await expect(page.locator('[data-field=preview-facts]')).toContainText('共 11,987 行数据 · 2 列');
		await page.locator('select[data-source=label]').selectOption('overall');
		await page.locator('select[data-source=review]').selectOption('comment');
		await page.locator('[data-field=generate-key]').check();
		await page.locator('[data-constant=store]').fill('某外卖平台');
		await page.locator('[data-constant=submitted_at]').fill('2019-01-17');
		// label 1/0 is not on the 1-5 scale: the quick check and the server say so until a value map turns it into 5/2
		await page.locator('[data-action=validate]').click();
		await expect(page.locator('[data-field=dry-run-message]')).toContainText('有问题 7987 行');
		await page.getByText('高级：日期顺序、取值转换（JSON）').click();
		// the editor fills with the current mapping as it opens
		await expect(page.locator('[data-field=mapping-json]')).toHaveValue(/"label": "overall"/u);
		const json = JSON.parse(await page.locator('[data-field=mapping-json]').inputValue()) as Record<string, unknown>;
		await page.locator('[data-field=mapping-json]').fill(JSON.stringify({ ...json, values: { label: { '1': '5', '0': '2' } } }));
		await page.locator('[data-action=apply-json]').click();
		await page.locator('[data-action=validate]').click();
		await expect(page.locator('[data-field=dry-run-message]')).toHaveText(
			'试运行：读取 11987 行，可导入 11987 行，有问题 0 行；未写入数据库'
		);
		await page.locator('[data-action=load]').click();
		await expect(page.locator('[data-field=result-message]')).toContainText('导入 11987 行');
	});
});

test('a contact log loads through the page (durations as seconds, mm:ss and hh:mm:ss), and 服务过程 counts it', async ({ page }) => {
	await signIn(page, undefined, '/', BASE);
	// April 2025, where the samples have no contacts: 8 answered of 10 offered, one 3 s hang-up not offered
	const lines = ['会话编号,渠道,门店,坐席工号,进线时间,接起时间,结束时间,通话时长,保持时长,话后处理时长,客户电话'];
	for (let i = 1; i <= 8; i++)
		lines.push(
			`AP-${i},电话,杭州湖滨店,S026,2025-04-0${i} 10:00:00,2025-04-0${i} 10:00:09,2025-04-0${i} 10:05:00,200,0:30,0:00:20,1390000000${i}`
		);
	lines.push('AP-9,在线,杭州湖滨店,,2025-04-09 10:00:00,,2025-04-09 10:01:00,,,,13900000009');
	lines.push('AP-10,电话,杭州湖滨店,,2025-04-10 10:00:00,,2025-04-10 10:00:40,,,,13900000010');
	lines.push('AP-11,电话,杭州湖滨店,,2025-04-11 10:00:00,,2025-04-11 10:00:03,,,,13900000011');
	const path = join(tmpdir(), `e2e-contacts-${process.pid}.csv`);
	writeFileSync(path, lines.join('\n') + '\n');
	await chooseFile(page, path, '来电与在线会话');
	await expect(page.locator('select[data-source=通话时长]')).toHaveValue('talk_seconds');
	await expect(page.locator('select[data-source=话后处理时长]')).toHaveValue('wrap_seconds');
	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toHaveText('试运行：读取 11 行，可导入 11 行，有问题 0 行；未写入数据库');
	await page.locator('[data-action=load]').click();
	await expect(page.locator('[data-field=result-message]')).toContainText('导入成功：读取 11 行，导入 11 行');

	await page.goto(`${BASE}/service?from=2025-04-01&to=2025-04-30`);
	await expect(page.locator('article[data-metric=answer_rate] [data-field=value]')).toHaveText('80.0%');
	// handle time 200 + 30 + 20 for every answered call
	await expect(page.locator('article[data-metric=aht_mean_s] [data-field=value]')).toHaveText('250.0 秒');
});
