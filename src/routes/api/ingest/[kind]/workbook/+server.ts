import { getLocale } from '$lib/paraglide/runtime.js';
import { previewWorkbook } from '$lib/server/features/upload/workbook-preview';
import type { RequestHandler } from './$types';

/** An uploaded workbook's sheets and the chosen sheet's first rows (multipart: file, sheet); nothing is written. */
export const POST: RequestHandler = async ({ request, params }) =>
	previewWorkbook(request, params.kind, getLocale() === 'en' ? 'en' : 'zh-CN');
