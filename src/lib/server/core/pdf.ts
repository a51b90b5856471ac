import { existsSync } from 'node:fs';
import { config } from '$lib/server/core/config';

/** Where Debian puts chromium; `CHROMIUM_PATH` overrides it. */
export const chromiumPath = () => config().chromiumPath;

export class PdfUnavailable extends Error {
	constructor(
		readonly reason: 'no_browser' | 'failed',
		message: string
	) {
		super(message);
	}
}

const TIMEOUT_MS = 45_000;

/**
 * Where the server's own browser fetches a report page: `REPORT_ORIGIN` (or the older
 * `EVAL_REPORT_ORIGIN`) when set — behind a reverse proxy, e.g. http://127.0.0.1:3000, so chromium does
 * not go out and back through the public address — else the request's own origin.
 */
export function reportUrl(path: string, request: URL): URL {
	return new URL(path, config().reportOrigin ?? request.origin);
}

/**
 * A printable report page as an A4 PDF: a headless chromium opens the page as the requesting user
 * (their session cookies, for this host only), waits until the page and its charts have loaded and prints
 * it with the page's print stylesheet. One browser per request, always closed; everything under one
 * timeout. Used by every PDF export (evaluations, quality report).
 */
export function renderPdf(url: string, cookies: { name: string; value: string }[]): Promise<Buffer> {
	return printWith(async (context) => {
		const origin = new URL(url).origin;
		if (cookies.length) await context.addCookies(cookies.map((c) => ({ name: c.name, value: c.value, url: origin })));
		const page = await context.newPage();
		const res = await page.goto(url, { waitUntil: 'networkidle', timeout: TIMEOUT_MS });
		if (!res || !res.ok()) throw new PdfUnavailable('failed', `report page answered ${res?.status() ?? 'nothing'}`);
		return page;
	});
}

/**
 * A self-contained HTML document as an A4 PDF (a delivered report's digest, made without a session or a
 * running server). The page may load nothing from the network.
 */
export function renderHtmlPdf(html: string): Promise<Buffer> {
	return printWith(async (context) => {
		await context.route('**/*', (route) => route.abort());
		const page = await context.newPage();
		await page.setContent(html, { waitUntil: 'load', timeout: TIMEOUT_MS });
		return page;
	});
}

type BrowserContext = import('playwright-core').BrowserContext;
type Page = import('playwright-core').Page;

async function printWith(open: (context: BrowserContext) => Promise<Page>): Promise<Buffer> {
	const executablePath = chromiumPath();
	if (!existsSync(executablePath)) throw new PdfUnavailable('no_browser', `no chromium at ${executablePath}`);
	// imported here, so that pages never load the browser driver
	const { chromium } = await import('playwright-core');
	const browser = await chromium.launch({
		executablePath,
		headless: true,
		timeout: TIMEOUT_MS,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
	let timer: NodeJS.Timeout | undefined;
	try {
		const work = (async () => {
			const page = await open(await browser.newContext({ locale: 'zh-CN' }));
			await page.emulateMedia({ media: 'print' });
			return page.pdf({
				format: 'A4',
				printBackground: true,
				margin: { top: '12mm', bottom: '14mm', left: '12mm', right: '12mm' },
				displayHeaderFooter: true,
				headerTemplate: '<span></span>',
				footerTemplate:
					'<div style="font-size:8px;width:100%;text-align:center;color:#666"><span class="pageNumber"></span> / <span class="totalPages"></span></div>'
			});
		})();
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new PdfUnavailable('failed', 'timed out rendering the report')), TIMEOUT_MS);
		});
		return Buffer.from(await Promise.race([work, timeout]));
	} finally {
		clearTimeout(timer);
		await browser.close().catch(() => undefined);
	}
}
