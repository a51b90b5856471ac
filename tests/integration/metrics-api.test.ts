import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { ensureDemoUsers } from '../../src/lib/server/auth/demo';
import { demoAccount } from '../../src/lib/server/auth/demo-accounts';
import { insertRows } from '../helpers/insert';
import { get, login, startServer, type RunningServer } from '../helpers/server';

/** The metric API of the built server: formats, store scope, errors. Fixture values are hand-counted. */
const A = '杭州湖滨店'; // the demo viewer's only store
const B = '南京新街口店';
const EVIL = '=HYPERLINK("http://x")'; // a store name that would be a formula in a spreadsheet

const complaint = (id: string, at: string, store: string, status = '已办结') => ({ complaint_id: id, received_at: at, store, severity: '一般', status, channel: '电话', category: '价格' });

let server: RunningServer;
let leader: string;
let viewer: string;

beforeAll(async () => {
	server = await startServer({
		prepare: async (db) => {
			await ensureDemoUsers(db);
			await insertRows(db, 'complaints', [
				complaint('a1', '2025-01-03 10:00:00', A),
				complaint('a2', '2025-01-04 10:00:00', A, '处理中'),
				complaint('a3', '2025-02-04 10:00:00', A),
				complaint('b1', '2025-01-05 10:00:00', B),
				complaint('b2', '2025-02-06 10:00:00', B),
				complaint('b3', '2025-02-07 10:00:00', B),
				complaint('e1', '2025-01-08 10:00:00', EVIL)
			]);
			await insertRows(db, 'traffic', [
				{ store: A, date: '2025-01-03', transactions: 1000 },
				{ store: A, date: '2025-01-04', transactions: 1000 },
				{ store: B, date: '2025-01-05', transactions: 500 }
			]);
		}
	});
	leader = await login(server, demoAccount('leadership').username, demoAccount('leadership').password);
	viewer = await login(server, demoAccount('viewer').username, demoAccount('viewer').password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

const Q = 'from=2025-01-01&to=2025-02-28';

describe('GET /api/metrics/[metric]', () => {
	it('answers JSON on ?format=json and on Accept: application/json', async () => {
		for (const [path, accept] of [
			[`/api/metrics/complaint_count?${Q}&grain=month&by=store&format=json`, '*/*'],
			[`/api/metrics/complaint_count?${Q}&grain=month&by=store`, 'application/json']
		] as const) {
			const res = await get(server, path, leader, accept);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toContain('application/json');
			const body = (await res.json()) as { metric: string; unit: string; rows: unknown[] };
			expect(body.metric).toBe('complaint_count');
			expect(body.unit).toBe('count');
			// sorted by period, then group as text: '=' < '南' < '杭'
			expect(body.rows).toEqual([
				{ period: '2025-01-01', group: EVIL, value: 1 },
				{ period: '2025-01-01', group: B, value: 1 },
				{ period: '2025-01-01', group: A, value: 2 },
				{ period: '2025-02-01', group: B, value: 2 },
				{ period: '2025-02-01', group: A, value: 1 }
			]);
		}
	});

	it('answers Arrow IPC by default, with values equal to the JSON ones and dictionary-encoded periods and groups', async () => {
		const res = await get(server, `/api/metrics/closure_rate?${Q}&grain=month&by=store`, leader, '*/*');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
		const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
		expect(table.schema.fields.map((f) => f.name)).toEqual(['period', 'group', 'value', 'numerator', 'denominator']);
		expect(String(table.schema.fields[0]!.type)).toMatch(/^Dictionary/u);
		expect(String(table.schema.fields[1]!.type)).toMatch(/^Dictionary/u);
		const rows = table.toArray().map((r) => ({ ...r.toJSON() }));
		// A January: a1 closed, a2 in progress → 1/2
		expect(rows).toEqual([
			{ period: '2025-01-01', group: EVIL, value: 100, numerator: 1, denominator: 1 },
			{ period: '2025-01-01', group: B, value: 100, numerator: 1, denominator: 1 },
			{ period: '2025-01-01', group: A, value: 50, numerator: 1, denominator: 2 },
			{ period: '2025-02-01', group: B, value: 100, numerator: 2, denominator: 2 },
			{ period: '2025-02-01', group: A, value: 100, numerator: 1, denominator: 1 }
		]);
	});

	it('answers CSV on ?format=csv and on Accept: text/csv, formula-safe', async () => {
		for (const [path, accept] of [
			[`/api/metrics/complaint_rate?${Q}&grain=all&by=store&format=csv`, '*/*'],
			[`/api/metrics/complaint_rate?${Q}&grain=all&by=store`, 'text/csv']
		] as const) {
			const res = await get(server, path, leader, accept);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toContain('text/csv');
			expect(res.headers.get('content-disposition')).toContain('complaint_rate.csv');
			const bytes = new Uint8Array(await res.arrayBuffer());
			expect([...bytes.slice(0, 3)], 'UTF-8 BOM for Excel').toEqual([0xef, 0xbb, 0xbf]);
			const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
			// A: 2 complaints / 2000 transactions = 1‰; B: 1 / 500 = 2‰ (B's February complaints have no traffic); EVIL has no traffic at all
			expect(text).toBe('\uFEFFperiod,group,value,numerator,denominator\r\n,南京新街口店,2,1,500\r\n,杭州湖滨店,1,2,2000\r\n');
		}
		const counts = await (await get(server, `/api/metrics/complaint_count?${Q}&grain=all&by=store&format=csv`, leader)).text();
		expect(counts.split('\r\n')[1]).toBe(`,"'=HYPERLINK(""http://x"")",1`);
	});

	it('limits a store-scoped viewer to their stores; another store in a filter is 403', async () => {
		const res = await get(server, `/api/metrics/complaint_count?${Q}&grain=all&by=store&format=json`, viewer);
		expect(res.status).toBe(200);
		expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([{ period: null, group: A, value: 3 }]);
		const own = await get(server, `/api/metrics/complaint_count?${Q}&grain=all&format=json&store=${encodeURIComponent(A)}`, viewer);
		expect(((await own.json()) as { rows: unknown[] }).rows).toEqual([{ period: null, value: 3 }]);
		for (const store of [B, EVIL, "x' OR '1'='1"]) {
			const other = await get(server, `/api/metrics/complaint_count?${Q}&format=json&store=${encodeURIComponent(A)}&store=${encodeURIComponent(store)}`, viewer);
			expect(other.status, store).toBe(403);
		}
	});

	it('binds filter values: quotes and SQL fragments are just values', async () => {
		const res = await get(server, `/api/metrics/complaint_count?${Q}&format=json&store=${encodeURIComponent("x' OR '1'='1")}&category=${encodeURIComponent("'); DROP TABLE complaints; --")}`, leader);
		expect(res.status).toBe(200);
		expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([]);
		const all = await get(server, `/api/metrics/complaint_count?${Q}&grain=all&format=json`, leader);
		expect(((await all.json()) as { rows: unknown[] }).rows).toEqual([{ period: null, value: 7 }]);
	});

	it('refuses strangers (401) and bad requests with a clear message', async () => {
		expect((await get(server, `/api/metrics/complaint_count?${Q}`, undefined, '*/*')).status).toBe(401);
		expect((await get(server, '/api/metrics', undefined, 'application/json')).status).toBe(401);
		const unknown = await get(server, `/api/metrics/no_such?${Q}`, leader, 'application/json');
		expect(unknown.status).toBe(404);
		const badDim = await get(server, `/api/metrics/complaint_rate?${Q}&by=category`, leader, 'application/json');
		expect(badDim.status).toBe(400);
		expect(await badDim.json()).toMatchObject({ code: 'dimension_not_allowed' });
		const badDate = await fetch(`${server.base}/api/metrics/complaint_count?from=2025-13-01&to=2025-12-31`, { headers: { cookie: leader, accept: 'application/json', 'accept-language': 'en' } });
		expect(badDate.status).toBe(400);
		expect(((await badDate.json()) as { message: string }).message).toMatch(/from/u);
		expect((await get(server, `/api/metrics/complaint_count?${Q}&format=xml`, leader)).status).toBe(400);
	});
});

describe('GET /api/metrics', () => {
	it('lists every metric with labels and passports', async () => {
		const res = await get(server, '/api/metrics', viewer, 'application/json');
		expect(res.status).toBe(200);
		const body = (await res.json()) as { metrics: { id: string; label: { zh: string }; passport: { exclusions: { zh: string } } }[] };
		const ids = body.metrics.map((m) => m.id);
		expect(ids).toContain('complaint_rate');
		expect(ids).toContain('nps');
		expect(body.metrics.find((m) => m.id === 'complaint_rate')!.passport.exclusions.zh).toContain('没有客流记录');
	});
});
