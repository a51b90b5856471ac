/**
 * What the upload API answers (the CLI's --json summary) and what the page polls, declared here so
 * browser code depends on nothing on the server side.
 */
import type { ErrorGroup } from '$lib/shared/schema/errors';

export type { ErrorGroup };
export type UploadKind = 'complaints' | 'surveys' | 'appraisals' | 'traffic' | 'staff' | 'contacts' | 'inspections';

export interface UploadError {
	row: number | null;
	column: string | null;
	value: string | null;
	reason: string;
	code: string;
}

export interface UploadSummary {
	batch_id: number | null;
	kind: UploadKind;
	status: 'committed' | 'rejected' | 'duplicate' | 'dry-run';
	rows_read: number;
	rows_loaded: number;
	rows_rejected: number;
	rows_collapsed: number;
	rows_replaced: number;
	rows_blank: number;
	errors: UploadError[];
	/** every row error grouped by column, reason and value, largest first (bounded; error_groups_total counts them all) */
	error_groups: ErrorGroup[];
	error_groups_total: number;
	file_name: string;
	encoding: string | null;
	delimiter: string | null;
	warnings: string[];
	message: string;
	duplicate_of?: { batch_id: number; loaded_at: string };
	/** a committed load: the first and last day of its rows and the stores they name */
	covers?: { from: string; to: string; stores: string[] };
}

/** A committed batch that loaded the same bytes (GET /api/ingest/<kind>/loaded?sha256=…). */
export interface LoadedBefore {
	batch_id: number;
	loaded_at: string;
	sheet: string | null;
	/** whether this user may open the batch's page */
	visible: boolean;
}

/** A refusal before the engine ran (bad request, too large, not allowed). */
export interface UploadRefusal {
	error: { code: string; message: string; limit_bytes?: number };
}

/** Where an upload is on the server, for the progress bar (GET /api/ingest/<kind>?job=…). */
export interface JobProgress {
	phase: 'queued' | 'processing' | 'unknown';
	/** uploads ahead of this one in the server's single write queue */
	ahead: number;
	elapsed_ms: number;
}

/** An Excel workbook as the server reads it (POST /api/ingest/<kind>/workbook): its sheets and the chosen one's first rows. */
export interface WorkbookPreview {
	sheets: { name: string; hidden: boolean; score: number }[];
	/** the sheet read: the one asked for, else the one whose header fits the kind best */
	sheet: string;
	header: string[];
	rows: string[][];
	/** each preview row's number in the sheet */
	rowNumbers: number[];
	rowCount: number;
	samples: string[][];
	numeric: boolean[];
	/** what reading did: the sheet taken and why, title and totals rows left out, hidden rows read */
	notes: string[];
}
