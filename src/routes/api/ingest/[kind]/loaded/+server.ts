import { loadedBefore } from '$lib/server/features/upload/loaded-before';
import type { RequestHandler } from './$types';

/** Whether a file (by its SHA-256) was loaded before as this kind: asked as soon as a file is chosen. */
export const GET: RequestHandler = ({ params, url, locals }) =>
	loadedBefore(params.kind, url.searchParams.get('sha256'), locals.user!.stores);
