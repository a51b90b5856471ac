import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { insertRows } from '../helpers/insert';
import { NARROW_PAGE_FROM } from '../../src/lib/server/metrics/compile';
import { get, login, startServer, type RunningServer } from '../helpers/server';

/** The metric API of the built server: formats, store scope, errors. Fixture values are hand-counted. */
const A = '杭州湖滨店'; // the demo viewer's only store
const B = '南京新街口店';
const EVIL = '=HYPERLINK("http://x")'; // a store name that would be a formula in a spreadsheet

const complaint = (id: string, at: string, store: string, status = '已办结') => ({
	complaint_id: id,
	received_at: at,
	store,
	severity: '一般',
	status,
	channel: '电话',
	category: '价格'
});

let server: RunningServer;
let leader: string;
let viewer: string;
let manager: string;

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
			// March: complaints with customers, for the drill-down
			await insertRows(db, 'complaints', [
				{ ...complaint('m1', '2025-03-02 09:00:00', B), category: '商品质量', customer_name: '欧阳娜娜', customer_phone: '13812345678' },
				{
					...complaint('m2', '2025-03-03 09:00:00', B, '处理中'),
					category: '商品质量',
					customer_name: '张三',
					customer_phone: '010-12345678'
				},
				{ ...complaint('m3', '2025-03-04 09:00:00', B), category: null, customer_name: '李四', customer_phone: '13900001111' },
				{ ...complaint('m4', '2025-03-05 09:00:00', A), category: '商品质量', customer_name: '王五', customer_phone: '13700002222' }
			]);
			// March: quality inspections, two of them with a fatal error, one note with a customer's phone
			const inspection = (id: string, day: string, store: string, fatal: string | null, note: string | null = null) => ({
				inspection_id: id,
				inspected_at: day,
				inspector: '刘芳',
				staff_id: `S-${id}`,
				store,
				fatal: fatal !== null,
				fatal_type: fatal,
				note
			});
			await insertRows(db, 'inspections', [
				inspection('q1', '2025-03-02', B, '辱骂客户', '客户来电 13812345678 投诉坐席态度'),
				inspection('q2', '2025-03-03', B, null),
				inspection('q3', '2025-03-04', A, '泄露客户信息'),
				inspection('q4', '2025-03-05', B, '泄露客户信息')
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
	manager = await login(server, demoAccount('manager').username, demoAccount('manager').password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

const Q = 'from=2025-01-01&to=2025-02-28';

describe('GET /api/metrics/[metric]', () => {
	it('says whether a rollup or the raw rows answered: X-Query-Path, and query_path in JSON', async () => {
		// whole months: counts by store and by response-time bucket read rollups; a resolution median cut by store reads raw rows (its times hardly compress)
		for (const [metric, query, path] of [
			['complaint_count', 'by=store', 'rollup'],
			['complaint_count', 'by=response_bucket', 'rollup'],
			['resolution_median_h', 'by=store', 'raw']
		] as const) {
			for (const format of ['json', 'arrow', 'csv']) {
				const res = await get(server, `/api/metrics/${metric}?${Q}&grain=month&${query}&format=${format}`, leader);
				expect(res.status).toBe(200);
				expect(res.headers.get('x-query-path'), `${metric} ${query} ${format}`).toBe(path);
				if (format === 'json') expect(((await res.json()) as { query_path: string }).query_path).toBe(path);
			}
		}
	});

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
			const other = await get(
				server,
				`/api/metrics/complaint_count?${Q}&format=json&store=${encodeURIComponent(A)}&store=${encodeURIComponent(store)}`,
				viewer
			);
			expect(other.status, store).toBe(403);
		}
	});

	it('binds filter values: quotes and SQL fragments are just values', async () => {
		const res = await get(
			server,
			`/api/metrics/complaint_count?${Q}&format=json&store=${encodeURIComponent("x' OR '1'='1")}&category=${encodeURIComponent("'); DROP TABLE complaints; --")}`,
			leader
		);
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
		const badDate = await fetch(`${server.base}/api/metrics/complaint_count?from=2025-13-01&to=2025-12-31`, {
			headers: { cookie: leader, accept: 'application/json', 'accept-language': 'en' }
		});
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

describe('comparison periods', () => {
	it('adds compare_period and compare_value; an unknown compare is a 400', async () => {
		// February vs all of January (calendar-aligned): A a1 a2 | B b1 | EVIL e1
		const res = await get(
			server,
			`/api/metrics/complaint_count?from=2025-02-01&to=2025-02-28&grain=all&by=store&compare=previous&format=json`,
			leader
		);
		expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([
			{ period: null, group: B, value: 2, compare_period: null, compare_value: 1 },
			{ period: null, group: A, value: 1, compare_period: null, compare_value: 2 }
		]);
		const bad = await get(server, `/api/metrics/complaint_count?${Q}&compare=yesterday`, leader, 'application/json');
		expect(bad.status).toBe(400);
	});
});

describe('GET /api/rows/inspections (drill-down)', () => {
	const M = 'from=2025-03-01&to=2025-03-31&grain=all';
	const ids = async (query: string, cookie: string) => {
		const res = await get(server, `/api/rows/inspections?${query}`, cookie, 'application/json');
		expect(res.status, query).toBe(200);
		return (await res.json()) as { total: number; rows: Record<string, unknown>[] };
	};

	it('gives the inspections with a fatal error, newest first, within the store scope, the notes masked without pii', async () => {
		const all = await ids(M, leader);
		expect(all.total).toBe(3);
		expect(all.rows.map((r) => [r.inspection_id, r.fatal_type])).toEqual([
			['q4', '泄露客户信息'],
			['q3', '泄露客户信息'],
			['q1', '辱骂客户']
		]);
		expect(all.rows[2]).toMatchObject({ store: B, staff_id: 'S-q1', note: '客户来电 13812345678 投诉坐席态度' });
		// the manager sees store B only, and no customer's phone
		const scoped = await ids(M, manager);
		expect(scoped.rows.map((r) => r.inspection_id)).toEqual(['q4', 'q1']);
		expect(scoped.rows[1]!.note).toBe('客户来电 138****5678 投诉坐席态度');
		expect((await ids(`${M}&by=fatal_type&group=${encodeURIComponent('辱骂客户')}`, leader)).rows.map((r) => r.inspection_id)).toEqual([
			'q1'
		]);
	});

	it('refuses viewers, stores outside the scope, and inspection metrics without rows', async () => {
		expect((await get(server, `/api/rows/inspections?${M}`, viewer, 'application/json')).status).toBe(403);
		expect((await get(server, `/api/rows/inspections?${M}&store=${encodeURIComponent(A)}`, manager, 'application/json')).status).toBe(403);
		expect((await get(server, `/api/rows/inspections?${M}&metric=inspection_count`, leader, 'application/json')).status).toBe(400);
		expect((await get(server, `/api/rows/inspections?${M}&metric=complaint_count`, leader, 'application/json')).status).toBe(400);
	});
});

describe('GET /api/rows/complaints (drill-down)', () => {
	const M = 'from=2025-03-01&to=2025-03-31';
	type Page = { total: number; rows: Record<string, unknown>[]; columns: { name: string }[] };
	const page = async (query: string, cookie: string) => {
		const res = await get(server, `/api/rows/complaints?${query}`, cookie, 'application/json');
		expect(res.status, query).toBe(200);
		return (await res.json()) as Page;
	};

	it('returns exactly the rows counted for the clicked bar, paged, with the total', async () => {
		// complaint_count by category in March: 商品质量 m1 m2 m4, none m3
		const bar = await page(`${M}&grain=all&by=category&group=${encodeURIComponent('商品质量')}`, leader);
		expect(bar.total).toBe(3);
		expect(bar.rows.map((r) => r.complaint_id)).toEqual(['m1', 'm2', 'm4']);
		const none = await page(`${M}&grain=all&by=category&group=`, leader);
		expect(none.rows.map((r) => r.complaint_id)).toEqual(['m3']);
		const second = await page(`${M}&grain=all&by=category&group=${encodeURIComponent('商品质量')}&offset=1&limit=1`, leader);
		expect(second).toMatchObject({ total: 3 });
		expect(second.rows.map((r) => r.complaint_id)).toEqual(['m2']);
		// a page of more than NARROW_PAGE_FROM rows (an export's) is picked by its keys first: the same rows, in order
		const group = `${M}&grain=all&by=category&group=${encodeURIComponent('商品质量')}`;
		expect((await page(`${group}&limit=${NARROW_PAGE_FROM + 1}`, leader)).rows).toEqual(bar.rows);
		const rest = await page(`${group}&offset=1&limit=${NARROW_PAGE_FROM + 1}`, leader);
		expect(rest.rows.map((r) => r.complaint_id)).toEqual(['m2', 'm4']);
		// a point of a monthly trend, and the open backlog's rows
		expect((await page(`from=2025-01-01&to=2025-03-31&grain=month&period=2025-02-01`, leader)).total).toBe(3);
		expect((await page(`${M}&grain=all&metric=open_backlog`, leader)).rows.map((r) => r.complaint_id)).toEqual(['m2']);
	});

	it('masks customer name and phone for a user without pii; shows them to one with it, audited', async () => {
		const masked = await page(`${M}&grain=all`, manager); // the manager sees B only, without pii
		expect(masked.rows.map((r) => [r.complaint_id, r.customer_name, r.customer_phone])).toEqual([
			['m1', '欧阳**', '138****5678'],
			['m2', '张*', '010-****5678'],
			['m3', '李*', '139****1111']
		]);
		const plain = await page(`${M}&grain=all&store=${encodeURIComponent(B)}`, leader);
		expect(plain.rows[0]).toMatchObject({ customer_name: '欧阳娜娜', customer_phone: '13812345678' });
	});

	it('answers Arrow with the total in a header; CSV of all rows needs the export permission', async () => {
		const res = await get(server, `/api/rows/complaints?${M}&grain=all&format=arrow`, leader, '*/*');
		expect(res.headers.get('x-total')).toBe('4');
		expect(res.headers.get('content-encoding'), 'API answers are gzipped for clients that accept it').toBe('gzip');
		const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
		expect(table.numRows).toBe(4);
		// times travel as Arrow timestamps (read back in milliseconds), as text in JSON
		expect(String(table.schema.fields.find((f) => f.name === 'received_at')!.type)).toMatch(/^Timestamp/u);
		expect(new Date(Number(table.get(0)!.received_at)).toISOString()).toBe('2025-03-02T09:00:00.000Z');
		const json = (await (await get(server, `/api/rows/complaints?${M}&grain=all`, leader, 'application/json')).json()) as {
			rows: { received_at: string }[];
		};
		expect(json.rows[0]!.received_at).toBe('2025-03-02 09:00');
		expect((await get(server, `/api/rows/complaints?${M}&grain=all&format=csv`, manager, '*/*')).status).toBe(403);
		const csv = await (await get(server, `/api/rows/complaints?${M}&grain=all&format=csv`, leader, '*/*')).text();
		expect(csv.split('\r\n').filter(Boolean)).toHaveLength(5);
	});

	it('refuses viewers (no row access), stores outside the scope, metrics without rows, and binds values', async () => {
		expect((await get(server, `/api/rows/complaints?${M}`, viewer, 'application/json')).status).toBe(403);
		expect((await get(server, `/api/rows/complaints?${M}&store=${encodeURIComponent(A)}`, manager, 'application/json')).status).toBe(403);
		expect((await get(server, `/api/rows/complaints?${M}&metric=complaint_rate`, leader, 'application/json')).status).toBe(400);
		expect((await get(server, `/api/rows/staff?${M}`, leader, 'application/json')).status).toBe(404);
		const evil = await page(`${M}&grain=all&by=category&group=${encodeURIComponent("x' OR '1'='1")}`, leader);
		expect(evil.total).toBe(0);
	});
});
