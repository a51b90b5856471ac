import { readFileSync, writeFileSync } from 'node:fs';
import Papa from 'papaparse';

/** Header and rows of a sample CSV (GBK or UTF-8 with or without BOM). */
export function readCsv(path: string, encoding: 'gbk' | 'utf-8' = 'utf-8'): { header: string[]; rows: string[][] } {
	const text = new TextDecoder(encoding).decode(readFileSync(path)).replace(/^\uFEFF/, '');
	const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
	const [header, ...rows] = parsed.data;
	return { header: header!, rows };
}

/** Writes rows as an RFC 4180 UTF-8 CSV. */
export function writeCsv(path: string, header: string[], rows: string[][], newline = '\n'): void {
	writeFileSync(path, Papa.unparse([header, ...rows], { newline }) + newline);
}
