import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from '@sveltejs/kit';
import { isWorkbook, sheetReading } from '$pipelines/decode';
import { readWorkbook } from '$pipelines/decode/workbook';
import { message, reason, type Locale } from '$pipelines/messages';
import { IngestFailure } from '$lib/shared/schema/errors';
import { isKind, schemas } from '$lib/shared/schema';
import { m } from '$lib/paraglide/messages.js';
import type { WorkbookPreview } from '$lib/features/upload/types';
import { config } from '$lib/server/core/config';

const PREVIEW_ROWS = 20;
const SAMPLES = 5;
const NUMBER = /^[+-]?\d+(\.\d+)?$/u;

/**
 * POST /api/ingest/<kind>/workbook: an Excel workbook read on the server, as the engine will read it
 * (the same sheet choice, header search and cell reading), for the upload page's sheet picker, preview
 * and mapping; the page never loads a workbook parser. Nothing is written.
 */
export async function previewWorkbook(request: Request, kind: string, locale: Locale): Promise<Response> {
	if (!isKind(kind))
		return json({ error: { code: 'kind_unknown', message: reason('kind_unknown', { kind, allowed: '' }, locale) } }, { status: 404 });
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		return json({ error: { code: 'not_multipart', message: m.upload_api_not_multipart() } }, { status: 400 });
	}
	const file = form.get('file');
	if (!(file instanceof File)) return json({ error: { code: 'no_file', message: m.upload_api_no_file() } }, { status: 400 });
	if (file.size > config().auth.bodyLimitBytes)
		return json(
			{ error: { code: 'too_large', message: m.upload_api_too_large({ limit: `${config().auth.bodyLimitBytes >> 20} MB` }) } },
			{ status: 413 }
		);
	const sheetField = form.get('sheet');
	const sheet = typeof sheetField === 'string' && sheetField.trim() !== '' ? sheetField : undefined;
	const dir = mkdtempSync(join(tmpdir(), 'sqa-preview-'));
	try {
		const path = join(dir, 'upload.xlsx');
		writeFileSync(path, Buffer.from(await file.arrayBuffer()));
		if (!isWorkbook(path))
			return json({ error: { code: 'not_workbook', message: reason('workbook_not_xlsx', {}, locale) } }, { status: 415 });
		const read = await readWorkbook(path, sheetReading(schemas[kind], null), sheet);
		const { header, rows, rowNumbers } = read.table;
		const samples = header.map(() => new Set<string>());
		const numeric = header.map(() => true);
		for (const row of rows.slice(0, 2000))
			row.forEach((v, i) => {
				const t = v.trim();
				if (t === '' || i >= header.length) return;
				if (samples[i]!.size < SAMPLES) samples[i]!.add(t);
				if (!NUMBER.test(t.normalize('NFKC'))) numeric[i] = false;
			});
		const body: WorkbookPreview = {
			sheets: read.sheets,
			sheet: read.sheet,
			header,
			rows: rows.slice(0, PREVIEW_ROWS),
			rowNumbers: rowNumbers.slice(0, PREVIEW_ROWS),
			rowCount: rows.length,
			samples: samples.map((s) => [...s]),
			numeric: numeric.map((n, i) => n && samples[i]!.size > 0),
			notes: read.notes.map((n) => message(`warning_${n.key}`, n.params, locale))
		};
		return json(body);
	} catch (e) {
		if (!(e instanceof IngestFailure)) throw e;
		return json({ error: { code: e.code, message: reason(e.code, e.params, locale) } }, { status: e.unreadable ? 415 : 422 });
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
