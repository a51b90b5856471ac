import { m } from '$lib/paraglide/messages.js';
import type { UploadKind, WorkbookPreview } from './types';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const COMPOUND = [0xd0, 0xcf, 0x11, 0xe0];

/** An Excel workbook by its first bytes (a zip, or an old .xls) or its name: read on the server, not in the browser. */
export function looksLikeWorkbook(name: string, head: Uint8Array): boolean {
	const starts = (sig: number[]) => sig.every((b, i) => head[i] === b);
	return starts(ZIP) || starts(COMPOUND) || /\.xls[xmb]?$/iu.test(name);
}

/** The workbook's sheets and the chosen sheet's first rows, as the server reads them; or the server's refusal. */
export async function readWorkbookOnServer(
	kind: UploadKind,
	file: File,
	sheet: string | null
): Promise<WorkbookPreview | { error: string }> {
	const form = new FormData();
	form.append('file', file, file.name);
	if (sheet !== null) form.append('sheet', sheet);
	try {
		const res = await fetch(`/api/ingest/${kind}/workbook`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
		const body = (await res.json().catch(() => null)) as WorkbookPreview | { error?: { message?: string } } | null;
		if (res.ok && body && 'sheets' in body) return body;
		const message = body && 'error' in body ? body.error?.message : undefined;
		return { error: message ?? m.upload_request_failed({ status: res.status }) };
	} catch {
		return { error: m.upload_request_failed({ status: 0 }) };
	}
}
