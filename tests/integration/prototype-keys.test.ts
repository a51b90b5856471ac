import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { login, startServer, type RunningServer } from '../helpers/server';

/**
 * Names a user types into a path or a parameter are looked up without the prototype: `__proto__`,
 * `constructor`, `toString`… are unknown names (404/400, or the default), never a 500.
 */
const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

let server: RunningServer;
let admin: string;

beforeAll(async () => {
	server = await startServer({ prepare: async (db) => void (await ensureDemoUsers(db)) });
	admin = await login(server, demoAccount('admin').username, demoAccount('admin').password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

const get = (path: string) =>
	fetch(`${server.base}${path}`, { headers: { cookie: admin, accept: 'application/json' }, redirect: 'manual' });

describe('prototype keys in paths and parameters', () => {
	it('are unknown kinds and metrics in the APIs: 404 or 400, not 500', async () => {
		for (const k of KEYS) {
			const e = encodeURIComponent(k);
			const rows = await get(`/api/rows/${e}?from=2025-01-01&to=2025-01-31`);
			expect([rows.status, k]).toEqual([404, k]);
			expect(((await rows.json()) as { code: string }).code).toBe('unknown_kind');
			expect([(await get(`/api/rows/complaints?metric=${e}&from=2025-01-01&to=2025-01-31`)).status, k]).toEqual([400, k]);
			expect([(await get(`/api/metrics/${e}?from=2025-01-01&to=2025-01-31`)).status, k]).toEqual([404, k]);
			expect([(await get(`/api/metrics/complaint_count?from=2025-01-01&to=2025-01-31&by=${e}`)).status, k]).toEqual([400, k]);
			expect([(await get(`/api/metrics/complaint_count?from=2025-01-01&to=2025-01-31&grain=${e}`)).status, k]).toEqual([400, k]);
			const form = new FormData();
			form.append('file', new Blob(['a,b\n1,2\n']), 'x.csv');
			const ingest = await fetch(`${server.base}/api/ingest/${e}`, {
				method: 'POST',
				body: form,
				headers: { origin: server.base, cookie: admin }
			});
			expect([ingest.status < 500 && ingest.status >= 400, ingest.status, k]).toEqual([true, ingest.status, k]);
		}
	});

	it('fall back to the default or answer 404 on pages', async () => {
		const failed: string[] = [];
		for (const k of KEYS) {
			const e = encodeURIComponent(k);
			for (const path of [
				`/batches/${e}`,
				`/staff/${e}`,
				`/quality/alerts/${e}`,
				`/quality?chart=${e}&grain=${e}&laney=${e}`,
				`/quality/causes?metric=${e}&by=${e}`,
				`/quality/report?kind=${e}`,
				`/complaints?by=${e}&grain=${e}&${e}=x`,
				`/satisfaction?grain=${e}`,
				`/evaluations?cycle=${e}&group=${e}&period=${e}`,
				`/upload?kind=${e}`,
				`/batches?kind=${e}`,
				`/targets?metric=${e}`
			]) {
				const res = await get(path);
				if (res.status >= 500) failed.push(`${path} ${res.status}`);
			}
		}
		expect(failed).toEqual([]);
	});
});
