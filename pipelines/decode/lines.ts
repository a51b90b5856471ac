import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { CHUNK } from './detect';

/**
 * The spreadsheet row number (header = row 1) of the staged record `index` (0-based), counting skipped
 * empty lines; a workbook's records have the sheet's own row numbers.
 */
export function rowNumber(d: { blankLines: readonly number[]; workbook?: { rowNumbers: readonly number[] } }, index: number): number {
	if (d.workbook) return d.workbook.rowNumbers[index] ?? index + 2;
	let n = index + 2;
	for (const before of d.blankLines) if (before <= index) n++;
	return n;
}

/**
 * What a walk over a UTF-8 CSV file meets, read as DuckDB reads it (a quote opens a quoted cell only at a
 * cell's start; "" inside one is a quote): a delimiter outside quotes, a quoted cell opening, a line break
 * inside a quoted cell, and the end of each line outside quotes (empty or not).
 */
interface CsvWalk {
	delimiter?: () => void;
	quoteOpen?: () => void;
	quotedLineBreak?: () => void;
	lineEnd: (empty: boolean) => void;
}

/** Walks the file once; true when it ends inside a quoted cell that never closes. */
async function walkCsv(path: string, delimiter: string, on: CsvWalk): Promise<boolean> {
	const d = delimiter.charCodeAt(0);
	let inQuotes = false;
	let cellStart = true;
	let lineEmpty = true;
	/** after a quote inside a quoted cell: a closing quote or the first of a doubled one */
	let quoteSeen = false;
	for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
		const c = chunk as Buffer;
		for (let i = 0; i < c.length; i++) {
			const b = c[i]!;
			if (inQuotes) {
				if (quoteSeen) {
					quoteSeen = false;
					if (b === 0x22) continue;
					inQuotes = false; // the quote closed the cell; b is read as outside it below
				} else {
					if (b === 0x22) quoteSeen = true;
					else if (b === 0x0a) on.quotedLineBreak?.();
					continue;
				}
			}
			if (b === 0x0a) {
				on.lineEnd(lineEmpty);
				cellStart = true;
				lineEmpty = true;
				continue;
			}
			if (b === 0x0d) continue;
			lineEmpty = false;
			if (b === 0x22 && cellStart) {
				inQuotes = true;
				on.quoteOpen?.();
				cellStart = false;
				continue;
			}
			cellStart = b === d;
			if (cellStart) on.delimiter?.();
		}
	}
	if (inQuotes && !quoteSeen) return true;
	if (!lineEmpty) on.lineEnd(false);
	return false;
}

/**
 * The exact structure of a UTF-8 CSV file as DuckDB reads it: the line where a quoted cell opens that
 * never closes, and the empty lines the reader skips (for each, the data records before it). Run only
 * when the byte scan hints at either.
 */
export async function structure(path: string, delimiter: string): Promise<{ unclosedQuoteLine: number | null; blankLines: number[] }> {
	const blankLines: number[] = [];
	let line = 1;
	let records = 0;
	let quoteLine = 0;
	const unclosed = await walkCsv(path, delimiter, {
		quoteOpen: () => (quoteLine = line),
		quotedLineBreak: () => line++,
		lineEnd: (empty) => {
			if (empty) {
				if (line > 1) blankLines.push(records);
			} else records++;
			line++;
		}
	});
	if (unclosed) return { unclosedQuoteLine: quoteLine, blankLines: [] };
	// records counted the header too: the data records before an empty line are one fewer
	return { unclosedQuoteLine: null, blankLines: blankLines.map((n) => n - 1).filter((n) => n >= 0) };
}

/**
 * The first physical line (1-based, as a text editor counts) holding bytes that are not UTF-8. A line
 * break byte never occurs inside a UTF-8 sequence, so lines are checked one by one. Only read for a file
 * already known to be invalid.
 */
export async function firstInvalidUtf8Line(path: string): Promise<number> {
	let line = 1;
	let carry = Buffer.alloc(0);
	for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
		let bytes = Buffer.concat([carry, chunk as Buffer]);
		for (let nl = bytes.indexOf(0x0a); nl >= 0; nl = bytes.indexOf(0x0a)) {
			if (!isUtf8(bytes.subarray(0, nl))) return line;
			line++;
			bytes = bytes.subarray(nl + 1);
		}
		carry = Buffer.from(bytes);
	}
	return line;
}

/** A record whose field count differs from the header's: its spreadsheet row number (header = row 1) and its fields. */
export interface MisshapenRecord {
	row: number;
	fields: number;
}

/**
 * Every record of a UTF-8 CSV file with another number of fields than `expected` (read as structure()
 * reads it), the first `limit` of them listed and all counted: DuckDB's reader stops at the first one
 * it cannot place, which would leave the others unnamed.
 */
export async function misshapenRecords(
	path: string,
	delimiter: string,
	expected: number,
	limit: number
): Promise<{ listed: MisshapenRecord[]; total: number }> {
	const listed: MisshapenRecord[] = [];
	let total = 0;
	/** the row number of the record being read: records and empty lines before it, plus one */
	let row = 1;
	let fields = 1;
	await walkCsv(path, delimiter, {
		delimiter: () => fields++,
		lineEnd: (empty) => {
			// the header (row 1) sets the width; empty lines are skipped by the reader but counted in row numbers
			if (!empty && row > 1 && fields !== expected) {
				total++;
				if (listed.length < limit) listed.push({ row, fields });
			}
			row++;
			fields = 1;
		}
	});
	return { listed, total };
}
