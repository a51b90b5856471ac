/**
 * What the UI components need to show, declared here so that `$lib/ui` depends on nothing above it;
 * the server's `KindCoverage` and `BatchRow` fit these shapes.
 */
export type UiLocale = 'zh-CN' | 'en';
export const isUiLocale = (v: unknown): v is UiLocale => v === 'zh-CN' || v === 'en';

export type SourceKind = 'complaints' | 'surveys' | 'appraisals' | 'traffic' | 'staff' | 'contacts' | 'inspections';

export interface CoverageView {
	kind: SourceKind;
	rows: number;
	/** first and last day covered, YYYY-MM-DD; null when the kind has no rows */
	from: string | null;
	to: string | null;
	/** YYYY-MM-DD HH:MM of the last committed load; null when never loaded */
	last_loaded_at: string | null;
}

export type BatchStatus = 'running' | 'committed' | 'rejected' | 'rolled_back' | 'aborted';

export interface BatchView {
	batch_id: number;
	kind: SourceKind;
	file_name: string;
	source: string;
	created_by: string;
	finished_at: string;
	status: BatchStatus;
	rows_read: number;
	rows_loaded: number;
	rows_rejected: number;
	encoding: string | null;
	rolled_back_at: string | null;
	rolled_back_by: string | null;
	/** why an 'aborted' load stopped: shutdown, interrupted, process_ended, failed */
	abort_reason: string | null;
}

/** The time the data describes and how fresh it is, on every signed-in page (metrics/as-of.ts). */
export interface DataTime {
	/** 数据截至: the complaint register's snapshot day, YYYY-MM-DD; null when no complaints are on record */
	asOf: string | null;
	/** the kinds whose last load is older than their usual cadence */
	stale: { kind: SourceKind; days: number; last: string }[];
}
