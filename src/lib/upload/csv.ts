/**
 * CSV for people to open in Excel: UTF-8 with a BOM (so Excel reads Chinese), CRLF, every cell quoted
 * when it needs to be. Text that a spreadsheet would run as a formula (starting with = + - @, a tab
 * or a carriage return) is prefixed with an apostrophe: a rejected cell from a user's file must never
 * become a live formula in the error report.
 */
const FORMULA_START = /^[=+\-@\t\r]/u;

export function safeCell(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return String(value);
	const text = FORMULA_START.test(value) ? `'${value}` : value;
	return /[",\r\n\t]/u.test(text) || text !== text.trim() ? `"${text.replace(/"/gu, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
	return '\uFEFF' + rows.map((r) => r.map(safeCell).join(',')).join('\r\n') + '\r\n';
}

/** Starts a download of text as a file (browser only). */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
