import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from '@sveltejs/kit';
import { auditCliCommand } from '$pipelines/audit';
import { runCommand, usageError, type Command } from '$pipelines/commands';
import { IngestFailure } from '$lib/shared/schema/errors';
import { parseMapping } from '$lib/shared/schema/mapping';
import type { Locale } from '$pipelines/messages';
import { isKind, KINDS } from '$lib/shared/schema';
import { m } from '$lib/paraglide/messages.js';
import type { AuthUser } from '$lib/shared/auth/roles';
import type { JobProgress } from '$lib/features/upload/types';
import { config } from '$lib/server/core/config';
import { getDatabase } from '$lib/server/core/db/process';

/**
 * POST /api/ingest/<kind>: the browser's upload, run exactly like the CLI's `ingest` command (same
 * engine, same JSON summary, same audit entry) on a temp copy of the uploaded file, removed afterwards.
 * Loads queue on the database's one write lock, so two uploads never interleave; the page polls
 * `progress` to show where its upload waits.
 */

const BOOL = new Map([
	['true', true],
	['false', false],
	['', false]
]);
const JOB_ID = /^[A-Za-z0-9-]{8,64}$/u;
/** refusals of the file's format: 415 Unsupported Media Type */
const UNSUPPORTED_FILE = new Set([
	'file_binary',
	'file_xlsx',
	'workbook_xls',
	'workbook_encrypted',
	'workbook_not_xlsx',
	'workbook_damaged'
]);

/** Uploads this server is handling, oldest first: the order of the write queue they wait in. */
const jobs: { id: string; started: number }[] = [];
const JOBS_MAX = 1000;

export function progress(jobId: string | null): JobProgress {
	const i = jobId ? jobs.findIndex((j) => j.id === jobId) : -1;
	if (i < 0) return { phase: 'unknown', ahead: 0, elapsed_ms: 0 };
	return { phase: i === 0 ? 'processing' : 'queued', ahead: i, elapsed_ms: Date.now() - jobs[i]!.started };
}

const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
	json({ error: { code, message, ...extra } }, { status });

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;

/** Only the last path segment of the name the browser gives, without control characters, at most 200 characters. */
function safeFileName(name: string): string {
	const base = name.split(/[\\/]/u).pop() ?? '';
	const clean = [...base.replace(/\p{Cc}/gu, '')].slice(0, 200).join('').trim();
	return clean || 'upload.csv';
}

export async function handleUpload(request: Request, kind: string, user: AuthUser, ip: string, locale: Locale): Promise<Response> {
	if (!isKind(kind)) {
		const r = usageError('kind_unknown', { kind, allowed: KINDS.join(', ') }, locale);
		return json(r.json, { status: 404 });
	}
	if (!(request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
		return refuse(400, 'not_multipart', m.upload_api_not_multipart());
	}
	let form: FormData;
	try {
		form = await request.formData();
	} catch (e) {
		// adapter-node refuses a body over BODY_SIZE_LIMIT that came without a content-length
		if (e instanceof Error && /too large|limit/iu.test(e.message)) return tooLarge();
		return refuse(400, 'not_multipart', m.upload_api_not_multipart());
	}
	const file = form.get('file');
	if (!(file instanceof File)) return refuse(400, 'no_file', m.upload_api_no_file());
	if (file.size > config().auth.bodyLimitBytes) return tooLarge();

	const flags: Record<'accept_partial' | 'dry_run', boolean> = { accept_partial: false, dry_run: false };
	for (const name of ['accept_partial', 'dry_run'] as const) {
		const raw = form.get(name);
		const value = raw === null ? false : BOOL.get(String(raw).trim().toLowerCase());
		if (value === undefined) return refuse(400, 'bad_flag', m.upload_api_bad_flag({ field: name }));
		flags[name] = value;
	}
	let mapping: unknown;
	const mapText = form.get('map');
	if (mapText !== null && String(mapText).trim() !== '') {
		try {
			mapping = parseMapping(JSON.parse(String(mapText)));
		} catch (e) {
			const detail = e instanceof IngestFailure ? String(e.params.detail ?? '') : e instanceof Error ? e.message : '';
			const r = usageError('mapping_invalid', { detail }, locale);
			return json(r.json, { status: 400 });
		}
	}
	// a workbook's sheet, as the page's picker chose it (absent: the engine chooses and says why)
	const sheetField = form.get('sheet');
	const sheet = typeof sheetField === 'string' && sheetField.trim() !== '' ? [...sheetField].slice(0, 300).join('') : undefined;
	const jobField = form.get('job');
	const jobId = typeof jobField === 'string' && JOB_ID.test(jobField) ? jobField : crypto.randomUUID();

	const dir = mkdtempSync(join(tmpdir(), 'sqa-upload-'));
	if (jobs.length >= JOBS_MAX) jobs.shift();
	jobs.push({ id: jobId, started: Date.now() });
	try {
		const path = join(dir, 'upload.csv');
		writeFileSync(path, Buffer.from(await file.arrayBuffer()));
		const cmd: Command = {
			command: 'ingest',
			kind,
			file: path,
			fileName: safeFileName(file.name),
			mapping,
			sheet,
			acceptPartial: flags.accept_partial,
			dryRun: flags.dry_run,
			as: user.username,
			locale,
			source: 'web',
			stores: user.stores
		};
		const db = await getDatabase();
		const result = await runCommand(db, cmd);
		await auditCliCommand(db, cmd, result, ip, user.username);
		if (result.exitCode === 2) {
			const code = (result.json as { error?: { code?: string } }).error?.code ?? '';
			return json(result.json, { status: UNSUPPORTED_FILE.has(code) ? 415 : 400 });
		}
		// 3: the server is shutting down and stopped this load (rolled back, recorded as aborted): try again later
		if (result.exitCode === 3) return json(result.json, { status: 503, headers: { 'retry-after': '30' } });
		return json(result.json, { status: result.exitCode === 1 ? 422 : 200 });
	} finally {
		const i = jobs.findIndex((j) => j.id === jobId);
		if (i >= 0) jobs.splice(i, 1);
		rmSync(dir, { recursive: true, force: true });
	}
}

function tooLarge(): Response {
	const limit = config().auth.bodyLimitBytes;
	return refuse(413, 'too_large', m.upload_api_too_large({ limit: megabytes(limit) }), { limit_bytes: limit });
}
