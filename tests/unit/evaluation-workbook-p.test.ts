import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { workbook } from '../../src/lib/server/features/evaluations/excel';
import { exportTables } from '../../src/lib/server/features/evaluations/tables';
import { csvText } from '../../src/lib/shared/csv';
import type { Comparison, EvaluationView } from '../../src/lib/features/evaluations/types';
import { inRequestLocale } from '../helpers/locale';

/**
 * A store comparison whose Welch p-value is past double precision (the t tail gives 0) is exported as
 * "< 1e-16", in the workbook as in the CSV, never as a typed 0; ordinary p-values stay numbers.
 */
const comparison = (label: string, p: number, q: number): Comparison => ({
	label,
	n: 400,
	mean: 91.2,
	otherN: 1200,
	otherMean: 78.4,
	diff: 12.8,
	p,
	q,
	verdict: 'higher',
	suppressed: false
});

// only what the store-comparison table reads: no rows of people, no fairness checks
const view = {
	individual: false,
	fairness: null,
	distribution: [],
	stores: [comparison('武汉光谷店', 0, 0), comparison('杭州湖滨店', 0.0432, 0.0864)]
} as unknown as EvaluationView;

async function storeSheet(): Promise<ExcelJS.Worksheet> {
	const buf = await inRequestLocale('zh-CN', async () => workbook(exportTables(view), { title: 't', creator: 'c' }));
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(buf as never);
	const ws = wb.worksheets.find((w) => (w.getRow(1).values as unknown[]).includes('p'));
	if (!ws) throw new Error('no store comparison sheet');
	return ws;
}

describe('evaluation exports of p-values past double precision', () => {
	it('the workbook writes "< 1e-16" for p and q that reach 0, and numbers otherwise', async () => {
		const ws = await storeSheet();
		const header = (ws.getRow(1).values as unknown[]).slice(1);
		const pCol = header.indexOf('p') + 1;
		const qCol = pCol + 1;
		expect(pCol).toBeGreaterThan(0);
		expect(ws.getRow(2).getCell(1).value).toBe('武汉光谷店');
		expect(ws.getRow(2).getCell(pCol).value).toBe('< 1e-16');
		expect(ws.getRow(2).getCell(qCol).value).toBe('< 1e-16');
		expect(ws.getRow(3).getCell(pCol).value).toBe(0.0432);
		expect(ws.getRow(3).getCell(qCol).value).toBe(0.0864);
	});

	it('the CSV export of the same table says the same', async () => {
		const table = await inRequestLocale('zh-CN', () => exportTables(view).find((t) => t.id === 'stores')!);
		const lines = csvText(table.header, table.rows).split('\r\n');
		expect(lines[1]).toMatch(/^武汉光谷店,400,91\.2,78\.4,12\.8,< 1e-16,< 1e-16,/u);
		expect(lines[2]).toMatch(/^杭州湖滨店,400,91\.2,78\.4,12\.8,0\.0432,0\.0864,/u);
	});
});
