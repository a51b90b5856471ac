import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { csvCell, csvText, formulaSafe } from '../../src/lib/shared/csv';
import { workbook } from '../../src/lib/server/features/evaluations/excel';
import { reportWorkbook } from '../../src/lib/server/features/quality/export';
import type { QualityReport } from '../../src/lib/server/features/quality/report';
import { inRequestLocale } from '../helpers/locale';

/**
 * Cells a user typed that start with = + - @ (or a tab or CR) are stored as written and leave every
 * export as text a spreadsheet will not run: a leading apostrophe in CSV and in Excel workbooks.
 */
const HOSTILE = ['=HYPERLINK("http://x","点我")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];

async function cellsOf(buf: Buffer): Promise<unknown[]> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(buf as never);
	const out: unknown[] = [];
	wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => out.push(c.value))));
	return out;
}

describe('formula-looking text in exports', () => {
	it.each(HOSTILE)('CSV: %j gets an apostrophe and stays one cell', (text) => {
		const cell = csvCell(text);
		const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
		expect(unquoted).toBe(`'${text}`);
		expect(formulaSafe(text)).toBe(`'${text}`);
	});

	it('CSV: ordinary text, numbers and negative numbers as numbers are left alone', () => {
		expect(csvText(['a', 'b', 'c'], [['投诉', -5, '=x']])).toBe("\uFEFFa,b,c\r\n投诉,-5,'=x\r\n");
		expect(csvCell('a=b')).toBe('a=b');
	});

	it('evaluation workbook: formula-looking names are apostrophed text, never formulas', async () => {
		const buf = await workbook(
			[
				{
					id: 'ranking',
					title: '排名',
					header: ['姓名', '总分'],
					types: ['text', 'number'],
					rows: HOSTILE.map((h, i) => [h, i]),
					widths: [10, 10]
				}
			],
			{ title: 't', creator: 'c' }
		);
		const values = await cellsOf(buf);
		// (XML turns a CR into a line feed on reading; the apostrophe is what matters)
		for (const h of HOSTILE) expect(values).toContain(`'${h.replace('\r', '\n')}`);
		expect(values.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
	});

	it('quality report workbook: store names, owners and notes from users are apostrophed', async () => {
		const alert = {
			alert_id: 1,
			period: '2025-03',
			kind: 'target',
			scope: '=店',
			message_zh: '@提醒',
			message_en: '@alert',
			status: 'open',
			owner: '+张三',
			note: '-处理'
		};
		const report = {
			headline: [{ label: { zh: '投诉量', en: 'Complaints' }, value: 3, previous: 2, target: null, warn: null, state: 'ok' }],
			service: [],
			alerts: [alert],
			open: [alert],
			causes: [{ category: '=类别', current: 1, previous: 0, share: 100 }],
			changed: {
				rows: [{ group: '=HYPERLINK("x")', before: 1, after: 2, contribution: 1, rateEffect: 1, mixEffect: 0, q: 0.5, significant: false }]
			}
		} as unknown as QualityReport;
		const values = await cellsOf(await reportWorkbook(report));
		for (const v of ["'=店", "'@提醒", "'+张三", "'-处理", "'=类别", `'=HYPERLINK("x")`]) expect(values).toContain(v);
		expect(values).toContain(3);
		expect(values.filter((v) => typeof v === 'string' && /^[=+\-@]/u.test(v))).toEqual([]);
	});

	it("names the quality report workbook's sheets and headers in the request's language", async () => {
		const report = { headline: [], service: [], alerts: [], open: [], causes: [], changed: { rows: [] } } as unknown as QualityReport;
		const sheets = async (locale: 'zh-CN' | 'en') => {
			const wb = new ExcelJS.Workbook();
			await wb.xlsx.load((await inRequestLocale(locale, () => reportWorkbook(report))) as never);
			return wb.worksheets.map((ws) => [ws.name, ...(ws.getRow(1).values as unknown[]).filter((v) => v !== undefined)]);
		};
		const en = await sheets('en');
		expect(en.map((s) => s[0])).toEqual([
			'Headline',
			'Service process',
			'Signals and alerts',
			'Top causes',
			'What changed',
			'Open actions'
		]);
		expect(en[0]).toEqual(['Headline', 'Metric', 'This period', 'Previous', 'Target', 'Warning line', 'State']);
		const zh = await sheets('zh-CN');
		expect(zh[4]).toEqual(['变化分解', '门店', '上期‰', '本期‰', '贡献‰', '比率效应‰', '结构效应‰', 'q', '显著']);
	});
});
