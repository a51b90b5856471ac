import { roleCan, type AuthUser, type Capability } from '$lib/shared/auth/roles';

/**
 * The one place that decides who may use which route. `hooks.server.ts` asks it about every request
 * before any load, action or endpoint runs; routes never check roles themselves. A route that is not
 * in this table is refused to everyone (and logged): a new page must be given a rule to be reachable.
 * The table is keyed by SvelteKit route id (`event.route.id`), so `[param]` segments are matched by the
 * router, not by string patterns here.
 */
export type Access =
	/** anyone, signed in or not: the login page and logout */
	| { kind: 'public' }
	/** machine requests authenticated by the handoff secret (the CLI on this host), no session */
	| { kind: 'handoff' }
	/** any signed-in user */
	| { kind: 'signed-in' }
	/** a signed-in user whose role has the capability (and the pii permission when asked) */
	| { kind: 'capability'; capability: Capability; pii?: boolean };

type Rule = Access | { read: Access; write: Access };

const PUBLIC: Access = { kind: 'public' };
const HANDOFF: Access = { kind: 'handoff' };
const SIGNED_IN: Access = { kind: 'signed-in' };
const can = (capability: Capability, pii = false): Access => ({ kind: 'capability', capability, ...(pii ? { pii } : {}) });

export const ROUTE_RULES: Readonly<Record<string, Rule>> = {
	'/': can('metrics'),
	'/dashboard': can('metrics'),
	'/login': PUBLIC,
	'/logout': PUBLIC,
	'/healthz': PUBLIC,
	'/forbidden': SIGNED_IN,
	'/admin/users': can('admin'),
	'/admin/audit': can('admin'),
	'/admin/retention': can('admin'),
	'/admin/notifications': can('admin'),
	// managers and quality officers deliver reports to their own channels
	'/notifications': { read: can('subscribe'), write: can('subscribe') },
	'/api/internal/notify': HANDOFF,
	'/api/internal/cli': HANDOFF,
	'/api/internal/accounts': HANDOFF,
	// Routes the next issues will add, ruled now so they are guarded the day they appear. Rename here
	// if a route lands under another id (an unruled route is refused to everyone).
	'/api/ingest/[kind]': can('ingest'),
	'/api/ingest/[kind]/workbook': can('ingest'),
	'/api/ingest/[kind]/loaded': can('ingest'),
	'/upload': can('ingest'),
	'/batches': can('ingest'),
	'/batches/[id]': { read: can('ingest'), write: can('ingest') },
	'/targets': { read: can('metrics'), write: can('targets') },
	'/complaints': can('metrics'),
	'/satisfaction': can('metrics'),
	// 服务过程: managers and quality officers (and above); its agent table names people, as scorecards do
	'/service': can('scorecards'),
	'/staff': can('scorecards'),
	'/staff/[id]': can('scorecards'),
	// 绩效考核: every role sees the aggregates of their stores; individual scores need scorecards (the page
	// leaves them out), fairness checks and settings need evaluations (leadership), downloads need export.
	'/evaluations': can('metrics'),
	'/evaluations/report': can('scorecards'),
	'/evaluations/settings': { read: can('evaluations'), write: can('evaluations') },
	'/api/evaluations/export': can('export'),
	'/api/metrics': can('metrics'),
	'/api/metrics/[metric]': can('metrics'),
	'/api/rows/[kind]': can('rows'),
	'/api/export/[metric]': can('export'),
	// 质量监控: quality officers and managers read; changing baselines and alerts needs `targets`
	'/quality': { read: can('metrics'), write: can('targets') },
	'/quality/alerts': { read: can('metrics'), write: can('targets') },
	'/quality/alerts/[id]': { read: can('metrics'), write: can('targets') },
	'/quality/causes': can('metrics'),
	// 质检: individual inspections name staff (scorecards); adding a checklist needs `targets`
	'/inspections': { read: can('scorecards'), write: can('targets') },
	'/quality/report': can('metrics'),
	'/api/quality/report/pdf': can('metrics'),
	'/api/quality/report/xlsx': can('metrics')
};

export interface GuardRequest {
	/** SvelteKit's route id; null when no route matched (a 404 to be) */
	routeId: string | null;
	method: string;
	params: Partial<Record<string, string>>;
	url: URL;
	/** the request carries the handoff secret of this server */
	handoff: boolean;
}

export type Denial =
	| { status: 401; reason: 'signin' }
	| { status: 403; reason: 'role' | 'pii' | 'unknown_route' }
	| { status: 403; reason: 'store'; store: string };

export type Decision = { allow: true; access: Access } | ({ allow: false; access: Access | null } & Denial);

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function accessFor(routeId: string | null, method: string): Access | null {
	if (routeId === null) return SIGNED_IN;
	const rule = ROUTE_RULES[routeId];
	if (!rule) return null;
	if ('kind' in rule) return rule;
	return READ_METHODS.has(method.toUpperCase()) ? rule.read : rule.write;
}

/** Store names a request asks for: a `[store]` route parameter and every `store` search parameter. */
export function requestedStores(req: Pick<GuardRequest, 'params' | 'url'>): string[] {
	const out = req.url.searchParams.getAll('store').filter((s) => s !== '');
	const param = req.params.store;
	if (param) out.push(param);
	return out;
}

export function authorize(req: GuardRequest, user: AuthUser | null): Decision {
	const access = accessFor(req.routeId, req.method);
	if (access === null) return { allow: false, access, status: 403, reason: 'unknown_route' };
	switch (access.kind) {
		case 'public':
			return { allow: true, access };
		case 'handoff':
			return req.handoff ? { allow: true, access } : { allow: false, access, status: 401, reason: 'signin' };
		case 'signed-in':
			return user ? { allow: true, access } : { allow: false, access, status: 401, reason: 'signin' };
		case 'capability': {
			if (!user) return { allow: false, access, status: 401, reason: 'signin' };
			if (!roleCan(user.role, access.capability)) return { allow: false, access, status: 403, reason: 'role' };
			if (access.pii && !user.pii) return { allow: false, access, status: 403, reason: 'pii' };
			if (user.stores !== null) {
				const outside = requestedStores(req).find((s) => !user.stores!.includes(s));
				if (outside !== undefined) return { allow: false, access, status: 403, reason: 'store', store: outside };
			}
			return { allow: true, access };
		}
	}
}

/** Whether a user may open a page at all (for hiding links the server would refuse anyway). */
export const mayOpen = (routeId: string, user: AuthUser | null): boolean =>
	authorize({ routeId, method: 'GET', params: {}, url: new URL('http://localhost/'), handoff: false }, user).allow;

/** Where a user starts after signing in: 总览 for the roles that read metrics, else the first page they may open. */
export function landingPage(user: AuthUser): string {
	return ['/dashboard', '/upload', '/'].find((route) => mayOpen(route, user)) ?? '/forbidden';
}

/**
 * Where to go after signing in: only a path on this site (`/…`, not `//host` or `/\host`), never back
 * to the login or logout page. Anything else, and the bare site root (what a signed-out visit to the
 * address asks for), becomes the user's landing page.
 */
export function safeNext(next: string | null | undefined, origin: string, landing = '/'): string {
	if (!next || next === '/' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\p{Cc}]/u.test(next))
		return landing;
	let url: URL;
	try {
		url = new URL(next, origin);
	} catch {
		return landing;
	}
	if (url.origin !== origin || url.pathname === '/login' || url.pathname === '/logout') return landing;
	// The parser folds dot segments ('/.//x', '/%2e%2e//x' become '//x'): a path that then starts with two
	// slashes (or a backslash) would leave the site as a protocol-relative address in the Location header.
	if (/^\/[/\\]/u.test(url.pathname)) return landing;
	return `${url.pathname}${url.search}${url.hash}`;
}
