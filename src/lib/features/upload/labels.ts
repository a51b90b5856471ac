import { m } from '$lib/paraglide/messages.js';
import type { ClientProblem } from './checks';
import type { UploadStage } from './client';
import type { FileEncoding } from './encoding';

/** The upload wizard's words for sizes, encodings, delimiters, the browser's checks and the progress stages. */

/** A file size as people read it: whole KB (at least 1) below a megabyte, MB to one decimal above. */
export const fileSize = (bytes: number): string =>
	bytes < 1024 ** 2 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;

export const encodingName = (e: FileEncoding): string =>
	e === 'utf-8-bom' ? 'UTF-8 (BOM)' : e === 'gbk' ? 'GBK / GB18030' : e.toUpperCase();

export const delimiterLabel = (d: string): string => (d === '\t' ? 'Tab' : d);

const REASONS: Record<ClientProblem['code'], (p: Record<string, string | number>) => string> = {
	required: (p) => m.reason_required(p as never),
	integer_invalid: (p) => m.reason_integer_invalid(p as never),
	number_invalid: (p) => m.reason_number_invalid(p as never),
	out_of_range: (p) => m.reason_out_of_range(p as never),
	row_short: (p) => m.reason_row_short(p as never),
	row_long: (p) => m.reason_row_long(p as never),
	extra_not_number: (p) => m.upload_check_extra_not_number(p as never)
};

/** A browser check's problem in the words the engine would use for it. */
export const clientReason = (p: ClientProblem): string => REASONS[p.code](p.params);

export interface StageProgress {
	label: string;
	/** 0..1, or null while the server works (an indeterminate bar) */
	value: number | null;
	detail: string;
}

/** The progress bar for an upload stage: the bytes sent, then the server's queue and elapsed time. */
export function stageProgress(s: UploadStage, purpose: 'validate' | 'load'): StageProgress {
	if (s.stage === 'sending')
		return {
			label: m.upload_progress_sending(),
			value: s.total > 0 ? s.sent / s.total : null,
			detail: `${fileSize(s.sent)} / ${fileSize(s.total)}`
		};
	return {
		label:
			s.phase === 'queued'
				? m.upload_progress_queued({ ahead: s.ahead })
				: purpose === 'validate'
					? m.upload_progress_checking_server()
					: m.upload_progress_loading(),
		value: null,
		detail: m.upload_progress_elapsed({ seconds: Math.round(s.elapsedMs / 1000) })
	};
}
