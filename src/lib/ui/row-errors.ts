import { m } from '$lib/paraglide/messages.js';
import { csvRows, downloadCsv } from '$lib/shared/csv';

/** A rejected row as the engine reports it: spreadsheet row (header = 1), column, raw value, reason in words. */
export interface RowError {
	row: number | null;
	column: string | null;
	value: string | null;
	reason: string;
}

/** The rows as a CSV file with the table's own column headings, for fixing in a spreadsheet. */
export function downloadRowErrors(fileName: string, rows: readonly RowError[]): void {
	const head = [m.upload_err_col_row(), m.upload_err_col_column(), m.upload_err_col_value(), m.upload_err_col_reason()];
	downloadCsv(fileName, csvRows([head, ...rows.map((r) => [r.row, r.column, r.value, r.reason])]));
}
