import { json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { chromiumPath, PdfUnavailable, renderPdf, reportUrl } from '$lib/server/core/pdf';
import type { RequestHandler } from './$types';

/**
 * The report as an A4 PDF: the report page printed by chromium with the user's own session, so the PDF
 * shows exactly what the user may see. 503 with a message when chromium is missing or times out.
 */
export const GET: RequestHandler = async ({ url, cookies }) => {
	const page = reportUrl('/quality/report', url);
	for (const k of ['kind', 'at']) {
		const v = url.searchParams.get(k);
		if (v) page.searchParams.set(k, v);
	}
	try {
		const pdf = await renderPdf(page.href, cookies.getAll());
		const kind = url.searchParams.get('kind') === 'week' ? 'week' : 'month';
		return new Response(new Uint8Array(pdf), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `attachment; filename="quality-report-${kind}.pdf"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		const reason = e instanceof PdfUnavailable ? e.message : e instanceof Error ? e.message.split('\n')[0]! : String(e);
		console.error('[quality] PDF failed:', reason);
		// no browser: say plainly what to install (the set-up, npm run demo, installs it when it can)
		const message =
			e instanceof PdfUnavailable && e.reason === 'no_browser' ? m.pdf_unavailable({ path: chromiumPath() }) : m.qc_pdf_error({ reason });
		return json({ error: { code: 'pdf_unavailable', message } }, { status: 503 });
	}
};
