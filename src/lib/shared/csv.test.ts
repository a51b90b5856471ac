import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { csvCell as safeCell, csvRows as toCsv } from './csv';

describe('error report CSV', () => {
	it('defuses cells a spreadsheet would run as formulas', () => {
		expect(safeCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
		expect(safeCell('+1')).toBe("'+1");
		expect(safeCell('-2+3')).toBe("'-2+3");
		expect(safeCell('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(safeCell('\t=1')).toBe(`"'\t=1"`);
		expect(safeCell('\r=1')).toBe(`"'\r=1"`);
		// numbers are numbers; ordinary text is untouched
		expect(safeCell(-5)).toBe('-5');
		expect(safeCell('总体满意度')).toBe('总体满意度');
		expect(safeCell(null)).toBe('');
	});

	it('round-trips through a CSV reader with a BOM, quotes, commas and line breaks', () => {
		const text = toCsv([
			['行', '值'],
			[5, '6'],
			[9, 'a,"b"\nc']
		]);
		expect(text.startsWith('\uFEFF')).toBe(true);
		const parsed = Papa.parse<string[]>(text.slice(1).trim(), {});
		expect(parsed.data).toEqual([
			['行', '值'],
			['5', '6'],
			['9', 'a,"b"\nc']
		]);
	});
});
