import ExcelJS from 'exceljs';
import { formulaSafe } from '$lib/shared/csv';
import type { ExportTable } from './tables';

/**
 * The evaluation tables as one .xlsx workbook, a sheet per table: real number cells (two decimals; a
 * bound a number column writes as text, like a p-value's "< 1e-16", stays text),
 * the header row bold and frozen, column widths set, an autofilter. Text is written as text (exceljs
 * writes no formula from a string); a leading = + - @ still gets an apostrophe, as in our CSV, so a
 * copy-paste out of the sheet cannot become a formula either.
 */
export async function workbook(tables: readonly ExportTable[], meta: { title: string; creator: string }): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = meta.creator;
	wb.title = meta.title;
	wb.created = new Date();
	for (const t of tables) {
		// sheet names: at most 31 characters, none of : \ / ? * [ ]
		const ws = wb.addWorksheet(t.title.replace(/[:\\/?*[\]]/gu, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
		ws.columns = t.header.map((h, i) => ({ header: h, key: String(i), width: Math.max(t.widths[i] ?? 10, h.length * 2 + 2) }));
		for (const row of t.rows) {
			ws.addRow(
				row.map((v, i) => {
					if (v === null || v === undefined) return null;
					if (t.types[i] === 'number' && typeof v === 'number') return Number.isFinite(v) ? v : null;
					// a number column's text is a bound written out ("< 1e-16"): kept as text, not dropped
					return formulaSafe(String(v));
				})
			);
		}
		ws.getRow(1).font = { bold: true };
		ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF1F5' } };
		t.types.forEach((type, i) => {
			if (type === 'number') ws.getColumn(i + 1).numFmt = '0.##';
		});
		if (t.rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.header.length } };
	}
	return Buffer.from(await wb.xlsx.writeBuffer());
}
