import type { JobProgress, LoadedBefore, UploadKind, UploadRefusal, UploadSummary } from './types';

/**
 * Sends a file to POST /api/ingest/<kind> the way the page needs it: XMLHttpRequest for the upload
 * bytes' progress, then polling the server for where the load waits (its write queue) until it answers.
 */
export type UploadStage =
	{ stage: 'sending'; sent: number; total: number } | { stage: 'server'; phase: JobProgress['phase']; ahead: number; elapsedMs: number };

export interface UploadAnswer {
	status: number;
	body: UploadSummary | UploadRefusal | { message: string } | null;
}

const POLL_MS = 400;

export function sendUpload(
	kind: UploadKind,
	file: File,
	fields: Record<string, string>,
	onStage: (s: UploadStage) => void
): Promise<UploadAnswer> {
	const job = crypto.randomUUID();
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	form.append('job', job);
	form.append('file', file, file.name);

	return new Promise((resolve) => {
		const xhr = new XMLHttpRequest();
		let polling: ReturnType<typeof setTimeout> | null = null;
		let finished = false;
		const started = Date.now();
		const poll = async () => {
			if (finished) return;
			try {
				const r = await fetch(`/api/ingest/${kind}?job=${job}`, { headers: { accept: 'application/json' } });
				const p = (await r.json()) as JobProgress;
				if (!finished) onStage({ stage: 'server', phase: p.phase, ahead: p.ahead, elapsedMs: Date.now() - started });
			} catch {
				/* the answer to the upload itself will tell */
			}
			if (!finished) polling = setTimeout(poll, POLL_MS);
		};
		xhr.upload.onprogress = (e) => onStage({ stage: 'sending', sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
		xhr.upload.onload = () => {
			onStage({ stage: 'server', phase: 'processing', ahead: 0, elapsedMs: Date.now() - started });
			polling = setTimeout(poll, POLL_MS);
		};
		const end = (status: number, text: string) => {
			finished = true;
			if (polling) clearTimeout(polling);
			let body: UploadAnswer['body'];
			try {
				body = JSON.parse(text) as UploadAnswer['body'];
			} catch {
				body = text ? { message: text } : null;
			}
			resolve({ status, body });
		};
		xhr.onload = () => end(xhr.status, xhr.responseText);
		xhr.onerror = () => end(0, '');
		xhr.open('POST', `/api/ingest/${kind}`);
		xhr.setRequestHeader('accept', 'application/json');
		xhr.send(form);
	});
}

export const isSummary = (b: UploadAnswer['body']): b is UploadSummary => !!b && typeof b === 'object' && 'status' in b && 'rows_read' in b;

/** The message of a refusal, whichever shape it came in. */
export function refusalMessage(b: UploadAnswer['body']): string | null {
	if (!b || typeof b !== 'object') return null;
	if ('error' in b && b.error && typeof b.error === 'object') return b.error.message;
	if ('message' in b && typeof b.message === 'string') return b.message;
	return null;
}

/**
 * The committed batches of this kind that loaded the same bytes: the file's SHA-256 (the hash the engine
 * records) asked of the server. Empty when the browser cannot hash (Web Crypto needs a secure context:
 * https or localhost) or the server does not answer; the load's own duplicate check still holds.
 */
export async function askLoadedBefore(kind: UploadKind, sha256: string | null): Promise<LoadedBefore[]> {
	if (!sha256) return [];
	try {
		const r = await fetch(`/api/ingest/${kind}/loaded?sha256=${sha256}`, { headers: { accept: 'application/json' } });
		return r.ok ? ((await r.json()) as { loaded: LoadedBefore[] }).loaded : [];
	} catch {
		return [];
	}
}

/** The file's SHA-256 in hex, or null without Web Crypto. */
export async function fileSha256(file: File): Promise<string | null> {
	if (!globalThis.crypto?.subtle) return null;
	try {
		const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
		return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
	} catch {
		return null;
	}
}
