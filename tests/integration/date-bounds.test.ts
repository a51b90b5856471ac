import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { insertRows } from '../helpers/insert';
import { login, startServer, type RunningServer } from '../helpers/server';

/**
 * Date ranges reaching year 9999 once never ended (the API ran out of heap after minutes; the
 * complaints page hung the process). On the built server: the API answers 400 (a hang fails the test time limit), pages show
 * the part of the range within the bounds with a notice, and the server keeps answering.
 */
const A = '杭州湖滨店'; // the demo viewer's only store

let server: RunningServer;
let viewer: string;
let leader: string;

beforeAll(async () => {
	server = await startServer({
		prepare: async (db) => {
			await ensureDemoUsers(db);
			await insertRows(db, 'complaints', [
				{
					complaint_id: 'c1',
					received_at: '2025-03-03 10:00:00',
					store: A,
					severity: '一般',
					status: '已办结',
					channel: '电话',
					category: '价格'
				}
			]);
		}
	});
	viewer = await login(server, demoAccount('viewer').username, demoAccount('viewer').password);
	leader = await login(server, demoAccount('leadership').username, demoAccount('leadership').password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

const ask = async (path: string, accept = 'application/json', lang = 'zh-CN', cookie = viewer) => {
	const res = await fetch(`${server.base}${path}`, { headers: { cookie, accept, 'accept-language': lang }, redirect: 'manual' });
	const body = await res.text();
	return { res, body };
};

describe('date bounds on the built server', () => {
	it('answers 400 at once for a metric range to 9999 with a day grain and last year’s comparison', async () => {
		const { res, body } = await ask('/api/metrics/complaint_rate?from=0001-01-01&to=9999-12-31&grain=day&format=json&compare=last_year');
		expect(res.status).toBe(400);
		expect(JSON.parse(body)).toMatchObject({ code: 'range_out_of_bounds' });
		expect(JSON.parse(body).message).toContain('2000-01-01');
		const en = await ask('/api/metrics/complaint_rate?from=2025-01-01&to=9999-12-31&grain=month&format=json', 'application/json', 'en');
		expect(en.res.status).toBe(400);
		expect(JSON.parse(en.body).message).toMatch(/^Dates out of bounds/u);
		const many = await ask('/api/metrics/complaint_count?from=2020-01-01&to=2025-12-31&grain=day&format=json');
		expect(many.res.status).toBe(400);
		expect(JSON.parse(many.body)).toMatchObject({ code: 'too_many_periods' });
		expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
	});

	it('refuses the same in the drill-down, and still serves a range within the bounds', async () => {
		const rows = await ask('/api/rows/complaints?from=9999-12-01&to=9999-12-31&grain=day', 'application/json', 'zh-CN', leader);
		expect(JSON.parse(rows.body)).toMatchObject({ code: 'range_out_of_bounds' });
		expect(rows.res.status).toBe(400);
		const ok = await ask('/api/metrics/complaint_count?from=2025-03-01&to=2025-03-31&grain=day&format=json&compare=last_year');
		expect(ok.res.status).toBe(200);
		expect(JSON.parse(ok.body).rows).toEqual([{ period: '2025-03-03', value: 1, compare_period: '2024-03-03', compare_value: null }]);
	});

	it('shows the complaints page for a range in year 9999 as the default range, with a notice', async () => {
		const { res, body } = await ask('/complaints?from=9999-12-01&to=9999-12-31&grain=day', 'text/html');
		expect(res.status).toBe(200);
		expect(body).toContain('data-field="range-adjusted"');
		// the default: the last quarter the data (one complaint on 2025-03-03) fully covers
		expect(body).toContain('2024-10-01');
		for (const path of [
			'/dashboard?from=0001-01-01&to=9999-12-31',
			'/quality?grain=week&from=0001-01-01&to=9999-12-31',
			'/quality/causes?from=0001-01-01&to=9999-12-31&pfrom=9999-01-01&pto=9999-12-31',
			'/quality/report?kind=week&at=9999-12-31'
		]) {
			const page = await ask(path, 'text/html');
			expect(page.res.status, path).toBe(200);
		}
		expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
	});
});
