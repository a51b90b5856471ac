import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { get, login, postForm, startServer, type RunningServer } from '../helpers/server';

/**
 * The load history pages on the built server: rejected rows keep customer data masked for users without
 * pii, and a rollback that later batches block is refused with the explanation.
 */
let server: RunningServer;
const cookies: Record<string, string> = {};

beforeAll(async () => {
	server = await startServer({ prepare: async (db) => void (await ensureDemoUsers(db)) });
	for (const role of ['quality_officer', 'leadership'] as const)
		cookies[role] = await login(server, demoAccount(role).username, demoAccount(role).password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

const H = '投诉编号,投诉时间,门店,投诉渠道,投诉人,联系电话,内容摘要';

async function upload(csv: string, name: string, acceptPartial = false): Promise<{ batch_id: number; status: string }> {
	const form = new FormData();
	form.append('file', new Blob([csv]), name);
	form.append('accept_partial', String(acceptPartial));
	const res = await fetch(`${server.base}/api/ingest/complaints`, {
		method: 'POST',
		body: form,
		headers: { origin: server.base, cookie: cookies.quality_officer! }
	});
	return (await res.json()) as { batch_id: number; status: string };
}

describe('the batch page', () => {
	it('masks customer names and phones in rejected rows for users without pii, shows them to pii users', async () => {
		const csv =
			[
				H,
				'P-1,2025/3/1 9:00,杭州湖滨店,电话,张三丰,13812345678,好',
				'P-2,2025/3/1 9:00,杭州湖滨店,电话,欧阳娜娜,1381234567890123,坏号码'
			].join('\n') + '\n';
		const s = await upload(csv, 'pii.csv', true);
		expect(s.status).toBe('committed');
		const qc = await (await get(server, `/batches/${s.batch_id}`, cookies.quality_officer)).text();
		expect(qc).not.toContain('1381234567890123');
		expect(qc).toContain('************0123');
		expect(qc).toContain('联系电话');
		const leader = await (await get(server, `/batches/${s.batch_id}`, cookies.leadership)).text();
		expect(leader).toContain('1381234567890123');
	});

	it('refuses a rollback that later batches block, naming them; after undoing them it goes through', async () => {
		const a = await upload([H, 'R-1,2025/3/2 9:00,杭州湖滨店,电话,,,第一版'].join('\n') + '\n', 'a.csv');
		const b = await upload([H, 'R-1,2025/3/2 9:00,杭州湖滨店,电话,,,第二版'].join('\n') + '\n', 'b.csv');
		const page = await (await get(server, `/batches/${a.batch_id}`, cookies.quality_officer)).text();
		expect(page).toContain(`不能回滚：本批次的部分记录已被之后的批次 #${b.batch_id} 更新`);

		const refused = await postForm(
			server,
			`/batches/${a.batch_id}?/rollback`,
			{ confirm: 'on' },
			{ cookie: cookies.quality_officer, accept: 'application/json' }
		);
		expect(JSON.stringify(await refused.json())).toContain(`批次 ${a.batch_id} 的部分数据已被之后的批次 ${b.batch_id} 更新`);

		const unconfirmed = await postForm(
			server,
			`/batches/${b.batch_id}?/rollback`,
			{},
			{ cookie: cookies.quality_officer, accept: 'application/json' }
		);
		expect(JSON.stringify(await unconfirmed.json())).toContain('请先勾选确认框');

		for (const id of [b.batch_id, a.batch_id]) {
			const done = await postForm(
				server,
				`/batches/${id}?/rollback`,
				{ confirm: 'on' },
				{ cookie: cookies.quality_officer, accept: 'application/json' }
			);
			expect(JSON.stringify(await done.json())).toContain(`批次 ${id} 已回滚`);
		}
		const history = await (await get(server, '/batches', cookies.quality_officer)).text();
		expect(history).toContain(`href="/batches/${a.batch_id}"`);
		expect((await get(server, '/batches/99999', cookies.quality_officer)).status).toBe(404);
		expect((await get(server, '/batches/abc', cookies.quality_officer)).status).toBe(404);
	});
});
