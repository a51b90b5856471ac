/** A problem with the file as a whole (not one row): carries a reason code and its parameters. */
export class IngestFailure extends Error {
	constructor(
		readonly code: string,
		readonly params: Record<string, string | number>,
		/** exit code 2: the file could not be read at all; 1: it was read and rejected */
		readonly unreadable = [
			'file_unreadable',
			'file_binary',
			'file_xlsx',
			'usage',
			'workbook_xls',
			'workbook_encrypted',
			'workbook_not_xlsx',
			'workbook_damaged'
		].includes(code)
	) {
		super(code);
	}
}

export interface RowError {
	/** spreadsheet row number (the header is row 1), or null for a file-level problem */
	row: number | null;
	/** the column as the file names it (canonical name in brackets when different) */
	column: string | null;
	value: string | null;
	reason: string;
	code: string;
	params: Record<string, string | number>;
}

/**
 * Row errors grouped by column, reason and value, with their count: a file's 630 rows that each say
 * "投诉状态 … 不在允许的取值中" are one problem with one value to fix. A value the schema does not allow
 * in a column read from the file names the values it may be mapped onto (the mapping's value map).
 */
export interface ErrorGroup {
	column: string | null;
	code: string;
	value: string | null;
	/** the reason as the group's first row gives it */
	reason: string;
	count: number;
	/** the first rows of the group */
	rows: number[];
	valueMap?: { source: string; value: string; allowed: string[] };
}
