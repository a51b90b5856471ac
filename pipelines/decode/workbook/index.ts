import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import type { KindSchema } from '$lib/shared/schema';
import { IngestFailure } from '$lib/shared/schema/errors';
import { normalizeHeader, type Mapping } from '$lib/shared/schema/mapping';
import { readHead } from '../detect';
import { WORKBOOK_LIMITS } from './limits';
import { readParts, type SheetEntry, type WorkbookParts } from './parts';
import { readSheet } from './sheet';
import { findHeader, readTable, type SheetReading, type SheetTable } from './table';
import { openWorkbookZip, type WorkbookZip } from './zip';

export { WORKBOOK_LIMITS } from './limits';

/** A note for the summary: a message key of pipelines/messages and its parameters. */
export interface WorkbookNote {
	key: string;
	params: Record<string, string | number>;
}

/** A sheet as offered for choosing: its name, whether Excel hides it, how many of the kind's columns its header names. */
export interface SheetChoice {
	name: string;
	hidden: boolean;
	score: number;
}

export interface ReadWorkbook {
	sheet: string;
	sheets: SheetChoice[];
	table: SheetTable;
	notes: WorkbookNote[];
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/**
 * Whether the file is an Excel workbook to read (a zip); an old .xls or an encrypted workbook (both
 * OLE compound files) is refused here with the fix, 另存为 .xlsx 或 CSV.
 */
export function isWorkbook(path: string): boolean {
	let head: Buffer;
	try {
		head = readHead(path, 8);
	} catch {
		return false; // decodeInput says what is wrong with it
	}
	if (head.subarray(0, 4).equals(ZIP) || head.subarray(0, 4).equals(EMPTY_ZIP)) return true;
	if (!head.equals(CFB)) return false;
	// An encrypted .xlsx is a compound file holding a stream named EncryptedPackage (its directory in UTF-16).
	const size = statSync(path).size;
	const whole = readHead(path, Math.min(size, WORKBOOK_LIMITS.fileBytes));
	throw new IngestFailure(whole.includes(Buffer.from('EncryptedPackage', 'utf16le')) ? 'workbook_encrypted' : 'workbook_xls', {});
}

/** Reading the sheet the kind's way: its columns' aliases find the header, its date columns read serials. */
export function sheetReading(schema: KindSchema, mapping: Mapping | null): Omit<SheetReading, 'date1904'> {
	return { schema, mapped: new Set(Object.keys(mapping?.columns ?? {}).map(normalizeHeader)) };
}

/** The sheet asked for (its name, else its 1-based position), or the one whose header names most of the kind's columns. */
async function chooseSheet(
	zip: WorkbookZip,
	parts: WorkbookParts,
	reading: SheetReading,
	asked: string | undefined
): Promise<{ entry: SheetEntry; sheets: SheetChoice[]; note: WorkbookNote }> {
	const readable = parts.sheets.filter((s) => s.part !== null);
	if (readable.length === 0) throw new IngestFailure('workbook_no_sheets', {});
	const sheets: SheetChoice[] = [];
	for (const s of readable) {
		const head = await readSheet(zip, s.part!, parts, WORKBOOK_LIMITS.headerSearchRows);
		sheets.push({ name: s.name, hidden: s.hidden, score: findHeader(head.rows, reading).score });
	}
	const names = readable.map((s) => s.name).join('、');
	if (asked !== undefined && asked.trim() !== '') {
		const byName = readable.find((s) => s.name === asked) ?? readable.find((s) => s.name.trim() === asked.trim());
		const n = Number(asked);
		const entry = byName ?? (Number.isInteger(n) && n >= 1 ? readable[n - 1] : undefined);
		if (!entry) throw new IngestFailure('workbook_sheet_unknown', { sheet: asked, sheets: names });
		return { entry, sheets, note: { key: 'workbook_sheet_asked', params: { sheet: entry.name } } };
	}
	if (readable.length === 1)
		return { entry: readable[0]!, sheets, note: { key: 'workbook_sheet_only', params: { sheet: readable[0]!.name } } };
	// the visible sheet that names most columns; the first visible one when none does
	let best = -1;
	sheets.forEach((s, i) => {
		if (!s.hidden && (best < 0 || s.score > sheets[best]!.score)) best = i;
	});
	if (best < 0) best = 0;
	const chosen = sheets[best]!;
	const others = sheets
		.filter((_, i) => i !== best)
		.map((s) => `${s.name}（${s.score}）`)
		.join('、');
	return {
		entry: readable[best]!,
		sheets,
		note:
			chosen.score > 0
				? { key: 'workbook_sheet_best', params: { sheet: chosen.name, score: chosen.score, others } }
				: { key: 'workbook_sheet_first', params: { sheet: chosen.name, others } }
	};
}

/** Opens the workbook, chooses the sheet and reads it as a table, with notes on what was done. */
export async function readWorkbook(path: string, reading: Omit<SheetReading, 'date1904'>, asked?: string): Promise<ReadWorkbook> {
	const size = statSync(path).size;
	if (size > WORKBOOK_LIMITS.fileBytes) throw new IngestFailure('workbook_too_large', { mb: WORKBOOK_LIMITS.fileBytes >> 20 });
	const zip = await openWorkbookZip(path);
	try {
		const parts = await readParts(zip);
		const r = { ...reading, date1904: parts.date1904 };
		const { entry, sheets, note } = await chooseSheet(zip, parts, r, asked);
		const table = readTable(await readSheet(zip, entry.part!, parts), r);
		const notes: WorkbookNote[] = [note];
		if (parts.macros) notes.push({ key: 'workbook_macros_ignored', params: {} });
		if (parts.externalLinks) notes.push({ key: 'workbook_external_links', params: {} });
		if (table.titleRows > 0) notes.push({ key: 'workbook_title_rows', params: { count: table.titleRows, row: table.headerRow } });
		if (table.hiddenRows > 0) notes.push({ key: 'workbook_hidden_rows', params: { count: table.hiddenRows } });
		if (table.hiddenColumns > 0) notes.push({ key: 'workbook_hidden_columns', params: { count: table.hiddenColumns } });
		if (table.totalsRows.length > 0) notes.push({ key: 'workbook_totals_rows', params: { rows: table.totalsRows.join('、') } });
		if (entry.hidden) notes.push({ key: 'workbook_sheet_hidden', params: { sheet: entry.name } });
		return { sheet: entry.name, sheets, table, notes };
	} finally {
		zip.close();
	}
}

const csvCell = (s: string) => (s === '' ? '' : /[",\n\r]|^\s|\s$/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s);

/** Writes the table as the UTF-8 CSV the engine stages (comma, LF). */
export async function writeTableCsv(table: SheetTable, path: string): Promise<void> {
	const out = createWriteStream(path);
	const write = async (line: string) => {
		if (!out.write(line)) await once(out, 'drain');
	};
	await write(table.header.map(csvCell).join(',') + '\n');
	let buf = '';
	for (const row of table.rows) {
		buf += row.map(csvCell).join(',') + '\n';
		if (buf.length > 1 << 20) {
			await write(buf);
			buf = '';
		}
	}
	if (buf) await write(buf);
	out.end();
	await once(out, 'finish');
}

export async function sha256File(path: string): Promise<string> {
	const h = createHash('sha256');
	for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
	return h.digest('hex');
}
