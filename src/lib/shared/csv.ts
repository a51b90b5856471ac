/**
 * CSV as Excel users open it, shared by server exports and the browser's "download what you see":
 * UTF-8 with a BOM (so Excel reads the Chinese), CRLF line ends, numbers as numbers, and text that
 * Excel would run as a formula (starting with = + - @ tab CR) prefixed with an apostrophe.
 */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/u;

/** Text as a spreadsheet cell shows it without running it: = + - @ tab CR first get a leading apostrophe. Every export (CSV, Excel) uses this. */
export function formulaSafe(text: string): string {
	return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV cell: numbers as numbers; text starting with = + - @ tab CR gets a leading apostrophe (no formula in Excel). */
export function csvCell(v: CsvValue): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
	if (typeof v === 'boolean') return v ? 'true' : 'false';
	const text = formulaSafe(v);
	// quoted when a reader would otherwise split it or trim it
	return /[",\r\n\t]/u.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows (the first one the header) as one CSV text, BOM first. */
export function csvRows(rows: readonly (readonly CsvValue[])[]): string {
	return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** A header row and data rows as one CSV text, BOM first. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
	return csvRows([header, ...rows]);
}

/** In the browser: offers a CSV text as a file download. */
export function downloadCsv(fileName: string, text: string): void {
	const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName.endsWith('.csv') ? fileName : `${fileName}.csv`;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
