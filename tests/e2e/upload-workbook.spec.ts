import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { signIn } from './login';
import { E2E_UPLOAD_PORT } from './port';
import { failOnPageProblems } from './problems';

/**
 * An Excel workbook uploaded in a real browser: the server reads it (no parser on the page), picks the
 * sheet whose header fits, the user picks another, the preview shows the sheet's own row numbers, and
 * the load goes through the one engine.
 */
const BASE = `http://127.0.0.1:${E2E_UPLOAD_PORT}`;

failOnPageProblems(test);
test.describe.configure({ mode: 'serial' });

const HEADER = ['投诉编号', '投诉时间', '门店', '投诉类别', '联系电话'];

/** 说明 (notes), 4月 (3 columns of the kind recognised, 2 rows), 5月 (a title row, all 5 columns, 3 rows and a totals row). */
async function workbook(): Promise<string> {
	const wb = new ExcelJS.Workbook();
	wb.addWorksheet('说明').addRow(['本工作簿为投诉登记，每月一张表']);
	const april = wb.addWorksheet('4月');
	april.addRow(['编号', '投诉时间', '门店', '备注']);
	april.addRow(['WB4-1', new Date(Date.UTC(2025, 3, 2, 10)), '杭州湖滨店', '']);
	const may = wb.addWorksheet('5月');
	may.addRow(['2025年5月客户投诉登记表']);
	may.mergeCells('A1:E1');
	may.addRow(HEADER);
	for (let i = 1; i <= 3; i++) may.addRow([`WB5-${i}`, new Date(Date.UTC(2025, 4, i, 9)), '杭州湖滨店', '服务态度', 13800000000 + i]);
	may.addRow(['合计', null, null, null, null]);
	const path = join(tmpdir(), `e2e-workbook-${process.pid}.xlsx`);
	writeFileSync(path, Buffer.from(await wb.xlsx.writeBuffer()));
	return path;
}

test('a workbook: the best sheet is taken and said, another sheet can be chosen, and it loads with the sheet named', async ({ page }) => {
	await signIn(page, undefined, '/upload', BASE);
	await page.getByRole('radio', { name: '投诉', exact: true }).check();
	await page.locator('[data-field=file-input]').setInputFiles(await workbook());

	// the server chose 5月: its header names all five columns
	await expect(page.locator('[data-field=sheet]')).toHaveValue('5月');
	await expect(page.locator('[data-field=sheet-notes]')).toContainText('读取了工作表「5月」');
	await expect(page.locator('[data-field=sheet-notes]')).toContainText('合计行（第 6 行）');
	await expect(page.locator('[data-field=preview-facts]')).toHaveText('工作表「5月」：3 行数据，5 列');
	await expect(page.locator('[data-field=preview] tbody tr td:first-child')).toHaveText(['3', '4', '5']);
	await expect(page.locator('[data-field=encoding]')).toHaveCount(0);

	// another sheet, by hand: its header and rows replace the preview
	await page.locator('[data-field=sheet]').selectOption('4月');
	await expect(page.locator('[data-field=preview-facts]')).toHaveText('工作表「4月」：1 行数据，4 列');
	await expect(page.locator('[data-field=sheet-notes]')).toContainText('读取了指定的工作表「4月」');
	await page.locator('[data-field=sheet]').selectOption('5月');
	await expect(page.locator('[data-field=preview-facts]')).toHaveText('工作表「5月」：3 行数据，5 列');

	await page.locator('[data-action=validate]').click();
	await expect(page.locator('[data-field=dry-run-message]')).toHaveText('试运行：读取 3 行，可导入 3 行，有问题 0 行；未写入数据库');
	await page.locator('[data-action=load]').click();
	await expect(page.locator('[data-field=result-message]')).toContainText('导入成功：读取 3 行，导入 3 行');
	await expect(page.locator('[data-field=result-warnings]')).toContainText('读取了指定的工作表「5月」');
});
