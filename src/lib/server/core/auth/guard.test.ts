import { describe, expect, it } from 'vitest';
import { ROLE_CAPABILITIES, ROLES, type AuthUser, type Role } from '$lib/shared/auth/roles';
import { parseByteSize, readAuthConfig } from '$lib/server/core/config';
import { authorize, landingPage, safeNext, type GuardRequest } from '$lib/server/core/auth/guard';
import { FailureLimiter } from '$lib/server/core/auth/ratelimit';
import { sessionCookieOptions } from '$lib/server/core/auth/sessions';

const user = (role: Role, stores: string[] | null = null, pii = false): AuthUser => ({
	id: 1,
	username: role,
	displayName: role,
	role,
	stores,
	pii
});
const req = (routeId: string | null, url = 'http://localhost/', method = 'GET', params: Record<string, string> = {}): GuardRequest => ({
	routeId,
	method,
	params,
	url: new URL(url),
	handoff: false
});

describe('the guard', () => {
	it('refuses a route that has no rule, to everyone, admin included', () => {
		for (const role of ROLES) {
			expect(authorize(req('/some/new/page'), user(role))).toMatchObject({ allow: false, status: 403, reason: 'unknown_route' });
		}
		expect(authorize(req('/some/new/page'), null)).toMatchObject({ allow: false, status: 403 });
	});

	it('asks for a sign-in where no route matched (404s are not shown to strangers)', () => {
		expect(authorize(req(null), null)).toMatchObject({ allow: false, status: 401 });
		expect(authorize(req(null), user('viewer'))).toMatchObject({ allow: true });
	});

	it('refuses a store outside the user’s scope, in the query or a [store] parameter', () => {
		const viewer = user('viewer', ['杭州湖滨店']);
		expect(authorize(req('/', 'http://localhost/?store=杭州湖滨店'), viewer).allow).toBe(true);
		expect(authorize(req('/', 'http://localhost/?store=杭州湖滨店&store=南京新街口店'), viewer)).toMatchObject({
			allow: false,
			status: 403,
			reason: 'store',
			store: '南京新街口店'
		});
		expect(
			authorize(req('/api/metrics/[metric]', 'http://localhost/api/metrics/x', 'GET', { store: '上海徐家汇店' }), viewer)
		).toMatchObject({ reason: 'store' });
		// null scope = every store
		expect(authorize(req('/', 'http://localhost/?store=南京新街口店'), user('leadership')).allow).toBe(true);
	});

	it('separates reading from writing where a rule says so', () => {
		expect(authorize(req('/targets'), user('viewer')).allow).toBe(true);
		expect(authorize(req('/targets', undefined, 'POST'), user('viewer'))).toMatchObject({ allow: false, reason: 'role' });
		expect(authorize(req('/targets', undefined, 'POST'), user('quality_officer')).allow).toBe(true);
	});

	it('lets handoff routes through only with the handoff secret, sessions do not count', () => {
		expect(authorize(req('/api/internal/cli', undefined, 'POST'), user('admin'))).toMatchObject({ allow: false, status: 401 });
		expect(authorize({ ...req('/api/internal/cli', undefined, 'POST'), handoff: true }, null).allow).toBe(true);
	});
});

describe('roles', () => {
	it('are a ladder: each role may do what the one before may', () => {
		for (let i = 1; i < ROLES.length; i++) {
			for (const c of ROLE_CAPABILITIES[ROLES[i - 1]!]) expect(ROLE_CAPABILITIES[ROLES[i]!].has(c), `${ROLES[i]} ${c}`).toBe(true);
		}
		expect([...ROLE_CAPABILITIES.viewer]).toEqual(['metrics']);
		expect(ROLE_CAPABILITIES.manager.has('rows')).toBe(true);
		expect(ROLE_CAPABILITIES.manager.has('ingest')).toBe(false);
		expect(ROLE_CAPABILITIES.quality_officer.has('export')).toBe(false);
		expect(ROLE_CAPABILITIES.leadership.has('admin')).toBe(false);
	});
});

describe('safeNext', () => {
	const origin = 'http://localhost:3000';
	it.each([
		['/admin/users?x=1', '/admin/users?x=1'],
		['/', '/'],
		['//evil.example/x', '/'],
		['/\\evil.example', '/'],
		['https://evil.example/', '/'],
		['javascript:alert(1)', '/'],
		['/login?next=/x', '/'],
		['/logout', '/'],
		[null, '/'],
		['/a\nb', '/'],
		// the URL parser folds dot segments: '/.//evil' becomes the protocol-relative '//evil'
		['/.//evil.example/login', '/'],
		['/%2e%2e//evil.example/login', '/'],
		['/%2E//evil.example', '/'],
		['/./\\evil.example', '/'],
		['/a/..//evil.example', '/'],
		['/complaints/../dashboard?x=1', '/dashboard?x=1']
	])('%s → %s', (next, expected) => {
		expect(safeNext(next, origin)).toBe(expected);
	});
});

describe('the landing page after signing in', () => {
	it('is 总览 for every role that reads metrics', () => {
		for (const role of ROLES.filter((r) => ROLE_CAPABILITIES[r].has('metrics'))) expect(landingPage(user(role))).toBe('/dashboard');
	});

	it('replaces no destination, the bare site root and every refused one; a page asked for is kept', () => {
		const origin = 'http://localhost:3000';
		for (const next of [null, '', '/', '//evil.example/x', '/login', 'https://evil.example/'])
			expect(safeNext(next, origin, '/dashboard')).toBe('/dashboard');
		expect(safeNext('/?store=x', origin, '/dashboard')).toBe('/?store=x');
		expect(safeNext('/quality/alerts', origin, '/dashboard')).toBe('/quality/alerts');
	});
});

describe('the sign-in limiter', () => {
	it('blocks the attempt after `max` failures inside the window, and says until when', () => {
		const l = new FailureLimiter(60_000);
		for (let i = 0; i < 5; i++) {
			expect(l.check('k', 5, 1000 + i).blocked).toBe(false);
			l.fail('k', 1000 + i);
		}
		expect(l.check('k', 5, 2000)).toEqual({ blocked: true, retryAtMs: 61_000 });
		expect(l.check('k', 5, 61_000).blocked).toBe(false);
		expect(l.check('other', 5, 2000).blocked).toBe(false);
	});

	it('takes back exactly one counted attempt', () => {
		const l = new FailureLimiter(60_000);
		for (let i = 0; i < 5; i++) l.fail('k', 1000);
		expect(l.check('k', 5, 1001).blocked).toBe(true);
		l.forgive('k', 1000);
		expect(l.check('k', 5, 1001).blocked).toBe(false);
		l.forgive('k', 999); // nothing counted then: no change
		expect(l.check('k', 4, 1001).blocked).toBe(true);
	});

	it('stays bounded however many keys it is fed', () => {
		const l = new FailureLimiter(60_000, 100);
		for (let i = 0; i < 1000; i++) l.fail(`k${i}`, 1000);
		expect((l as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThanOrEqual(101);
	});
});

describe('settings', () => {
	it('reads the window and the body limit from the environment', () => {
		expect(readAuthConfig({}).rateWindowMs).toBe(60_000);
		expect(readAuthConfig({}).bodyLimitBytes).toBe(50 * 1024 ** 2);
		expect(readAuthConfig({ AUTH_RATE_WINDOW_MS: '1500', BODY_SIZE_LIMIT: '1M' })).toMatchObject({
			rateWindowMs: 1500,
			bodyLimitBytes: 1024 ** 2
		});
		expect(parseByteSize('512K')).toBe(512 * 1024);
		expect(() => readAuthConfig({ AUTH_RATE_WINDOW_MS: '-1' })).toThrow();
	});

	it('marks the session cookie Secure exactly over https', () => {
		expect(sessionCookieOptions(new URL('https://q.example/'), 0)).toMatchObject({
			secure: true,
			httpOnly: true,
			sameSite: 'lax',
			path: '/'
		});
		expect(sessionCookieOptions(new URL('http://127.0.0.1/'), 0).secure).toBe(false);
	});
});
