import { error } from '@sveltejs/kit';
import { csvText } from '$lib/shared/csv';
import { evalPeriodLabel, cycleLabel } from '$lib/features/evaluations/labels';
import { m } from '$lib/paraglide/messages.js';
import { audit } from '$lib/server/core/db/audit';
import { getDatabase } from '$lib/server/core/db/process';
import { workbook } from '$lib/server/features/evaluations/excel';
import { chromiumPath, PdfUnavailable, renderPdf, reportUrl } from '$lib/server/core/pdf';
import { appraisalStores, viewRequest } from '$lib/server/features/evaluations/request';
import { exportTables } from '$lib/server/features/evaluations/tables';
import { evaluationView } from '$lib/server/features/evaluations/view';
import { problem, requestLocale } from '$lib/server/metrics/http';
import type { RequestHandler } from './$types';

const TABLES = ['ranking', 'warnings', 'stars', 'distribution', 'stores', 'reviewers'] as const;

/**
 * `GET /api/evaluations/export?format=xlsx|csv|pdf&cycle=&period=&group=&store=…[&table=ranking]`: the
 * evaluation tables of a period as the user sees them (their stores; no individual rows for roles
 * without scorecards). xlsx: every table, a sheet each; csv: one table (default the ranking); pdf: the
 * printable report. Every export is audited.
 */
export const GET: RequestHandler = async ({ url, locals, cookies, getClientAddress }) => {
	const user = locals.user;
	if (!user) error(401, 'sign in');
	const locale = requestLocale();
	const format = url.searchParams.get('format') ?? 'xlsx';
	if (format !== 'xlsx' && format !== 'csv' && format !== 'pdf') return problem(400, 'invalid_request', m.api_format_invalid_export());
	const db = await getDatabase();
	const storeOptions = await appraisalStores(db, user.stores);
	const req = viewRequest(url.searchParams, storeOptions);
	const view = await evaluationView(db, user, req);
	if (!view.period) return problem(404, 'no_data', m.api_no_appraisals());
	const name = `${m.eval_export_file_name()}-${view.period}`;
	const disposition = (ext: string) =>
		`attachment; filename="evaluations-${view.period}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${name}.${ext}`)}`;
	const record = (detail: Record<string, unknown>) =>
		db.withConnection((c) =>
			audit(c, {
				actor: user.username,
				action: 'export',
				target: '/api/evaluations/export',
				ip: getClientAddress(),
				detail: { format, period: view.period, cycle: view.cycle, stores: req.stores, ...detail }
			})
		);

	if (format === 'pdf') {
		const report = reportUrl('/evaluations/report', url);
		for (const k of ['cycle', 'group', 'store']) for (const v of url.searchParams.getAll(k)) report.searchParams.append(k, v);
		report.searchParams.set('period', view.period);
		let pdf: Buffer;
		try {
			pdf = await renderPdf(report.href, cookies.getAll());
		} catch (e) {
			if (e instanceof PdfUnavailable) {
				return e.reason === 'no_browser'
					? problem(503, 'pdf_unavailable', m.pdf_unavailable({ path: chromiumPath() }))
					: problem(502, 'pdf_failed', m.api_pdf_failed({ detail: e.message }));
			}
			throw e;
		}
		await record({});
		return new Response(new Uint8Array(pdf), {
			headers: { 'content-type': 'application/pdf', 'content-disposition': disposition('pdf'), 'cache-control': 'no-store' }
		});
	}

	const tables = exportTables(view);
	if (format === 'csv') {
		const id = url.searchParams.get('table') ?? (view.individual ? 'ranking' : 'distribution');
		const table = (TABLES as readonly string[]).includes(id) ? tables.find((t) => t.id === id) : undefined;
		if (!table) return problem(404, 'no_table', m.api_no_table());
		await record({ table: id });
		return new Response(csvText(table.header, table.rows), {
			headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition('csv'), 'cache-control': 'no-store' }
		});
	}
	const title = m.eval_report_title({ period: evalPeriodLabel(view.period, locale), cycle: cycleLabel(view.cycle) });
	const xlsx = await workbook(tables, { title, creator: user.displayName });
	await record({ tables: tables.map((t) => t.id) });
	return new Response(new Uint8Array(xlsx), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': disposition('xlsx'),
			'cache-control': 'no-store'
		}
	});
};
