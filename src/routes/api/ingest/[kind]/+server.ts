import { json } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime.js';
import { handleUpload, progress } from '$lib/server/features/upload/ingest';
import type { RequestHandler } from './$types';

const locale = () => (getLocale() === 'en' ? 'en' : 'zh-CN');

/** Loads one uploaded file (multipart: file, map, accept_partial, dry_run): the CLI's JSON summary. */
export const POST: RequestHandler = async ({ request, params, locals, getClientAddress }) =>
	handleUpload(request, params.kind, locals.user!, getClientAddress(), locale());

/** Where an upload (`?job=<id>` as its form gave it) waits or runs, for the page's progress bar. */
export const GET: RequestHandler = ({ url }) => json(progress(url.searchParams.get('job')));
