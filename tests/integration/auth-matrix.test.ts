import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ROLES, type Role } from '../../src/lib/shared/auth/roles';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
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
	'/service': { GET: ['manager', 'quality_officer', 'leadership', 'admin'] },
	'/targets': { GET: ALL, POST: ['quality_officer', 'leadership', 'admin'] },
	'/login': { GET: 'public', POST: 'public' },
	'/logout': { GET: 'public', POST: 'public' },
	'/healthz': { GET: 'public' },
	'/forbidden': { GET: 'signed-in' },
	'/admin/users': { GET: ['admin'], POST: ['admin'] },
	'/admin/audit': { GET: ['admin'], POST: ['admin'] },
	'/admin/retention': { GET: ['admin'], POST: ['admin'] },
	'/admin/notifications': { GET: ['admin'], POST: ['admin'] },
	'/notifications': {
		GET: ['manager', 'quality_officer', 'leadership', 'admin'],
		POST: ['manager', 'quality_officer', 'leadership', 'admin']
	},
	'/api/internal/notify': { POST: 'handoff' },
	'/api/internal/cli': { POST: 'handoff' },
	'/api/internal/accounts': { POST: 'handoff' },
	'/api/metrics': { GET: ALL },
	'/upload': { GET: INGEST, POST: INGEST },
	'/batches': { GET: INGEST },
	'/batches/[id]': { GET: INGEST, POST: INGEST },
	'/api/ingest/[kind]': { GET: INGEST, POST: INGEST },
	'/api/ingest/[kind]/workbook': { POST: INGEST },
	'/api/ingest/[kind]/loaded': { GET: INGEST },
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
	'/inspections': { GET: ['manager', 'quality_officer', 'leadership', 'admin'], POST: ['quality_officer', 'leadership', 'admin'] },
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
			const methods = [...src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/gu)].map(
				(m) => m[1] as Method
			);
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
		.map((s) =>
			s.replace(/^\[\[?(?:\.\.\.)?([^\]]+)\]\]?$/u, (_, name: string) =>
				name === 'store' ? STORE.inScope : name === 'kind' ? 'complaints' : '1'
			)
		)
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
		const body = (await res
			.clone()
			.json()
			.catch(() => null)) as { type?: string; location?: string } | null;
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
		server = await startServer({
			prepare: async (db) => void (await ensureDemoUsers(db)),
			// Who may ask is decided before a route runs; a PDF route a role may use answers 503 here (no browser) instead of
			// printing a report for each role (~5 s of a browser each). The browser tests print them (quality, evaluations).
			env: { CHROMIUM_PATH: '/nonexistent/chromium' }
		});
		for (const role of ROLES) cookies[role] = await login(server, demoAccount(role).username, demoAccount(role).password);
	}, 180_000);

	afterAll(async () => {
		await server?.stop();
	});

	it('finds the routes and has an expectation for every one of them (a new route must be added here)', () => {
		expect(routes.length).toBeGreaterThanOrEqual(8);
		const missing = routes.flatMap((r) => r.methods.filter((m) => !EXPECTED[r.id]?.[m]).map((m) => `${m} ${r.id}`));
		expect(missing, 'routes without an expected access (add them to EXPECTED, and a rule to src/lib/server/core/auth/guard.ts)').toEqual(
			[]
		);
		// and no endpoint lives outside /api/, where failures answer JSON rather than pages (but the health check, where monitors look)
		expect(routes.filter((r) => r.kind === 'endpoint' && !r.id.startsWith('/api/') && r.id !== '/healthz').map((r) => r.id)).toEqual([]);
	});

	const send = (route: Route, method: Method, cookie?: string, extra: Record<string, string> = {}) => {
		const url = urlOf(route.id);
		if (method === 'GET') return get(server, url, cookie);
		if (route.kind === 'page') return postForm(server, url, { probe: '1' }, { cookie });
		return fetch(`${server.base}${url}`, {
			method,
			redirect: 'manual',
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
					const cookie =
						route.id === '/logout' && method === 'POST'
							? await login(server, demoAccount(role).username, demoAccount(role).password)
							: cookies[role];
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
				expect(await outcomeOf(await get(server, url(STORE.outOfScope), cookies.viewer)), `viewer ${route.id} other store`).toBe(
					'forbidden'
				);
			}
			if (allowed.includes('manager')) {
				expect(await outcomeOf(await get(server, url(STORE.outOfScope), cookies.manager)), `manager ${route.id} own store`).toBe('allowed');
				expect(await outcomeOf(await get(server, url(STORE.inScope), cookies.manager)), `manager ${route.id} other store`).toBe(
					'forbidden'
				);
			}
			if (allowed.includes('leadership')) {
				for (const store of [STORE.inScope, STORE.outOfScope])
					expect(await outcomeOf(await get(server, url(store), cookies.leadership)), `leadership ${route.id}`).toBe('allowed');
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
		// 数据状态 ('/') sits beside 导入记录 ('/batches'), after the pages that read metrics
		const all = ['/dashboard', '/complaints', '/satisfaction', '/service', '/quality', '/inspections', '/evaluations', '/targets'];
		// 服务过程 names agents and 质检 names staff: neither is for viewers
		expect(await nav('viewer')).toEqual([...all.filter((d) => d !== '/service' && d !== '/inspections'), '/']);
		expect(await nav('manager')).toEqual([...all, '/', '/notifications']);
		expect(await nav('quality_officer')).toEqual([...all, '/upload', '/', '/batches', '/notifications']);
		expect(await nav('leadership')).toEqual([...all, '/upload', '/', '/batches', '/notifications']);
		expect(await nav('admin')).toEqual([
			...all,
			'/upload',
			'/',
			'/batches',
			'/notifications',
			'/admin/users',
			'/admin/audit',
			'/admin/retention',
			'/admin/notifications'
		]);
	});
});

/**
 * Route × role × store scope for writes: a quality officer limited to 深圳福田店 tries every write that
 * could reach another store (or the whole chain) and is refused with a message, the database unchanged;
 * the same actions inside the scope go through. The database is read through a backup taken by the
 * machine operator's handoff (the server holds the file).
 */
describe('store scope × writes', () => {
	let server: RunningServer;
	const SZ = '深圳福田店';
	const NJ = '南京新街口店';
	const H = '投诉编号,投诉时间,门店,投诉渠道,投诉人,联系电话,内容摘要';
	const csv = (...rows: string[]) => `${[H, ...rows].join('\n')}\n`;
	const cookie = {} as Record<'scoped' | 'scopedLeader' | 'leader' | 'manager' | 'viewer', string>;
	const ids = {} as Record<'nj' | 'mixed' | 'sz', number>;
	let snap = 0;

	const upload = async (who: string, body: string, name: string, fields: Record<string, string> = {}) => {
		const form = new FormData();
		form.append('file', new Blob([body]), name);
		for (const [k, v] of Object.entries(fields)) form.append(k, v);
		const res = await fetch(`${server.base}/api/ingest/complaints`, {
			method: 'POST',
			body: form,
			headers: { origin: server.base, cookie: who }
		});
		return {
			status: res.status,
			body: (await res.json()) as { batch_id: number | null; status: string; message?: string; errors?: { reason: string }[] }
		};
	};

	/** Complaints, batches and settings as the database holds them now (via a backup, as the operator). */
	const state = async (): Promise<string> => {
		const { token } = JSON.parse(readFileSync(`${server.dbPath}.server.json`, 'utf8')) as { token: string };
		const dir = join(server.dir, `snap-${++snap}`);
		const res = await fetch(`${server.base}/api/internal/cli`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ command: 'backup', dir, as: 'test', locale: 'en' })
		});
		expect(res.status).toBe(200);
		const { DuckDBInstance } = await import('@duckdb/node-api');
		const conn = await (await DuckDBInstance.create(':memory:')).connect();
		const read = async (sql: string) => JSON.stringify((await conn.runAndReadAll(sql)).getRowObjectsJson());
		const p = (t: string) => `'${join(dir, `${t}.parquet`)}'`;
		const out = [
			await read(`SELECT complaint_id, store, summary, batch_id FROM read_parquet(${p('complaints')}) ORDER BY ALL`),
			await read(`SELECT batch_id, status FROM read_parquet(${p('batches')}) WHERE status <> 'rejected' ORDER BY ALL`),
			await read(`SELECT name, value FROM read_parquet(${p('app_settings')}) ORDER BY ALL`),
			await read(`SELECT * EXCLUDE (updated_at) FROM read_parquet(${p('eval_weights')}) ORDER BY ALL`),
			await read(`SELECT name, value FROM read_parquet(${p('eval_settings')}) ORDER BY ALL`)
		].join('\n');
		conn.closeSync();
		return out;
	};

	beforeAll(async () => {
		const { createUser } = await import('../../src/lib/server/core/auth/users');
		const { hashPassword } = await import('../../src/lib/server/core/auth/password');
		server = await startServer({
			prepare: async (db) => {
				await ensureDemoUsers(db);
				const hash = await hashPassword('scoped-officer-2025');
				await db.withConnection((c) =>
					createUser(
						c,
						{ username: 'qc_sz', displayName: '深圳质检', role: 'quality_officer', stores: [SZ], pii: false, passwordHash: hash },
						{ name: 'test' }
					)
				);
				// Leadership is always of every store (users.ts); a director's row with one store (written by hand, or
				// before that rule) must still set nothing that applies to every store: the settings check the scope itself.
				await db.withConnection(async (c) => {
					await createUser(
						c,
						{ username: 'lead_sz', displayName: '深圳店长', role: 'quality_officer', stores: [SZ], pii: false, passwordHash: hash },
						{ name: 'test' }
					);
					await c.run(`UPDATE users SET role = 'leadership' WHERE username = 'lead_sz'`);
				});
			}
		});
		cookie.scoped = await login(server, 'qc_sz', 'scoped-officer-2025');
		cookie.scopedLeader = await login(server, 'lead_sz', 'scoped-officer-2025');
		for (const role of ['leadership', 'manager', 'viewer'] as const)
			cookie[role === 'leadership' ? 'leader' : role] = await login(server, demoAccount(role).username, demoAccount(role).password);
		const nj = await upload(cookie.leader, csv(`NJ-1,2025/3/1 9:00,${NJ},电话,张三,13812345678,南京原件`), 'nanjing.csv');
		const mixed = await upload(
			cookie.leader,
			csv(`MX-1,2025/3/2 9:00,${NJ},电话,,,南京`, `MX-2,2025/3/2 9:00,${SZ},电话,,,深圳`),
			'mixed.csv'
		);
		const sz = await upload(cookie.leader, csv(`SZ-1,2025/3/3 9:00,${SZ},电话,,,深圳原件`), 'shenzhen.csv');
		expect([nj.body.status, mixed.body.status, sz.body.status]).toEqual(['committed', 'committed', 'committed']);
		ids.nj = nj.body.batch_id!;
		ids.mixed = mixed.body.batch_id!;
		ids.sz = sz.body.batch_id!;
		// enough of the manager's store's rows for a page cap to show
		const many = Array.from({ length: 620 }, (_, i) => `BULK-${i},2025/3/${1 + (i % 28)} 10:00,${NJ},电话,,,批量`);
		expect((await upload(cookie.leader, csv(...many), 'bulk.csv')).body.status).toBe('committed');
	}, 240_000);

	afterAll(async () => {
		await server?.stop();
	});

	it('refuses an upload with rows of another store, naming it, in the dry run and the load alike', async () => {
		const before = await state();
		for (const fields of [{ dry_run: 'true' }, {}, { accept_partial: 'true' }] as Record<string, string>[]) {
			const r = await upload(
				cookie.scoped,
				csv(`NEW-1,2025/3/4 9:00,${SZ},电话,,,深圳`, `NEW-2,2025/3/4 9:00,${NJ},电话,,,南京`),
				'foreign.csv',
				fields
			);
			expect(r.status, JSON.stringify(fields)).toBe(422);
			expect(r.body.status).toBe('rejected');
			expect(r.body.message).toContain(NJ);
			expect(r.body.message).toContain('无权');
		}
		expect(await state()).toBe(before);
	});

	it('refuses to replace a row of another store through its key, even when the new row names the own store', async () => {
		const before = await state();
		const r = await upload(cookie.scoped, csv(`NJ-1,2025/3/1 9:00,${SZ},电话,,,改成深圳`), 'takeover.csv');
		expect(r.status).toBe(422);
		expect(r.body.message).toContain('NJ-1');
		expect(r.body.message).toContain('不能替换');
		expect(await state()).toBe(before);
	});

	it('neither shows nor rolls back a batch holding rows of another store', async () => {
		const before = await state();
		for (const id of [ids.nj, ids.mixed]) {
			const page = await get(server, `/batches/${id}`, cookie.scoped);
			expect(page.status, `GET /batches/${id}`).toBe(403);
			expect(await page.text()).toContain('无权查看');
			// client-side navigation: the data request carries the page's 403 and nothing of the batch
			const data = await (await get(server, `/batches/${id}/__data.json`, cookie.scoped, '*/*')).text();
			expect(data).toContain('"status":403');
			expect(data).not.toMatch(/nanjing|mixed|南京原件/u);
			const rollback = await postForm(
				server,
				`/batches/${id}?/rollback`,
				{ confirm: 'on' },
				{ cookie: cookie.scoped, accept: 'application/json' }
			);
			expect(JSON.stringify(await rollback.json())).toContain('403');
		}
		const list = await (await get(server, '/batches', cookie.scoped)).text();
		const home = await (await get(server, '/', cookie.scoped)).text();
		for (const name of ['nanjing.csv', 'mixed.csv', 'bulk.csv']) {
			expect(list).not.toContain(name);
			expect(home).not.toContain(name);
		}
		expect(list).toContain('shenzhen.csv');
		expect(await state()).toBe(before);
		// all stores: shown
		expect((await get(server, `/batches/${ids.nj}`, cookie.leader)).status).toBe(200);
	});

	it('refuses targets of another store and every chain-wide setting, the settings unchanged', async () => {
		const before = await state();
		const tries: [string, Record<string, string>][] = [
			['/targets?/scoped', { metric: 'csat', scope_kind: 'store', store: NJ, target: '90' }],
			['/targets?/scoped', { metric: 'csat', scope_kind: 'all', target: '90' }],
			['/targets?/scoped', { metric: 'complaint_count', scope_kind: 'department', department: '客服部', target: '5' }],
			['/targets?/target', { metric: 'csat', target: '90' }],
			['/targets?/sla', { 'response.default': '12', 'resolution.default': '48' }],
			['/targets?/contacts', { short_abandon: '3' }],
			['/inspections?/checklist', { effective_from: '2030-01-01', item: '服务用语', max_points: '100', pass_line: '80' }],
			[
				'/upload?/saveMapping',
				{ kind: 'complaints', name: '共用', header: JSON.stringify(['投诉编号']), mapping: JSON.stringify({ columns: {} }) }
			]
		];
		for (const [path, fields] of tries) {
			const res = await postForm(server, path, fields, { cookie: cookie.scoped, accept: 'application/json' });
			const body = JSON.stringify(await res.json());
			expect(body, path).toContain('"status":403');
			expect(body, path).toMatch(fields.scope_kind === 'store' ? new RegExp(`无权修改门店“${NJ}”`, 'u') : /全部门店/u);
		}
		expect(await state()).toBe(before);
	});

	it("refuses 绩效考核's weight rules and grade settings to a director of one store, and takes them from a director of every store", async () => {
		const rule = {
			kind: 'weights',
			position: '门店范围测试岗',
			effective_from: '2031-01',
			business_ability: '20',
			communication: '20',
			teamwork: '20',
			service_attitude: '20',
			discipline: '20',
			qa_score: '0',
			fcr: '0'
		};
		const grades = { kind: 'settings', band_a: '90', band_b: '80', band_c: '60' };
		const before = await state();
		for (const fields of [rule, grades]) {
			const res = await postForm(server, '/evaluations/settings', fields, { cookie: cookie.scopedLeader, accept: 'application/json' });
			const body = JSON.stringify(await res.json());
			expect(body, fields.kind).toContain('"status":403');
			expect(body, fields.kind).toMatch(/全部门店/u);
		}
		expect(await state()).toBe(before);
		// the same rule from a director of every store is taken: the refusal above was the scope's, not the form's
		const res = await postForm(server, '/evaluations/settings', rule, { cookie: cookie.leader, accept: 'application/json' });
		expect(JSON.stringify(await res.json())).not.toContain('"status":403');
		expect(await state()).toContain('门店范围测试岗');
	});

	it('lets the scoped officer do the same within the own store', async () => {
		const replaced = await upload(cookie.scoped, csv(`SZ-1,2025/3/3 9:00,${SZ},电话,,,深圳新版`), 'shenzhen-v2.csv');
		expect(replaced.status).toBe(200);
		expect(replaced.body.status).toBe('committed');
		const id = replaced.body.batch_id!;
		expect((await get(server, `/batches/${id}`, cookie.scoped)).status).toBe(200);
		expect((await get(server, `/batches/${ids.sz}`, cookie.scoped)).status).toBe(200);
		const rollback = await postForm(
			server,
			`/batches/${id}?/rollback`,
			{ confirm: 'on' },
			{ cookie: cookie.scoped, accept: 'application/json' }
		);
		expect(JSON.stringify(await rollback.json())).toContain(`批次 ${id} 已回滚`);
		expect(await state()).toContain('深圳原件');
		const target = await postForm(
			server,
			'/targets?/scoped',
			{ metric: 'csat', scope_kind: 'store', store: SZ, target: '90' },
			{ cookie: cookie.scoped, accept: 'application/json' }
		);
		expect(JSON.stringify(await target.json())).toContain('"type":"success"');
		expect(await state()).toContain(`target:csat@store:${SZ}`);
	});

	it('lists only the own stores on the targets page', async () => {
		// viewer: 杭州湖滨店; manager: 南京新街口店; the scoped officer: 深圳福田店
		const seen = async (who: string) => (await get(server, '/targets/__data.json', who, '*/*')).text();
		expect(await seen(cookie.viewer)).not.toMatch(new RegExp(`${NJ}|${SZ}`, 'u'));
		const manager = await seen(cookie.manager);
		expect(manager).toContain(NJ);
		expect(manager).not.toContain(SZ);
		expect(await seen(cookie.scoped)).not.toContain(NJ);
		expect(await seen(cookie.leader)).toContain(NJ);
	});

	it('caps row pages at 500 for roles without the export capability', async () => {
		const q = '/api/rows/complaints?from=2025-03-01&to=2025-03-31&format=json&limit=100000';
		const manager = (await (await get(server, q, cookie.manager, 'application/json')).json()) as {
			rows: unknown[];
			total: number;
			limit: number;
		};
		expect(manager.total).toBeGreaterThan(500);
		expect(manager.rows.length).toBe(500);
		expect(manager.limit).toBe(500);
		const leader = (await (await get(server, q, cookie.leader, 'application/json')).json()) as { rows: unknown[]; total: number };
		expect(leader.rows.length).toBe(leader.total);
	});
});
