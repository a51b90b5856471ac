/**
 * CSV as Excel users open it, shared by server exports and the browser's "download what you see":
 * UTF-8 with a BOM (so Excel reads the Chinese), CRLF line ends, numbers as numbers, and text that
 * Excel would run as a formula (starting with = + - @ tab CR) prefixed with an apostrophe.
 */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/u;

/** One CSV cell: numbers as numbers; text starting with = + - @ tab CR gets a leading apostrophe (no formula in Excel). */
export function csvCell(v: CsvValue): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
	if (typeof v === 'boolean') return v ? 'true' : 'false';
	const text = FORMULA_START.test(v) ? `'${v}` : v;
	return /[",\r\n]/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row and data rows as one CSV text, BOM first. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
	const lines = [header.map(csvCell).join(',')];
	for (const r of rows) lines.push(r.map(csvCell).join(','));
	return `\uFEFF${lines.join('\r\n')}\r\n`;
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
