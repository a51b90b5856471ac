import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { get, login, postForm, sessionCookie, startServer, type RunningServer } from '../helpers/server';
import { toolCommand, type Tool } from '../helpers/cli';

/**
 * Sign-in limits, logout, cross-site refusals, the upload limit, security headers and the account CLI,
 * against the built server. The sign-in window is 6 s here (AUTH_RATE_WINDOW_MS) so nothing waits a minute;
 * the body limit is 1 MB (BODY_SIZE_LIMIT) so the test need not send 50.
 */
const WINDOW_MS = 6_000; // long enough for 20 failed sign-ins (each a password hash) on a busy 2-core machine

let server: RunningServer;

beforeAll(async () => {
	server = await startServer({
		env: { AUTH_RATE_WINDOW_MS: String(WINDOW_MS), BODY_SIZE_LIMIT: '1M' },
		prepare: async (db) => void (await ensureDemoUsers(db))
	});
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

/** The login form as SvelteKit's enhance posts it: the ActionResult comes back as JSON. */
async function attempt(username: string, password: string): Promise<{ status: number; message?: string; cookie: string | null }> {
	const res = await postForm(server, '/login', { username, password }, { accept: 'application/json' });
	const body = (await res.json()) as { type: string; status: number; data?: string };
	const data = body.data ? (JSON.parse(body.data) as unknown[]) : [];
	// devalue: [{username: 1, message: 2}, "name", "message"]
	const message = typeof data[2] === 'string' ? data[2] : undefined;
	return { status: body.type === 'redirect' ? 303 : body.status, message, cookie: sessionCookie(res) };
}

const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

const cli = (tool: Tool, args: string[], input?: string) => {
	const r = spawnSync(...toolCommand(tool, [...args, '--db', server.dbPath]), {
		encoding: 'utf8',
		input
	});
	return { code: r.status, out: r.stdout + r.stderr };
};

describe('sign-in limits', () => {
	it('refuses the 6th wrong password within the window with when to retry, then lets the right one in after it', async () => {
		// The window runs from when the server counted the first failure, which is some time before its answer
		// arrives (the first request to /login also loads the route's code): wait from that answer, not from
		// before the request, or a slow first request leaves the first failure inside the window.
		let firstCounted = 0;
		for (let i = 1; i <= 5; i++) {
			const r = await attempt('manager', `wrong-${i}`);
			expect(r, `attempt ${i}`).toMatchObject({ status: 401, message: '用户名或密码错误', cookie: null });
			if (i === 1) firstCounted = Date.now();
		}
		const sixth = await attempt('manager', 'wrong-6');
		expect(sixth.status).toBe(429);
		expect(sixth.message).toMatch(/^登录失败次数过多，请在 \d+ 秒后（\d{2}:\d{2}:\d{2} 之后）再试$/u);
		// locked: even the right password is refused until the window has passed
		expect(await attempt('manager', 'manager-demo-2025')).toMatchObject({ status: 429, cookie: null });
		// other accounts are not locked by it
		expect((await attempt('viewer', 'viewer-demo-2025')).status).toBe(303);

		await sleepUntil(firstCounted + WINDOW_MS + 300);
		const after = await attempt('manager', 'manager-demo-2025');
		expect(after.status).toBe(303);
		expect(after.cookie).toMatch(/^sqa_session=[A-Za-z0-9_-]{43}$/u);
	});

	it('limits one address across account names too (20 failures), and logs the lock-out once', async () => {
		await sleepUntil(Date.now() + WINDOW_MS + 100);
		for (let i = 0; i < 20; i++) expect((await attempt(`nobody${i}`, 'x')).status).toBe(401);
		expect((await attempt('leader', 'leader-demo-2025')).status).toBe(429);
		expect((await attempt('leader', 'leader-demo-2025')).status).toBe(429);
		await sleepUntil(Date.now() + WINDOW_MS + 100);
		expect((await attempt('leader', 'leader-demo-2025')).status).toBe(303);

		const admin = await login(server, 'admin', 'admin-demo-2025');
		const page = await (await get(server, '/admin/audit?action=login_throttled', admin)).text();
		// one for the manager's account, one for the address
		expect(page).toContain('共 2 条');
	}, 60_000);

	it('counts simultaneous attempts before checking any: a burst of 25 wrong passwords, then a burst ending with the right one', async () => {
		await sleepUntil(Date.now() + WINDOW_MS + 100);
		const burst = await Promise.all(Array.from({ length: 25 }, (_, i) => attempt('qc', `wrong-${i}`)));
		const statuses = burst.map((r) => r.status);
		expect(statuses.filter((s) => s === 401)).toHaveLength(5);
		expect(statuses.filter((s) => s === 429)).toHaveLength(20);
		await sleepUntil(Date.now() + WINDOW_MS + 100);
		const guesses = Array.from({ length: 29 }, (_, i) => `guess-${i}`).concat('qc-demo-2025');
		const second = await Promise.all(guesses.map((p) => attempt('qc', p)));
		expect(second.filter((r) => r.cookie !== null)).toHaveLength(0);
		expect(second.at(-1)!.status).toBe(429);
		await sleepUntil(Date.now() + WINDOW_MS + 100); // the account is free again for the next tests
	}, 60_000);
});

describe('sessions', () => {
	it('logout ends the session on the server: the old cookie no longer works', async () => {
		const cookie = await login(server, 'qc', 'qc-demo-2025');
		expect((await get(server, '/', cookie)).status).toBe(200);
		const out = await postForm(server, '/logout', {}, { cookie });
		expect(out.status).toBe(303);
		expect(out.headers.get('location')).toBe('/login');
		expect(out.headers.getSetCookie().join()).toMatch(/sqa_session=;.*Max-Age=0/u);
		// replaying the old token (as a thief would) is refused
		const replay = await get(server, '/', cookie);
		expect(replay.status).toBe(303);
		expect(replay.headers.get('location')).toBe('/login?next=%2F');
	});

	it('signing in over an open session ends the old session on the server', async () => {
		const first = await login(server, 'viewer', 'viewer-demo-2025');
		const res = await postForm(server, '/login', { username: 'qc', password: 'qc-demo-2025' }, { cookie: first });
		expect(res.status).toBe(303);
		const second = sessionCookie(res)!;
		expect(second).not.toBe(first);
		expect((await get(server, '/', first)).status).toBe(303);
		expect((await get(server, '/', second)).status).toBe(200);
	});

	it('sets the cookie httpOnly and SameSite=Lax, without Secure over plain http', async () => {
		const res = await postForm(server, '/login', { username: 'viewer', password: 'viewer-demo-2025' });
		const set = res.headers.getSetCookie().find((c) => c.startsWith('sqa_session='))!;
		expect(set).toMatch(/HttpOnly/u);
		expect(set).toMatch(/SameSite=Lax/u);
		expect(set).not.toMatch(/Secure/u);
	});

	it('sends the user back where they were going, but only within the site', async () => {
		const to = async (next: string) =>
			(await postForm(server, `/login?next=${encodeURIComponent(next)}`, { username: 'viewer', password: 'viewer-demo-2025' })).headers.get(
				'location'
			);
		expect(await to('/?store=杭州湖滨店')).toBe('/?store=%E6%9D%AD%E5%B7%9E%E6%B9%96%E6%BB%A8%E5%BA%97');
		// anything refused, and the bare site root, lands on the role's landing page (总览)
		expect(await to('//evil.example/')).toBe('/dashboard');
		expect(await to('https://evil.example/')).toBe('/dashboard');
		expect(await to('/')).toBe('/dashboard');
		// dot segments the parser folds into a protocol-relative address
		expect(await to('/.//evil.example/login')).toBe('/dashboard');
		expect(await to('/%2e%2e//evil.example/login')).toBe('/dashboard');
	});
});

describe('cross-site requests', () => {
	it('refuses state-changing requests whose Origin is not this site, JSON and forms alike', async () => {
		const admin = await login(server, 'admin', 'admin-demo-2025');
		const fields = { username: 'intruder', display_name: 'x', role: 'admin', scope: 'all', password: 'intruder-pass' };
		const evil = await postForm(server, '/admin/users?/create', fields, { cookie: admin, origin: 'http://evil.example' });
		expect(evil.status).toBe(403);
		const none = await postForm(server, '/admin/users?/create', fields, { cookie: admin, origin: null });
		expect(none.status).toBe(403);
		const json = await fetch(`${server.base}/admin/users?/create`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie: admin, origin: 'http://evil.example', 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify(fields)
		});
		expect(json.status).toBe(403);
		expect(await json.json()).toMatchObject({ type: 'error', error: { message: expect.stringContaining('跨站请求已被拒绝') } });
		const login403 = await postForm(
			server,
			'/login',
			{ username: 'admin', password: 'admin-demo-2025' },
			{ origin: 'http://evil.example' }
		);
		expect(login403.status).toBe(403);
		expect(sessionCookie(login403)).toBeNull();

		// nothing was created; the same request from the site itself works
		expect((await attempt('intruder', 'intruder-pass')).status).toBe(401);
		const own = await postForm(server, '/admin/users?/create', fields, { cookie: admin });
		expect(own.status).toBe(200);
		expect((await attempt('intruder', 'intruder-pass')).status).toBe(303);
	});
});

describe('request limits and headers', () => {
	it('answers a body over BODY_SIZE_LIMIT with 413 and a clear message, before reading it', async () => {
		const admin = await login(server, 'admin', 'admin-demo-2025');
		const big = new Uint8Array(1024 * 1024 + 10);
		const res = await fetch(`${server.base}/admin/users?/create`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie: admin, origin: server.base, 'content-type': 'application/octet-stream', accept: 'application/json' },
			body: big
		});
		expect(res.status).toBe(413);
		expect(await res.json()).toMatchObject({
			type: 'error',
			error: { message: '上传内容过大（1 MB），上限为 1 MB。请把文件拆分后分批导入' }
		});
		const api = await fetch(`${server.base}/api/internal/cli`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: big
		});
		expect(api.status).toBe(413);
		expect(((await api.json()) as { message: string }).message).toContain('上限为 1 MB');
	});

	it('sends CSP, nosniff, no framing and a same-origin referrer policy', async () => {
		const page = await get(server, '/login');
		const csp = page.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("img-src 'self' data:");
		expect(csp).toContain("style-src 'self' 'unsafe-inline'");
		expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/u);
		expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/u);
		expect(page.headers.get('x-content-type-options')).toBe('nosniff');
		expect(page.headers.get('referrer-policy')).toBe('same-origin');
		const api = await fetch(`${server.base}/api/internal/cli`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}'
		});
		expect(api.status).toBe(401);
		expect(api.headers.get('x-content-type-options')).toBe('nosniff');
		expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
	});
});

describe('the account CLI while the server holds the database', () => {
	it('adds, disables and lists users through the server, and verifies the audit chain', async () => {
		const add = cli(
			'user',
			['add', 'zhou', '--role', 'manager', '--name', '周经理', '--stores', '上海徐家汇店', '--password-stdin'],
			'zhou-password-1\n'
		);
		expect(add.out).toContain('已创建用户 zhou（周经理，门店/客服经理）');
		expect(add.code).toBe(0);
		const cookie = await login(server, 'zhou', 'zhou-password-1');
		expect((await get(server, '/?store=上海徐家汇店', cookie)).status).toBe(200);
		expect((await get(server, '/?store=杭州湖滨店', cookie)).status).toBe(403);

		expect(cli('user', ['add', 'zhou', '--role', 'viewer', '--password-stdin'], 'another-pass\n')).toMatchObject({ code: 1 });
		expect(cli('user', ['add', 'short', '--role', 'viewer', '--password-stdin'], 'short\n')).toMatchObject({ code: 2 });

		const disable = cli('user', ['disable', 'zhou']);
		expect(disable.code).toBe(0);
		// the open session ends at once
		expect((await get(server, '/', cookie)).status).toBe(303);

		const list = cli('user', ['list', '--json']);
		const users = JSON.parse(list.out) as { username: string; disabled: boolean; role: string }[];
		expect(users.find((u) => u.username === 'zhou')).toMatchObject({ disabled: true, role: 'manager' });
		expect(JSON.stringify(users)).not.toContain('argon2');

		const verify = cli('audit', ['verify']);
		expect(verify.out).toMatch(/审计日志完整：共 \d+ 条/u);
		expect(verify.code).toBe(0);
		const admin = await login(server, 'admin', 'admin-demo-2025');
		const audit = await (
			await get(server, '/admin/audit?actor=' + encodeURIComponent(`cli:${(await import('node:os')).userInfo().username}`), admin)
		).text();
		expect(audit).toContain('共 2 条'); // user_created + user_disabled
	}, 60_000);
});

describe('GET /healthz', () => {
	it('answers 200 with the schema version for anyone, and no more', async () => {
		const res = await fetch(`${server.base}/healthz`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { status: string; schema: { applied: number; expected: number } };
		expect(body.status).toBe('ok');
		expect(body.schema.applied).toBe(body.schema.expected);
		expect(Object.keys(body).sort()).toEqual(['database', 'schema', 'status']);
	});
});
