import type { Handle } from '@sveltejs/kit';

/**
 * gzip for the API's answers (metric series, drill-down rows, CSV): a 100k-row drill-down is megabytes
 * of text. Only when the client accepts gzip, only for bodies worth it, never twice. Pages are left to
 * SvelteKit (they stream) and static assets to adapter-node (precompressed at build).
 */
const COMPRESSIBLE = /^(application\/json|application\/vnd\.apache\.arrow\.stream|text\/csv)/u;
const MIN_BYTES = 1024;

export const compressHandle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!event.url.pathname.startsWith('/api/') || !response.body) return response;
	if (!/\bgzip\b/u.test(event.request.headers.get('accept-encoding') ?? '')) return response;
	if (response.headers.has('content-encoding') || !COMPRESSIBLE.test(response.headers.get('content-type') ?? '')) return response;
	const length = Number(response.headers.get('content-length') ?? Number.NaN);
	if (Number.isFinite(length) && length < MIN_BYTES) return response;
	const headers = new Headers(response.headers);
	headers.set('content-encoding', 'gzip');
	headers.delete('content-length');
	headers.append('vary', 'accept-encoding');
	return new Response(response.body.pipeThrough(new CompressionStream('gzip')), {
		status: response.status,
		statusText: response.statusText,
		headers
	});
};
