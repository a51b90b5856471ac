import { m } from '$lib/paraglide/messages.js';
import type { BatchStatus, SourceKind, UiLocale } from '$lib/shared/views';

type Label = (inputs?: Record<string, never>, options?: { locale?: UiLocale }) => string;

const kindLabels: Record<SourceKind, Label> = {
	complaints: m.ui_kind_complaints,
	surveys: m.ui_kind_surveys,
	appraisals: m.ui_kind_appraisals,
	traffic: m.ui_kind_traffic,
	staff: m.ui_kind_staff,
	contacts: m.ui_kind_contacts,
	inspections: m.ui_kind_inspections
};

/** Which date a kind's coverage is counted by (the schema's date column), said for people. */
const kindBases: Record<SourceKind, Label> = {
	complaints: m.ui_basis_complaints,
	surveys: m.ui_basis_surveys,
	appraisals: m.ui_basis_appraisals,
	traffic: m.ui_basis_traffic,
	staff: m.ui_basis_staff,
	contacts: m.ui_basis_contacts,
	inspections: m.ui_basis_inspections
};

const statusLabels: Record<BatchStatus, Label> = {
	committed: m.status_committed,
	rejected: m.status_rejected,
	rolled_back: m.status_rolled_back,
	running: m.status_running,
	aborted: m.status_aborted
};

const abortReasons: Record<string, Label> = {
	shutdown: m.batch_abort_shutdown,
	interrupted: m.batch_abort_interrupted,
	process_ended: m.batch_abort_process_ended,
	failed: m.batch_abort_failed
};

/** Why an aborted load stopped, in words. */
export const abortReasonLabel = (reason: string | null): string | undefined => (reason ? (abortReasons[reason]?.() ?? reason) : undefined);

const sourceLabels: Record<string, Label> = {
	cli: m.ui_source_cli,
	web: m.ui_source_web
};

export const kindLabel = (kind: SourceKind): string => kindLabels[kind]?.() ?? kind;

export const kindBasis = (kind: SourceKind): string => kindBases[kind]?.() ?? '';

export const statusLabel = (status: BatchStatus): string => statusLabels[status]?.() ?? status;

export const sourceLabel = (source: string): string => sourceLabels[source]?.() ?? source;

/** Encodings as the engine names them (utf-8, utf-8-bom, gbk, gb18030…), written the usual way. */
export function encodingLabel(encoding: string | null): string {
	if (!encoding) return '—';
	if (encoding === 'utf-8-bom') return m.ui_encoding_utf_8_bom();
	return encoding.toUpperCase();
}
