import type { CsvValue } from './csv';

/**
 * A table column declared once, read by the page that shows the table and by every export of it (the
 * browser's CSV, the server's CSV and Excel), so a header or a value cannot drift between them.
 * Labels are functions: they are read in the language of the request (server) or of the page (browser).
 */
export interface Column<Row> {
	id: string;
	label: () => string;
	/** what an export writes: numbers stay numbers */
	value: (row: Row) => CsvValue;
	/** 'number' columns are number cells in Excel */
	type?: 'text' | 'number';
	/** 'end': right-aligned on screen, as figures to compare */
	align?: 'start' | 'end';
	/** what the screen shows, when it differs from the value (rounded, a dash for nothing) */
	format?: (row: Row) => string;
	/** Excel column width in characters */
	width?: number;
}

/** A table as an export writes it: header, cell types, rows and widths in the columns' order. */
export interface TableData {
	header: string[];
	types: ('text' | 'number')[];
	rows: CsvValue[][];
	widths: number[];
}

export function tableData<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): TableData {
	return {
		header: columns.map((c) => c.label()),
		types: columns.map((c) => c.type ?? 'text'),
		rows: rows.map((r) => columns.map((c) => c.value(r))),
		widths: columns.map((c) => c.width ?? 10)
	};
}

/** The screen's text of a cell: its format, else the value, with a dash for nothing. */
export function cellText<Row>(column: Column<Row>, row: Row): string {
	if (column.format) return column.format(row);
	const v = column.value(row);
	return v === null || v === undefined ? '–' : String(v);
}

/** The columns of `all` named by `ids`, in that order (an unknown id is a programming error). */
export function pick<Row, Id extends string>(all: Readonly<Record<Id, Column<Row>>>, ids: readonly Id[]): Column<Row>[] {
	return ids.map((id) => all[id]);
}

/** The class of a right-aligned cell (app.css `.num`), or none. */
export const alignClass = <Row>(column: Column<Row>): string | undefined => (column.align === 'end' ? 'num' : undefined);
