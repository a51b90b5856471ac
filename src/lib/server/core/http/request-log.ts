import type { Handle, HandleServerError } from '@sveltejs/kit';
import { log } from '$lib/server/core/log';

/**
 * One log line per request: method, the route id (`/api/rows/[kind]`, never the raw URL — its path
 * and query may carry a customer's name or phone), status, duration, and the user's id and role
 * (not the username). Outermost in the hook sequence, so the status is the one sent.
 */
export const requestLogHandle: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	let status = 500;
	try {
		const response = await resolve(event);
		status = response.status;
		return response;
	} finally {
		const user = event.locals.user;
		log('http').info(
			{
				method: event.request.method,
				route: event.route.id,
				data: event.isDataRequest || undefined,
				status,
				ms: Math.round((performance.now() - started) * 10) / 10,
				user_id: user?.id ?? null,
				role: user?.role ?? null
			},
			'request'
		);
	}
};

/**
 * Unexpected errors in loads, actions and endpoints: logged with their stack and the route, not the URL.
 * A 404 is no error of ours (its request line says it), and SvelteKit's message for it quotes the path.
 */
export const logServerError: HandleServerError = ({ error, event, status }) => {
	if (status < 500) return;
	log('http').error(
		{ err: error, method: event.request.method, route: event.route.id, status, user_id: event.locals.user?.id ?? null },
		'unhandled error'
	);
};
