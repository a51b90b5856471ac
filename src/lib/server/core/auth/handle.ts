import { json, type Handle, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { extractLocaleFromRequest } from '$lib/paraglide/runtime.js';
import { getDatabase } from '$lib/server/core/db/process';
import { isHandoffToken } from '$lib/server/core/db/handoff-server';
import type { AuthUser } from '$lib/shared/auth/roles';
import { log } from '$lib/server/core/log';
import { config } from '$lib/server/core/config';
import { accessFor, authorize, type Decision } from './guard';
import { resolveSession, SESSION_COOKIE } from './sessions';

/**
 * Every request passes here before any load, action or endpoint runs:
 *   1. bodies over the upload limit are refused (413) before they are read;
 *   2. state-changing requests must come from this site's own pages (Origin check; SvelteKit's own
 *      check covers only form posts, this one covers JSON and everything else too);
 *   3. the session cookie is resolved into `locals.user` (a whitelist of fields);
 *   4. the guard decides; pages answer 303 → /login or a 403 page, APIs 401/403 JSON.
 * Security headers are added to whatever goes out.
 */
type Locale = 'zh-CN' | 'en';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const localeOf = (request: Request): Locale => (extractLocaleFromRequest(request) === 'en' ? 'en' : 'zh-CN');

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;

/** A page's form action posted by `use:enhance` expects an ActionResult in JSON. */
const isActionJson = (event: RequestEvent) =>
	event.request.method === 'POST' && (event.request.headers.get('accept') ?? '').includes('application/json') && !isApi(event);

const isApi = (event: RequestEvent) => event.url.pathname.startsWith('/api/');

function plain(status: number, message: string, event: RequestEvent): Response {
	if (isApi(event) || event.isDataRequest) return json({ message }, { status });
	if (isActionJson(event)) return json({ type: 'error', error: { message } }, { status });
	return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function denialMessage(decision: Extract<Decision, { allow: false }>, user: AuthUser | null): string {
	switch (decision.reason) {
		case 'signin':
			return m.auth_signin_required();
		case 'store':
			return m.auth_denied_store({ store: decision.store });
		case 'pii':
			return m.auth_denied_pii();
		case 'unknown_route':
			return m.auth_denied_unknown_route();
		case 'role':
			return m.auth_denied_role({ role: user ? m[`auth_role_${user.role}`]() : '' });
	}
}

async function deny(
	event: RequestEvent,
	decision: Extract<Decision, { allow: false }>,
	locale: Locale,
	clearCookie: boolean
): Promise<Response> {
	const user = event.locals.user;
	const message = denialMessage(decision, user);
	if (decision.reason === 'unknown_route')
		log('auth').error({ route: event.route.id }, 'route has no rule in src/lib/server/core/auth/guard.ts: refused');
	if (decision.status === 401) {
		if (isApi(event)) return json({ message }, { status: 401 });
		const location = `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`;
		const response = isActionJson(event)
			? json({ type: 'redirect', status: 303, location })
			: new Response(null, { status: 303, headers: { location } }); // data requests: SvelteKit turns this into its JSON redirect
		if (clearCookie) response.headers.append('set-cookie', event.cookies.serialize(SESSION_COOKIE, '', { path: '/', maxAge: 0 }));
		return response;
	}
	if (event.request.method !== 'GET' || isApi(event) || event.isDataRequest) return plain(403, message, event);
	// A page: render the explanation page (with the header, so the user can switch accounts) as this URL's 403.
	const query = new URLSearchParams({ reason: decision.reason, path: event.url.pathname });
	if (decision.reason === 'store') query.set('store', decision.store);
	const inner = await event.fetch(`/forbidden?${query}`, { headers: { accept: 'text/html' } });
	return new Response(inner.body, { status: 403, headers: new Headers(inner.headers) });
}

/** nosniff, no framing, same-origin referrers; no caching of anything a signed-in user is shown. */
function secure(response: Response, signedIn: boolean): Response {
	let out = response;
	try {
		out.headers.set('x-content-type-options', 'nosniff');
	} catch {
		out = new Response(response.body, response); // headers of a fetched response are immutable
		out.headers.set('x-content-type-options', 'nosniff');
	}
	const h = out.headers;
	h.set('referrer-policy', 'same-origin');
	h.set('x-frame-options', 'DENY');
	if (!h.has('content-security-policy')) {
		// Pages get kit.csp (svelte.config.js); JSON, text and SvelteKit's bare error pages get this.
		h.set(
			'content-security-policy',
			(h.get('content-type') ?? '').startsWith('text/html') ? "frame-ancestors 'none'" : "default-src 'none'; frame-ancestors 'none'"
		);
	}
	if (signedIn && !h.has('cache-control')) h.set('cache-control', 'private, no-store');
	return out;
}

export const authHandle: Handle = async ({ event, resolve }) => {
	const locale = localeOf(event.request);
	const method = event.request.method.toUpperCase();
	const access = accessFor(event.route.id, method);
	event.locals.user = null;

	const length = Number(event.request.headers.get('content-length') ?? '0');
	if (length > config().auth.bodyLimitBytes) {
		const message = m.auth_too_large({ size: megabytes(length), limit: megabytes(config().auth.bodyLimitBytes) });
		// APIs answer a JSON error with the limit, so the upload page can say it
		if (isApi(event))
			return secure(
				json({ message, error: { code: 'too_large', message, limit_bytes: config().auth.bodyLimitBytes } }, { status: 413 }),
				false
			);
		return secure(plain(413, message, event), false);
	}

	// The CLI's machine requests carry their own secret and no Origin; everything else that writes must be same-site.
	if (STATE_CHANGING.has(method) && access?.kind !== 'handoff' && event.request.headers.get('origin') !== event.url.origin) {
		return secure(plain(403, m.auth_cross_site(), event), false);
	}

	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const db = await getDatabase();
		const session = await db.withConnection((c) => resolveSession(c, token, config().auth), { lookup: true });
		event.locals.user = session?.user ?? null;
	}
	const stale = token !== undefined && event.locals.user === null;
	if (stale) event.cookies.delete(SESSION_COOKIE, { path: '/' });

	const handoff = access?.kind === 'handoff' && isHandoffToken(event.request.headers.get('authorization'));
	const decision = authorize({ routeId: event.route.id, method, params: event.params, url: event.url, handoff }, event.locals.user);
	if (!decision.allow) return secure(await deny(event, decision, locale, stale), event.locals.user !== null);

	return secure(await resolve(event), event.locals.user !== null || event.route.id === '/login');
};
