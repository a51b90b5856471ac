import type { KindSchema } from '$lib/shared/schema';
import { headerLookup, normalizeHeader } from '$lib/shared/schema/headers';
import { cellAsText, type Cell } from './cells';
import { WORKBOOK_LIMITS } from './limits';
import type { RawRow, RawSheet } from './sheet';

/** What the engine needs of the kind to read a sheet: its columns' names and aliases, and an explicit mapping's headers. */
export interface SheetReading {
	schema: KindSchema;
	/** normalised source headers an explicit mapping names */
	mapped: ReadonlySet<string>;
	date1904: boolean;
}

/** A sheet as the rows the CSV path stages: header, data rows as text, and each row's number in the sheet. */
export interface SheetTable {
	header: string[];
	rows: string[][];
	/** the sheet's row number of each data row */
	rowNumbers: number[];
	headerRow: number;
	/** title rows above the header, left out */
	titleRows: number;
	hiddenRows: number;
	hiddenColumns: number;
	/** sheet row numbers of the totals rows left out at the bottom */
	totalsRows: number[];
}

const text = (c: Cell | undefined) => (c === null || c === undefined ? '' : typeof c === 'string' ? c.trim() : String(c));

/** How many of the kind's columns a row names (each canonical column once). */
export function headerScore(row: readonly Cell[], r: Pick<SheetReading, 'schema' | 'mapped'>): number {
	const lookup = headerLookup(r.schema);
	const found = new Set<string>();
	for (const c of row) {
		if (typeof c !== 'string') continue;
		const n = normalizeHeader(c);
		const target = lookup.get(n) ?? (r.mapped.has(n) ? `mapped:${n}` : undefined);
		if (target) found.add(target);
	}
	return found.size;
}

/** The header: the row among the first ones that names most of the kind's columns (the first row when none does). */
export function findHeader(rows: readonly RawRow[], r: Pick<SheetReading, 'schema' | 'mapped'>): { index: number; score: number } {
	let best = { index: 0, score: 0 };
	rows.slice(0, WORKBOOK_LIMITS.headerSearchRows).forEach((row, index) => {
		const score = headerScore(row.cells, r);
		if (score > best.score) best = { index, score };
	});
	return best;
}

const TOTALS = /^(合\s*计|总\s*计|小\s*计|共\s*计|总\s*数|grand\s*total|sub\s*total|totals?|sum)\b|^(合\s*计|总\s*计|小\s*计|共\s*计)/iu;

export function readTable(sheet: RawSheet, r: SheetReading): SheetTable {
	const { index: h } = findHeader(sheet.rows, r);
	const headerRaw = sheet.rows[h];
	if (!headerRaw)
		return { header: [], rows: [], rowNumbers: [], headerRow: 0, titleRows: 0, hiddenRows: 0, hiddenColumns: 0, totalsRows: [] };
	const body = sheet.rows.slice(h + 1).map((row) => ({ ...row, cells: [...row.cells] }));
	fillMerges(body, sheet, headerRaw.r);

	// columns holding anything, in the header or the body; empty ones (leading, between, trailing) are left out
	const used: number[] = [];
	const width = body.reduce((w, b) => Math.max(w, b.cells.length), headerRaw.cells.length);
	for (let c = 0; c < width; c++) if (text(headerRaw.cells[c]) !== '' || body.some((b) => text(b.cells[c]) !== '')) used.push(c);
	const header = used.map((c) => text(headerRaw.cells[c]));

	// a date column's plain numbers are Excel serials
	const lookup = headerLookup(r.schema);
	const types = new Map(r.schema.columns.map((c) => [c.name, c.type]));
	const dateColumn = header.map((x) => {
		const t = types.get(lookup.get(normalizeHeader(x)) ?? '');
		return t === 'date' || t === 'timestamp';
	});
	const keyAt = header.map((x, i) => (r.schema.key.includes(lookup.get(normalizeHeader(x)) ?? '') ? i : -1)).filter((i) => i >= 0);

	let rows = body.map((b) => used.map((c, i) => cellAsText(b.cells[c] ?? null, dateColumn[i]!, r.date1904)));
	let numbers = body.map((b) => b.r);
	let hidden = body.map((b) => b.hidden);
	const keep = rows.map((cells) => cells.some((c) => c.trim() !== ''));
	rows = rows.filter((_, i) => keep[i]);
	numbers = numbers.filter((_, i) => keep[i]);
	hidden = hidden.filter((_, i) => keep[i]);

	// totals rows at the bottom: labelled 合计/Total in their first cell, the natural key empty (or the label itself)
	const totalsRows: number[] = [];
	while (rows.length > 0) {
		const last = rows[rows.length - 1]!;
		const label = (last.find((c) => c.trim() !== '') ?? '').trim();
		if (!TOTALS.test(label) || !keyAt.every((i) => last[i]!.trim() === '' || last[i]!.trim() === label)) break;
		totalsRows.unshift(numbers[numbers.length - 1]!);
		rows.pop();
		numbers.pop();
		hidden.pop();
	}
	return {
		header,
		rows,
		rowNumbers: numbers,
		headerRow: headerRaw.r,
		titleRows: h,
		hiddenRows: hidden.filter(Boolean).length,
		hiddenColumns: used.filter((c) => sheet.hiddenCols.has(c)).length,
		totalsRows
	};
}

/** A value merged over a block of body rows or columns stands for every cell of the block. */
function fillMerges(body: RawRow[], sheet: RawSheet, headerRow: number): void {
	if (sheet.merges.length === 0) return;
	const byNumber = new Map(body.map((b) => [b.r, b]));
	const master = new Map(sheet.rows.map((b) => [b.r, b]));
	for (const m of sheet.merges) {
		if (m.r2 <= headerRow) continue;
		const value = master.get(m.r1)?.cells[m.c1];
		if (value === undefined || value === null) continue;
		for (let r = Math.max(m.r1, headerRow + 1); r <= m.r2; r++) {
			let row = byNumber.get(r);
			if (!row) {
				row = { r, hidden: false, cells: [] };
				byNumber.set(r, row);
				body.push(row);
			}
			for (let c = m.c1; c <= m.c2; c++) row.cells[c] = value;
		}
	}
	body.sort((a, b) => a.r - b.r);
}
