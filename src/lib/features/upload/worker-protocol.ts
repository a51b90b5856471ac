import type { CheckSpec, ClientProblem } from './checks';
import type { FileEncoding } from './encoding';

/** Messages between the upload page and its parsing worker (preview.worker.ts). */
export interface ParseRequest {
	file: File;
	encoding: FileEncoding;
	/** rows kept for the preview table */
	previewRows: number;
	/** when given, every row is checked (the validate step) */
	check?: CheckSpec;
}

export interface ParseResult {
	header: string[];
	/** the first rows, as parsed (row i is spreadsheet row i + 2, unless rowNumbers says otherwise) */
	rows: string[][];
	/** a workbook's preview rows: each one's number in its sheet */
	rowNumbers?: number[];
	rowCount: number;
	delimiter: string;
	/** per column: up to 5 distinct non-empty values from the start of the file */
	samples: string[][];
	/** per column: whether every non-empty value read was a number */
	numeric: boolean[];
	problems: ClientProblem[];
	/** rows with at least one problem (problems holds the first PROBLEMS_KEPT) */
	problemRows: number;
}

export type WorkerMessage =
	| { type: 'progress'; bytes: number; total: number; rows: number }
	| { type: 'done'; result: ParseResult }
	| { type: 'error'; message: string };

export const PROBLEMS_KEPT = 500;
