import { createReadStream } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { decodeInput } from '$pipelines/decode';

/** A cell text that reads back exactly from a number cell (no leading zero, at most 15 digits). */
const EXACT_NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d*[1-9])?$/u;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/u;

/** A CSV cell as a register keeps it in Excel: numbers as numbers, ISO dates as date cells, the rest as text. */
export function typedCell(v: string): string | number | Date | null {
	if (v === '') return null;
	if (EXACT_NUMBER.test(v)) return Number(v);
	const d = ISO_DATE.exec(v);
	if (d) return new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +(d[4] ?? 0), +(d[5] ?? 0), +(d[6] ?? 0)));
	return v;
}

/**
 * Writes a CSV file (any encoding the engine reads) as an .xlsx workbook of one sheet, streaming: for
 * the benchmark and the tests that load the same data both ways. `typed`: numbers and dates as Excel
 * would keep them; else every cell as text.
 */
export async function csvToXlsx(csvPath: string, xlsxPath: string, opts: { sheet?: string; typed?: boolean } = {}): Promise<void> {
	const work = mkdtempSync(join(tmpdir(), 'sqa-xlsx-'));
	try {
		const d = await decodeInput(csvPath, join(work, 'utf8.csv'));
		const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsxPath, useSharedStrings: true, useStyles: true });
		const ws = wb.addWorksheet(opts.sheet ?? 'Sheet1');
		const dateFormat = 'yyyy-mm-dd hh:mm:ss';
		await new Promise<void>((resolve, reject) => {
			Papa.parse<string[]>(createReadStream(d.utf8Path, 'utf8') as unknown as File, {
				delimiter: d.delimiter,
				skipEmptyLines: true,
				step: (res) => {
					const cells = res.data.map((v, i) => (i === 0 ? v.replace(/^\uFEFF/u, '') : v));
					const row = ws.addRow(opts.typed === false ? cells : cells.map(typedCell));
					row.eachCell((c) => {
						if (c.value instanceof Date) c.numFmt = dateFormat;
					});
					row.commit();
				},
				complete: () => resolve(),
				error: (e: Error) => reject(e)
			});
		});
		await wb.commit();
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
