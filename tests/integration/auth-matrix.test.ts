import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ROLES, type Role } from '../../src/lib/auth/roles';
import { ensureDemoUsers } from '../../src/lib/server/auth/demo';
import { demoAccount } from '../../src/lib/server/auth/demo-accounts';
import { get, login, postForm, startServer, type RunningServer } from '../helpers/server';

/**
 * Who may use which route, asked of the built server for every role and for a stranger. The routes
 * come from the route tree itself (every +page.svelte and +server.ts under src/routes), so a new route
 * fails this test until it is given an expectation here — and a rule in the guard.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** who may: listed roles; 'signed-in' = every role; 'public' = anyone; 'handoff' = only the CLI's secret */
type Allowed = readonly Role[] | 'signed-in' | 'public' | 'handoff';

const ALL: readonly Role[] = ROLES;
const INGEST: readonly Role[] = ['quality_officer', 'leadership', 'admin'];
const EXPECTED: Record<string, Partial<Record<Method, Allowed>>> = {
	'/': { GET: ALL },
	'/dashboard': { GET: ALL },
	'/complaints': { GET: ALL },
	'/satisfaction': { GET: ALL },
	'/targets': { GET: ALL, POST: ['quality_officer', 'leadership', 'admin'] },
	'/login': { GET: 'public', POST: 'public' },
	'/logout': { GET: 'public', POST: 'public' },
	'/healthz': { GET: 'public' },
	'/forbidden': { GET: 'signed-in' },
	'/admin/users': { GET: ['admin'], POST: ['admin'] },
	'/admin/audit': { GET: ['admin'], POST: ['admin'] },
	'/admin/retention': { GET: ['admin'], POST: ['admin'] },
	'/api/internal/cli': { POST: 'handoff' },
	'/api/internal/accounts': { POST: 'handoff' },
	'/api/metrics': { GET: ALL },
	'/upload': { GET: INGEST, POST: INGEST },
	'/batches': { GET: INGEST },
	'/batches/[id]': { GET: INGEST, POST: INGEST },
	'/api/ingest/[kind]': { GET: INGEST, POST: INGEST },
	'/api/metrics/[metric]': { GET: ALL },
	'/api/rows/[kind]': { GET: ['manager', 'quality_officer', 'leadership', 'admin'] },
	'/evaluations': { GET: ALL },
	'/evaluations/report': { GET: ['manager', 'quality_officer', 'leadership', 'admin'] },
	'/evaluations/settings': { GET: ['leadership', 'admin'], POST: ['leadership', 'admin'] },
	'/staff/[id]': { GET: ['manager', 'quality_officer', 'leadership', 'admin'] },
	'/api/evaluations/export': { GET: ['leadership', 'admin'] },
	'/quality': { GET: ALL, POST: ['quality_officer', 'leadership', 'admin'] },
	'/quality/alerts': { GET: ALL, POST: ['quality_officer', 'leadership', 'admin'] },
	'/quality/alerts/[id]': { GET: ALL, POST: ['quality_officer', 'leadership', 'admin'] },
	'/quality/causes': { GET: ALL },
	'/quality/report': { GET: ALL },
	'/api/quality/report/pdf': { GET: ALL },
	'/api/quality/report/xlsx': { GET: ALL }
};

interface Route {
	id: string;
	kind: 'page' | 'endpoint';
	methods: Method[];
}

/** Every route of the app, read from src/routes the way SvelteKit reads it. */
function discoverRoutes(): Route[] {
	const base = join(process.cwd(), 'src/routes');
	const out: Route[] = [];
	const walk = (dir: string) => {
		const id = `/${relative(base, dir).split(sep).filter(Boolean).join('/')}`;
		const files = readdirSync(dir, { withFileTypes: true });
		if (files.some((f) => f.name === '+page.svelte')) {
			const server = join(dir, '+page.server.ts');
			const hasActions = existsSync(server) && /export const actions\b/u.test(readFileSync(server, 'utf8'));
			out.push({ id, kind: 'page', methods: hasActions ? ['GET', 'POST'] : ['GET'] });
		}
		if (files.some((f) => f.name === '+server.ts')) {
			const src = readFileSync(join(dir, '+server.ts'), 'utf8');
			const methods = [...src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/gu)].map((m) => m[1] as Method);
			out.push({ id, kind: 'endpoint', methods });
		}
		for (const f of files) if (f.isDirectory()) walk(join(dir, f.name));
	};
	walk(base);
	return out;
}

/** A URL for a route id: groups dropped, parameters filled with plausible values. */
const STORE = { inScope: '杭州湖滨店', outOfScope: '南京新街口店' };
function urlOf(id: string): string {
	const path = id
		.split('/')
		.filter((s) => s !== '' && !/^\(.+\)$/u.test(s))
		.map((s) => s.replace(/^\[\[?(?:\.\.\.)?([^\]]+)\]\]?$/u, (_, name: string) => (name === 'store' ? STORE.inScope : name === 'kind' ? 'complaints' : '1')))
		.join('/');
	return `/${path}`;
}

type Outcome = 'allowed' | 'signin' | 'forbidden';

async function outcomeOf(res: Response): Promise<Outcome> {
	if (res.status === 401) return 'signin';
	if (res.status === 403) return 'forbidden';
	const location = res.headers.get('location') ?? '';
	if (res.status >= 300 && res.status < 400 && location.startsWith('/login?next=')) return 'signin';
	if ((res.headers.get('content-type') ?? '').includes('application/json')) {
		const body = (await res.clone().json().catch(() => null)) as { type?: string; location?: string } | null;
		if (body?.type === 'redirect' && body.location?.startsWith('/login?next=')) return 'signin';
	}
	return 'allowed';
}

function expected(allowed: Allowed, who: Role | null, withHandoff = false): Outcome {
	if (allowed === 'public') return 'allowed';
	if (allowed === 'handoff') return withHandoff ? 'allowed' : 'signin';
	if (who === null) return 'signin';
	if (allowed === 'signed-in') return 'allowed';
	return allowed.includes(who) ? 'allowed' : 'forbidden';
}

const routes = discoverRoutes();

describe('role × route matrix', () => {
	let server: RunningServer;
	const cookies = {} as Record<Role, string>;

	beforeAll(async () => {
		server = await startServer({ prepare: async (db) => void (await ensureDemoUsers(db)) });
		for (const role of ROLES) cookies[role] = await login(server, demoAccount(role).username, demoAccount(role).password);
	}, 180_000);

	afterAll(async () => {
		await server?.stop();
	});

	it('finds the routes and has an expectation for every one of them (a new route must be added here)', () => {
		expect(routes.length).toBeGreaterThanOrEqual(8);
		const missing = routes.flatMap((r) => r.methods.filter((m) => !EXPECTED[r.id]?.[m]).map((m) => `${m} ${r.id}`));
		expect(missing, 'routes without an expected access (add them to EXPECTED, and a rule to src/lib/server/auth/guard.ts)').toEqual([]);
		// and no endpoint lives outside /api/, where failures answer JSON rather than pages (but the health check, where monitors look)
		expect(routes.filter((r) => r.kind === 'endpoint' && !r.id.startsWith('/api/') && r.id !== '/healthz').map((r) => r.id)).toEqual([]);
	});

	const send = (route: Route, method: Method, cookie?: string, extra: Record<string, string> = {}) => {
		const url = urlOf(route.id);
		if (method === 'GET') return get(server, url, cookie);
		if (route.kind === 'page') return postForm(server, url, { probe: '1' }, { cookie });
		return fetch(`${server.base}${url}`, {
			method, redirect: 'manual',
			headers: { 'content-type': 'application/json', origin: server.base, ...(cookie ? { cookie } : {}), ...extra },
			body: '{}'
		});
	};

	for (const route of routes) {
		for (const method of route.methods) {
			it(`${method} ${route.id}`, async () => {
				const allowed = EXPECTED[route.id]?.[method];
				expect(allowed, `no expectation for ${method} ${route.id}`).toBeDefined();
				const got: Record<string, Outcome> = {};
				const want: Record<string, Outcome> = {};
				got.stranger = await outcomeOf(await send(route, method));
				want.stranger = expected(allowed!, null);
				for (const role of ROLES) {
					// Signing out ends the session: use a throwaway one.
					const cookie = route.id === '/logout' && method === 'POST' ? await login(server, demoAccount(role).username, demoAccount(role).password) : cookies[role];
					got[role] = await outcomeOf(await send(route, method, cookie));
					want[role] = expected(allowed!, role);
				}
				if (allowed === 'handoff') {
					const { token } = JSON.parse(readFileSync(`${server.dbPath}.server.json`, 'utf8')) as { token: string };
					got['with the handoff secret'] = await outcomeOf(await send(route, method, undefined, { authorization: `Bearer ${token}` }));
					want['with the handoff secret'] = 'allowed';
				}
				expect(got).toEqual(want);
			});

			if (route.kind === 'page' && method === 'GET') {
				it(`GET ${route.id} page data (client-side navigation) is guarded alike`, async () => {
					const allowed = EXPECTED[route.id]!.GET!;
					const data = `${urlOf(route.id).replace(/\/$/u, '')}/__data.json`;
					const got: Record<string, Outcome> = { stranger: await outcomeOf(await get(server, data, undefined, '*/*')) };
					const want: Record<string, Outcome> = { stranger: expected(allowed, null) };
					for (const role of ROLES) {
						got[role] = await outcomeOf(await get(server, data, cookies[role], '*/*'));
						want[role] = expected(allowed, role);
					}
					expect(got).toEqual(want);
				});
			}
		}
	}

	it('limits store-scoped users to their stores on every page that shows data', async () => {
		const scoped = routes.filter((r) => r.kind === 'page' && Array.isArray(EXPECTED[r.id]?.GET));
		expect(scoped.length).toBeGreaterThan(0);
		for (const route of scoped) {
			const allowed = EXPECTED[route.id]!.GET as readonly Role[];
			const url = (store: string) => `${urlOf(route.id)}?store=${encodeURIComponent(store)}`;
			// viewer: 杭州湖滨店 only; manager: 南京新街口店 only; leadership: every store
			if (allowed.includes('viewer')) {
				expect(await outcomeOf(await get(server, url(STORE.inScope), cookies.viewer)), `viewer ${route.id} own store`).toBe('allowed');
				expect(await outcomeOf(await get(server, url(STORE.outOfScope), cookies.viewer)), `viewer ${route.id} other store`).toBe('forbidden');
			}
			if (allowed.includes('manager')) {
				expect(await outcomeOf(await get(server, url(STORE.outOfScope), cookies.manager)), `manager ${route.id} own store`).toBe('allowed');
				expect(await outcomeOf(await get(server, url(STORE.inScope), cookies.manager)), `manager ${route.id} other store`).toBe('forbidden');
			}
			if (allowed.includes('leadership')) {
				for (const store of [STORE.inScope, STORE.outOfScope]) expect(await outcomeOf(await get(server, url(store), cookies.leadership)), `leadership ${route.id}`).toBe('allowed');
			}
		}
	});

	it('sends strangers to the login page with the way back, and shows signed-in users a 404 for unknown addresses', async () => {
		const stranger = await get(server, '/no/such/page?x=1');
		expect(stranger.status).toBe(303);
		expect(stranger.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/no/such/page?x=1')}`);
		expect((await get(server, '/no/such/page', cookies.viewer)).status).toBe(404);
	});

	it('hides the links a role cannot use', async () => {
		const nav = async (role: Role) => {
			const html = await (await get(server, '/', cookies[role])).text();
			return [...html.matchAll(/<nav[^>]*>(.*?)<\/nav>/gsu)].flatMap((m) => [...m[1]!.matchAll(/href="([^"]+)"/gu)].map((h) => h[1]));
		};
		const dashboards = ['/', '/dashboard', '/complaints', '/satisfaction', '/quality', '/evaluations', '/targets'];
		expect(await nav('viewer')).toEqual(dashboards);
		expect(await nav('quality_officer')).toEqual([...dashboards, '/upload', '/batches']);
		expect(await nav('leadership')).toEqual([...dashboards, '/upload', '/batches']);
		expect(await nav('admin')).toEqual([...dashboards, '/upload', '/batches', '/admin/users', '/admin/audit', '/admin/retention']);
	});
});
