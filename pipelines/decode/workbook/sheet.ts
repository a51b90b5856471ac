import { IngestFailure } from '$lib/shared/schema/errors';
import { isoDateText, numberText, serialText, type Cell } from './cells';
import { WORKBOOK_LIMITS } from './limits';
import type { WorkbookParts } from './parts';
import { cellText, parseXmlStream } from './xml';
import type { WorkbookZip } from './zip';

export interface RawRow {
	/** the sheet's own row number (1-based, as Excel shows it) */
	r: number;
	hidden: boolean;
	/** by column index (0 = A); sparse */
	cells: Cell[];
}

export interface Merge {
	r1: number;
	c1: number;
	r2: number;
	c2: number;
}

export interface RawSheet {
	rows: RawRow[];
	hiddenCols: Set<number>;
	merges: Merge[];
}

/** "AB12" → column 27 (0-based), row 12. */
export function decodeRef(ref: string): { col: number; row: number } {
	let col = 0;
	let i = 0;
	for (; i < ref.length; i++) {
		const code = ref.charCodeAt(i);
		if (code < 65 || code > 90) break;
		col = col * 26 + (code - 64);
	}
	return { col: col - 1, row: Number(ref.slice(i)) };
}

/**
 * Reads a sheet's cells (values as saved: a formula's cached result), hidden rows and columns, and
 * merged ranges. `maxRows` stops after that many rows (for choosing the sheet).
 */
export async function readSheet(zip: WorkbookZip, part: string, parts: WorkbookParts, maxRows = Infinity): Promise<RawSheet> {
	const rows: RawRow[] = [];
	const hiddenCols = new Set<number>();
	const merges: Merge[] = [];
	let row: RawRow | null = null;
	let cell: { col: number; s: number; t: string; v: string; inline: string; hasV: boolean } | null = null;
	let into: 'v' | 'inline' | null = null;
	let phonetic = 0;
	let nextRow = 1;
	let nextCol = 0;
	let count = 0;
	const { sharedStrings, styles, date1904 } = parts;

	const value = (c: NonNullable<typeof cell>): Cell => {
		switch (c.t) {
			case 's':
				return sharedStrings[Number(c.v)] ?? null;
			case 'inlineStr':
				return cellText(c.inline);
			case 'str':
			case 'e':
				return c.hasV ? cellText(c.v) : null;
			case 'b':
				return c.v === '1' ? 'TRUE' : 'FALSE';
			case 'd':
				return c.v ? isoDateText(c.v) : null;
			default: {
				if (!c.hasV || c.v.trim() === '') return null;
				const n = Number(c.v);
				if (!Number.isFinite(n)) return c.v;
				// a date cell is a date whatever its display format
				if (styles.isDate[c.s]) return serialText(n, date1904) ?? numberText(n);
				const pad = styles.padTo[c.s] ?? 0;
				return pad ? numberText(n, pad) : n;
			}
		}
	};

	await parseXmlStream(await zip.stream(part), (stop) => ({
		open: (name, a) => {
			switch (name) {
				case 'row': {
					const r = a.r ? Number(a.r) : nextRow;
					row = { r, hidden: a.hidden === '1' || a.hidden === 'true', cells: [] };
					nextRow = r + 1;
					nextCol = 0;
					break;
				}
				case 'c':
					if (row) {
						const col = a.r ? decodeRef(a.r).col : nextCol;
						nextCol = col + 1;
						cell = { col, s: Number(a.s ?? 0), t: a.t ?? 'n', v: '', inline: '', hasV: false };
					}
					break;
				case 'v':
					if (cell) {
						into = 'v';
						cell.hasV = true;
					}
					break;
				case 't':
					if (cell && cell.t === 'inlineStr') into = 'inline';
					break;
				case 'rPh':
					phonetic++;
					break;
				case 'col':
					if (a.hidden === '1' || a.hidden === 'true')
						for (let c = Number(a.min) - 1; c < Math.min(Number(a.max), 16384); c++) hiddenCols.add(c);
					break;
				case 'mergeCell': {
					const [from, to] = (a.ref ?? '').split(':');
					if (from && to) {
						const x = decodeRef(from);
						const y = decodeRef(to);
						merges.push({ r1: x.row, c1: x.col, r2: y.row, c2: y.col });
					}
					break;
				}
			}
		},
		close: (name) => {
			if (name === 'v' || name === 't') into = null;
			else if (name === 'rPh') phonetic--;
			else if (name === 'c' && row && cell) {
				const v = value(cell);
				if (v !== null && v !== '') {
					row.cells[cell.col] = v;
					if (++count > WORKBOOK_LIMITS.cells) throw new IngestFailure('workbook_too_many_cells', { max: WORKBOOK_LIMITS.cells });
				}
				cell = null;
			} else if (name === 'row' && row) {
				if (row.cells.length > 0) rows.push(row);
				row = null;
				if (rows.length >= maxRows) stop();
			}
		},
		text: (t) => {
			if (!cell || phonetic > 0) return;
			if (into === 'v') cell.v += t;
			else if (into === 'inline') cell.inline += t;
		}
	}));
	return { rows, hiddenCols, merges };
}
