import { statSync } from 'node:fs';
import { IngestFailure } from '$lib/shared/schema/errors';
import { MAX_COLUMNS } from '$lib/shared/schema/headers';
import { checkColumnCount } from '$lib/shared/schema/mapping';
import { scanFile, type Cleaning } from './byte-scan';
import { assertText, declaredEncoding, headText, readHead, sniff, SNIFF_BYTES, type Encoding } from './detect';
import { firstInvalidUtf8Line, structure } from './lines';
import { transcode, transcodeGbk, type EarlyTranscode } from './transcode';
import { readWorkbook, sha256File, writeTableCsv, type WorkbookNote } from './workbook';
import type { SheetReading } from './workbook/table';

export type { Cleaning } from './byte-scan';
export { peekUtf8Head, type Encoding } from './detect';
export { misshapenRecords, rowNumber, structure, type MisshapenRecord } from './lines';
export { transcodeGbkFirst, type EarlyTranscode } from './transcode';
export { isWorkbook, sheetReading, type WorkbookNote } from './workbook';

export interface DecodedInput {
	sha256: string;
	sizeBytes: number;
	encoding: Encoding;
	/** a UTF-8 file DuckDB can read: the original when it already is UTF-8 with one kind of line ending, else a temp file */
	utf8Path: string;
	transcoded: boolean;
	delimiter: string;
	header: string[];
	/** what the byte scan found anywhere in the file that calls for cleaning (see Cleaning) */
	cleaning: Cleaning;
	/**
	 * Empty lines DuckDB's reader skips without a row: for each, the number of data records before it.
	 * Row numbers after one are shifted by it (see rowNumber). Empty for most files.
	 */
	blankLines: number[];
	/** the line where a quoted cell opens that never closes (the reader would swallow the rest of the file), else null */
	unclosedQuoteLine: number | null;
	/** an Excel workbook: the sheet read, each staged record's row number in it, and what reading it did */
	workbook?: { sheet: string; rowNumbers: number[]; notes: WorkbookNote[] };
}

/**
 * Reads one sheet of a workbook into the UTF-8 CSV the engine stages (at `tempCsvPath`), then decodes
 * that like any CSV; the hash and size are the workbook's, the row numbers the sheet's.
 */
export async function decodeWorkbook(
	path: string,
	tempCsvPath: string,
	reading: Omit<SheetReading, 'date1904'>,
	sheet: string | undefined
): Promise<DecodedInput> {
	const [read, sha256] = await Promise.all([readWorkbook(path, reading, sheet), sha256File(path)]);
	if (read.table.header.length === 0) throw new IngestFailure('file_empty', {});
	checkColumnCount(read.table.header);
	await writeTableCsv(read.table, tempCsvPath);
	const d = await decodeInput(tempCsvPath, `${tempCsvPath}.utf8`, null, { delimiter: ',', header: read.table.header });
	return {
		...d,
		sha256,
		sizeBytes: statSync(path).size,
		workbook: { sheet: read.sheet, rowNumbers: read.table.rowNumbers, notes: read.notes }
	};
}

/**
 * Reads the file through once (hash, encoding, line endings, what needs cleaning, its structure) and
 * gives a UTF-8 file DuckDB can read: the original, or a transcoded copy at `tempUtf8Path`.
 */
export async function decodeInput(
	path: string,
	tempUtf8Path: string,
	early: EarlyTranscode | null = null,
	/** the delimiter and header when known (a CSV written from a workbook), else sniffed */
	known: { delimiter: string; header: string[] } | null = null
): Promise<DecodedInput> {
	let size: number;
	try {
		size = statSync(path).size;
	} catch {
		throw new IngestFailure('file_unreadable', { file: path });
	}
	if (size === 0) throw new IngestFailure('file_empty', {});
	const head = readHead(path, SNIFF_BYTES);
	const bom = declaredEncoding(head);
	assertText(head, bom);
	// The header is read from the head: a first line longer than it cannot be split into columns (and
	// has far more than MAX_COLUMNS of them).
	if (head.length === SNIFF_BYTES && head.indexOf(0x0a) < 0)
		throw new IngestFailure('header_too_long', { kb: SNIFF_BYTES >> 10, max: MAX_COLUMNS });
	// The delimiter is read from the head first (as UTF-8 unless a BOM says otherwise; delimiters are ASCII).
	const guess = known ?? sniff(headText(head, bom ?? 'utf-8'));
	const utf16 = bom === 'utf-16le' || bom === 'utf-16be';
	const { sha256, utf8, mixedEol, cleaning: scanned, hints } = await scanFile(path, guess.delimiter, bom === 'utf-8-bom', utf16);
	// A BOM that says UTF-8 over bytes that are not: a damaged file, or texts of two encodings pasted
	// together. Guessing would load garbled names, and DuckDB's reader must never see invalid UTF-8 (some
	// such files make it fail internally and take the whole database down with it).
	if (bom === 'utf-8-bom' && !utf8) throw new IngestFailure('file_bad_utf8', { line: await firstInvalidUtf8Line(path) });
	const encoding: Encoding = bom ?? (utf8 ? 'utf-8' : 'gbk');
	// UTF-16 bytes defeat the line-ending scan: its (rare) files are always rewritten with LF only.
	const lfOnly = mixedEol || utf16;
	const needsTranscode = encoding === 'gbk' || utf16 || lfOnly;
	const { delimiter, header } = encoding === (bom ?? 'utf-8') ? guess : sniff(headText(head, encoding));
	// The copy made first holds if the file is GBK throughout, read with the same delimiter, with one kind of line ending.
	const kept = early && encoding === 'gbk' && !lfOnly && !early.mixedEol && early.delimiter === delimiter ? early : null;
	const byTable = kept ?? (encoding === 'gbk' && !lfOnly ? await transcodeGbk(path, tempUtf8Path) : null);
	const transcoded = byTable
		? { unicode: byTable.unicode, edges: false }
		: needsTranscode
			? await transcode(path, encoding, tempUtf8Path, lfOnly, delimiter)
			: null;
	// The byte scan's edge test holds for GBK too (ASCII-compatible: quotes, delimiters and line breaks are
	// never GBK trail bytes); UTF-16 is tested on the decoded text instead.
	const cleaning = transcoded ? { unicode: transcoded.unicode, edges: utf16 ? transcoded.edges : scanned.edges } : scanned;
	const utf8Path = kept ? kept.utf8Path : needsTranscode ? tempUtf8Path : path;
	// UTF-16 text is looked at whole (its rare files are small); others only when the byte scan hints at it.
	const { blankLines, unclosedQuoteLine } =
		utf16 || hints.oddQuotes || hints.emptyLine ? await structure(utf8Path, delimiter) : { blankLines: [], unclosedQuoteLine: null };
	return {
		sha256,
		sizeBytes: size,
		encoding,
		utf8Path,
		transcoded: needsTranscode,
		delimiter,
		header,
		cleaning,
		blankLines,
		unclosedQuoteLine
	};
}
