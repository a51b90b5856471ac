import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import { displayTime, instantMs } from '$lib/server/core/time';
import type { DecodedInput } from '$pipelines/decode';
import type { IngestFailure, RowError } from '$lib/shared/schema/errors';
import type { KindId } from '$lib/shared/schema';
import { message, reason, type Locale } from '$pipelines/messages';
import { writeBatch } from '$pipelines/store';
import type { ErrorGroup } from './error-groups';
import { MisshapenRows } from './misshapen';

export type IngestStatus = 'committed' | 'rejected' | 'duplicate' | 'dry-run';

export interface IngestOptions {
	kind: KindId;
	filePath: string;
	/** the name the user knows the file by (uploads arrive as temp files) */
	fileName?: string;
	mapping?: unknown;
	acceptPartial?: boolean;
	dryRun?: boolean;
	source: 'cli' | 'web';
	createdBy: string;
	locale?: Locale;
	/** a workbook's sheet: its name, or its 1-based position; else the one whose header fits the kind best */
	sheet?: string;
	/** the day the data describes, YYYY-MM-DD (the register's export day); else the data's own last day */
	asOf?: string;
	/**
	 * The loader's store scope: null or absent = every store (the CLI, the machine operator). Otherwise
	 * every row must name one of these stores, and no row may replace a row of another store.
	 */
	stores?: readonly string[] | null;
}

export interface IngestSummary {
	batch_id: number | null;
	kind: KindId;
	status: IngestStatus;
	rows_read: number;
	rows_loaded: number;
	rows_rejected: number;
	errors: RowError[];
	/** every row error grouped by column, reason and value, largest first (at most MAX_ERROR_GROUPS) */
	error_groups: ErrorGroup[];
	/** how many groups there are in all */
	error_groups_total: number;
	file_name: string;
	sha256: string | null;
	encoding: string | null;
	delimiter: string | null;
	rows_collapsed: number;
	rows_replaced: number;
	rows_blank: number;
	/** the sheet read, for a workbook */
	sheet?: string;
	warnings: string[];
	message: string;
	duplicate_of?: { batch_id: number; loaded_at: string };
	/** a committed load: the first and last day of its rows and the stores they name */
	covers?: { from: string; to: string; stores: string[] };
}

export const MAX_ERRORS_IN_SUMMARY = 50;

/** The committed batch that loaded the same bytes as this kind before, if any. */
export async function findDuplicate(conn: DuckDBConnection, kind: string, sha256: string, sheet: string | null) {
	// another sheet of the same workbook is other data
	const rows = await queryRows<{ batch_id: number; finished_ms: number }>(
		conn,
		`SELECT batch_id, ${instantMs('finished_at')} AS finished_ms FROM batches
		 WHERE kind = $1 AND sha256 = $2 AND sheet IS NOT DISTINCT FROM $3 AND status = 'committed' ORDER BY batch_id DESC LIMIT 1`,
		[kind, sha256, sheet]
	);
	return rows[0] ? { batch_id: rows[0].batch_id, loaded_at: displayTime(rows[0].finished_ms) } : null;
}

/** The file was loaded before: nothing is read again. */
export function duplicateSummary(
	opts: IngestOptions,
	fileName: string,
	d: DecodedInput,
	dup: { batch_id: number; loaded_at: string },
	locale: Locale
): IngestSummary {
	return {
		...emptySummary(opts, fileName, d),
		batch_id: dup.batch_id,
		status: 'duplicate',
		duplicate_of: dup,
		message: message('summary_duplicate', { when: dup.loaded_at, batch: dup.batch_id }, locale)
	};
}

/** A summary with nothing read yet, naming the file as decoded (when it was). */
export function emptySummary(opts: IngestOptions, fileName: string, d: DecodedInput | null): IngestSummary {
	return {
		batch_id: null,
		kind: opts.kind,
		status: 'rejected',
		rows_read: 0,
		rows_loaded: 0,
		rows_rejected: 0,
		errors: [],
		error_groups: [],
		error_groups_total: 0,
		file_name: fileName,
		sha256: d?.sha256 ?? null,
		encoding: d?.workbook ? 'xlsx' : (d?.encoding ?? null),
		delimiter: d?.workbook ? null : (d?.delimiter ?? null),
		...(d?.workbook ? { sheet: d.workbook.sheet } : {}),
		rows_collapsed: 0,
		rows_replaced: 0,
		rows_blank: 0,
		warnings: [],
		message: ''
	};
}

/** The whole file is refused (missing columns, empty, malformed): recorded as a rejected batch. */
export async function fileRejected(
	conn: DuckDBConnection,
	opts: IngestOptions,
	fileName: string,
	d: DecodedInput | null,
	failure: IngestFailure,
	started: Date,
	locale: Locale,
	batchId: number | undefined
): Promise<IngestSummary> {
	const error: RowError = {
		row: null,
		column: null,
		value: null,
		code: failure.code,
		params: failure.params,
		reason: reason(failure.code, failure.params, locale)
	};
	// several misshapen rows: each is named after the file's own reason (bounded, the reason counts them all)
	const rows = failure instanceof MisshapenRows ? failure.rowErrors(locale) : [];
	const summary: IngestSummary = { ...emptySummary(opts, fileName, d), errors: [error, ...rows], message: error.reason };
	if (opts.dryRun || !d) return { ...summary, status: 'rejected' };
	summary.batch_id = await writeBatch(conn, {
		batchId,
		kind: opts.kind,
		fileName,
		decoded: d,
		source: opts.source,
		createdBy: opts.createdBy,
		started,
		status: 'rejected',
		acceptPartial: !!opts.acceptPartial,
		counts: { read: 0, loaded: 0, rejected: 0, collapsed: 0, replaced: 0 },
		mapping: opts.mapping ?? null,
		asOf: opts.asOf ?? null,
		warnings: [],
		errors: [error, ...rows].map((e) => ({ ...e, cells: null })),
		schema: null,
		// nothing of the file is kept but the error: the batch belongs to the loader's stores (unknown for the operator's)
		stores: opts.stores ? [...opts.stores] : null
	});
	return summary;
}
