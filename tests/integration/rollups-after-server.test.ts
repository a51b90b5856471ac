import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { get, login, startServer, type RunningServer } from '../helpers/server';

/**
 * The server rebuilds, after the commit, the rollups a big upload left (ROLLUP_AFTER_ROWS, here 50 rows):
 * the upload answers first, the metric API reads raw rows for that kind until the rebuild ends, then the
 * rollup again — the same count either way.
 */
describe('the server rebuilds after a big upload', () => {
	let server: RunningServer;
	let cookie: string;

	beforeAll(async () => {
		server = await startServer({
			env: { ROLLUP_AFTER_ROWS: '50', LOG_LEVEL: 'info' },
			prepare: async (db) => void (await ensureDemoUsers(db))
		});
		const admin = demoAccount('admin');
		cookie = await login(server, admin.username, admin.password);
	}, 120_000);

	afterAll(async () => {
		await server?.stop();
	});

	it('answers raw rows meanwhile and the rollup after, with the same count', async () => {
		const rows = Array.from({ length: 120 }, (_, i) => `BIG-${i},2025/3/${1 + (i % 28)} 10:00,南京新街口店,电话,,,大批量`);
		const form = new FormData();
		form.append('file', new Blob([['投诉编号,投诉时间,门店,投诉渠道,投诉人,联系电话,内容摘要', ...rows].join('\n') + '\n']), 'big.csv');
		const res = await fetch(`${server.base}/api/ingest/complaints`, {
			method: 'POST',
			body: form,
			headers: { origin: server.base, cookie }
		});
		expect(((await res.json()) as { status: string }).status).toBe('committed');

		const ask = async () => {
			const r = await get(server, '/api/metrics/complaint_count?from=2025-03-01&to=2025-03-31&grain=all', cookie, 'application/json');
			const body = (await r.json()) as { rows: { value: number }[] };
			return { path: r.headers.get('x-query-path'), value: body.rows[0]?.value };
		};
		let last = await ask();
		for (let i = 0; i < 100 && last.path !== 'rollup'; i++) {
			expect(last).toEqual({ path: 'raw', value: 120 });
			await new Promise((r) => setTimeout(r, 100));
			last = await ask();
		}
		expect(last).toEqual({ path: 'rollup', value: 120 });
		// the rebuild was the server's, after the upload's commit (the database was empty at start: nothing else to build)
		expect(server.output()).toMatch(/rollups rebuilt after a big write/u);
	});
});
