import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { sample } from '../helpers/db';
import { get, login, startServer, type RunningServer } from '../helpers/server';

/**
 * POST /api/ingest/<kind> on the built server with a real DuckDB file: multipart in, the CLI's JSON
 * summary out. The server runs with a 2 MB upload limit so the oversize cases stay small.
 */

let server: RunningServer;
let qc: string;
let admin: string;
const QC = demoAccount('quality_officer');

beforeAll(async () => {
	server = await startServer({ env: { BODY_SIZE_LIMIT: '2M' }, prepare: async (db) => void (await ensureDemoUsers(db)) });
	qc = await login(server, QC.username, QC.password);
	admin = await login(server, demoAccount('admin').username, demoAccount('admin').password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

type Fields = { map?: string; accept_partial?: string; dry_run?: string; job?: string };

function upload(kind: string, bytes: Uint8Array | string, name: string, fields: Fields = {}, cookie = qc, lang?: 'en') {
	const form = new FormData();
	form.append('file', new Blob([typeof bytes === 'string' ? bytes : Buffer.from(bytes)]), name);
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	const headers: Record<string, string> = { origin: server.base, cookie: lang ? `${cookie}; PARAGLIDE_LOCALE=${lang}` : cookie };
	return fetch(`${server.base}/api/ingest/${kind}`, { method: 'POST', body: form, headers });
}

/** The batch list, asked of the server the way the CLI asks it (the server owns the file). */
async function batches(): Promise<
	{ batch_id: number; kind: string; status: string; source: string; created_by: string; rows_loaded: number; file_name: string }[]
> {
	const { token } = JSON.parse(readFileSync(`${server.dbPath}.server.json`, 'utf8')) as { token: string };
	const res = await fetch(`${server.base}/api/internal/cli`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ command: 'batches', limit: 1000, locale: 'zh-CN' })
	});
	return ((await res.json()) as { json: never }).json;
}

const surveys = () => readFileSync(sample('surveys.csv'));
const withErrors = () => readFileSync(sample('surveys_with_errors.csv'));

describe('POST /api/ingest/<kind>', () => {
	it('dry run: the summary of a full validation, nothing written', async () => {
		const res = await upload('surveys', surveys(), 'surveys.csv', { dry_run: 'true' });
		expect(res.status).toBe(200);
		const s = await res.json();
		expect(s).toMatchObject({
			status: 'dry-run',
			kind: 'surveys',
			batch_id: null,
			rows_read: 300,
			rows_loaded: 300,
			rows_rejected: 0,
			encoding: 'utf-8-bom',
			delimiter: ',',
			file_name: 'surveys.csv'
		});
		expect(await batches()).toEqual([]);
	});

	it('loads a file: 200 committed, recorded as a web batch of the signed-in user', async () => {
		const res = await upload('surveys', surveys(), 'C:\\fakepath\\surveys.csv');
		expect(res.status).toBe(200);
		const s = await res.json();
		expect(s).toMatchObject({ status: 'committed', rows_read: 300, rows_loaded: 300, file_name: 'surveys.csv' });
		expect(s.message).toContain('导入成功');
		const [b] = await batches();
		expect(b).toMatchObject({
			batch_id: s.batch_id,
			kind: 'surveys',
			status: 'committed',
			source: 'web',
			created_by: QC.username,
			rows_loaded: 300
		});
	});

	it('the same file again is a duplicate that changes nothing', async () => {
		const before = await batches();
		const res = await upload('surveys', surveys(), 'again.csv');
		expect(res.status).toBe(200);
		const s = await res.json();
		expect(s.status).toBe('duplicate');
		expect(s.duplicate_of.batch_id).toBe(before[0]!.batch_id);
		expect(s.message).toMatch(/^此文件已于 \d{4}-\d\d-\d\d \d\d:\d\d 导入/u);
		expect(await batches()).toEqual(before);
	});

	it('a file with bad rows: 422 rejected with the rows, nothing loaded (all or nothing)', async () => {
		const res = await upload('surveys', withErrors(), 'surveys_with_errors.csv');
		expect(res.status).toBe(422);
		const s = await res.json();
		expect(s).toMatchObject({ status: 'rejected', rows_rejected: 7, rows_loaded: 0 });
		expect(s.errors.map((e: { row: number }) => e.row)).toEqual([5, 9, 13, 16, 20, 24, 28]);
		expect((await batches())[0]).toMatchObject({ status: 'rejected', rows_loaded: 0 });
	});

	it('accept_partial loads the good rows', async () => {
		const res = await upload('surveys', withErrors(), 'surveys_with_errors.csv', { accept_partial: 'true' });
		expect(res.status).toBe(200);
		const s = await res.json();
		expect(s).toMatchObject({ status: 'committed', rows_rejected: 7 });
		expect(s.rows_loaded).toBe(s.rows_read - 7);
	});

	it('answers in English when the user chose English', async () => {
		// loaded partially just before: a duplicate now
		const res = await upload('surveys', withErrors(), 'surveys_with_errors.csv', { dry_run: 'true' }, qc, 'en');
		const s = await res.json();
		expect(s.message).toMatch(/^This file was already loaded on /u);
		const bad = await upload('surveys', surveys(), 'surveys.csv', { dry_run: 'maybe' }, qc, 'en');
		expect((await bad.json()).error.message).toBe('The field dry_run must be true or false');
	});

	it('a mapping given as JSON text is applied; a broken one is a 400 with the reason', async () => {
		const csv = '编号X,日期X,店X,总分X\nM-1,2025-03-01,杭州湖滨店,5\nM-2,2025-03-02,杭州湖滨店,4\n';
		const map = JSON.stringify({ columns: { 编号X: 'response_id', 日期X: 'submitted_at', 店X: 'store', 总分X: 'overall' } });
		const res = await upload('surveys', csv, 'mapped.csv', { map });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ status: 'committed', rows_loaded: 2 });
		const bad = await upload('surveys', csv, 'mapped.csv', { map: '{"columns": ' });
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.code).toBe('mapping_invalid');
	});

	it('grouped errors: every rejected row counted by column and value; mapping each value through the value map makes the file pass', async () => {
		const statuses = [...Array(30).fill('信息审核'), ...Array(12).fill('用户评分'), ...Array(3).fill('已办结'), '厂家受理'];
		const csv = [
			'投诉编号,投诉时间,门店,投诉类别,内容摘要,处理状态',
			...statuses.map((st, i) => `GR-${i},2025-03-${String(1 + (i % 28)).padStart(2, '0')} 09:00,杭州湖滨店,服务态度,态度差,${st}`)
		].join('\n');
		const res = await upload('complaints', csv, 'groups.csv', { dry_run: 'true' });
		const s = await res.json();
		expect(s).toMatchObject({ status: 'dry-run', rows_read: 46, rows_rejected: 43, error_groups_total: 3 });
		const rowsOf = (v: string) => statuses.flatMap((st, i) => (st === v ? [i + 2] : []));
		expect(s.error_groups).toEqual([
			expect.objectContaining({
				column: '处理状态',
				code: 'enum_invalid',
				value: '信息审核',
				count: 30,
				rows: rowsOf('信息审核').slice(0, 5)
			}),
			expect.objectContaining({ column: '处理状态', value: '用户评分', count: 12, rows: rowsOf('用户评分').slice(0, 5) }),
			expect.objectContaining({ column: '处理状态', value: '厂家受理', count: 1, rows: [47] })
		]);
		for (const g of s.error_groups)
			expect(g.valueMap).toEqual({ source: '处理状态', value: g.value, allowed: ['待处理', '处理中', '已办结'] });
		expect(s.error_groups[0].reason).toContain('「处理状态」的值「信息审核」不在允许的取值中');

		const values = { 处理状态: { 信息审核: '待处理', 用户评分: '已办结', 厂家受理: '处理中' } };
		const mapped = await (await upload('complaints', csv, 'groups.csv', { dry_run: 'true', map: JSON.stringify({ values }) })).json();
		expect(mapped).toMatchObject({ status: 'dry-run', rows_rejected: 0, rows_loaded: 46, error_groups: [], error_groups_total: 0 });
	});

	it('a file loaded before is recognised from its hash alone (GET …/loaded?sha256=), before any mapping', async () => {
		const sha = createHash('sha256').update(surveys()).digest('hex');
		const [first] = (await batches()).filter((b) => b.kind === 'surveys' && b.status === 'committed' && b.file_name === 'surveys.csv');
		const res = await get(server, `/api/ingest/surveys/loaded?sha256=${sha}`, qc);
		expect(res.status).toBe(200);
		const { loaded } = await res.json();
		expect(loaded).toEqual([
			{ batch_id: first!.batch_id, loaded_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/u), sheet: null, visible: true }
		]);
		// another kind, another file: nothing
		expect((await (await get(server, `/api/ingest/complaints/loaded?sha256=${sha}`, qc)).json()).loaded).toEqual([]);
		expect((await (await get(server, `/api/ingest/surveys/loaded?sha256=${'0'.repeat(64)}`, qc)).json()).loaded).toEqual([]);
		const refused = await get(server, `/api/ingest/surveys/loaded?sha256=abc`, qc);
		expect(refused.status).toBe(400);
		expect((await refused.json()).error.message).toBe('请求需要数据类型和文件的 SHA-256（64 位十六进制）');
		expect((await get(server, `/api/ingest/surveys/loaded?sha256=${sha}`, '', 'application/json')).status).toBe(401);
	});

	it('refuses what is not an upload: wrong kind, no file, bad flags, not multipart', async () => {
		const kind = await upload('foo', surveys(), 'surveys.csv');
		expect(kind.status).toBe(404);
		expect((await kind.json()).error).toMatchObject({ code: 'kind_unknown' });

		const form = new FormData();
		form.append('dry_run', 'true');
		const noFile = await fetch(`${server.base}/api/ingest/surveys`, {
			method: 'POST',
			body: form,
			headers: { origin: server.base, cookie: qc }
		});
		expect(noFile.status).toBe(400);
		expect((await noFile.json()).error.code).toBe('no_file');

		const flag = await upload('surveys', surveys(), 'surveys.csv', { dry_run: 'yes' });
		expect(flag.status).toBe(400);
		expect((await flag.json()).error.code).toBe('bad_flag');

		const asJson = await fetch(`${server.base}/api/ingest/surveys`, {
			method: 'POST',
			body: '{}',
			headers: { origin: server.base, cookie: qc, 'content-type': 'application/json' }
		});
		expect(asJson.status).toBe(400);
		expect((await asJson.json()).error.code).toBe('not_multipart');
	});

	it('a binary file renamed .csv is refused (415) and records nothing', async () => {
		const before = await batches();
		const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
		const res = await upload('surveys', png, 'photo.csv');
		expect(res.status).toBe(415);
		expect((await res.json()).error).toMatchObject({ code: 'file_binary', message: expect.stringContaining('不是文本格式') });
		expect(await batches()).toEqual(before);
	});

	it('an empty file and a header-only file are rejected with their reason', async () => {
		const empty = await upload('surveys', '', 'empty.csv');
		expect(empty.status).toBe(422);
		expect(await empty.json()).toMatchObject({ status: 'rejected', rows_read: 0, errors: [{ code: 'file_empty', row: null }] });

		const headerOnly = await upload('surveys', '问卷编号,调查日期,门店,总体满意度\n', 'header.csv');
		expect(headerOnly.status).toBe(422);
		expect(await headerOnly.json()).toMatchObject({ status: 'rejected', rows_read: 0, errors: [{ code: 'file_header_only' }] });
	});

	it('a file over the limit: 413 naming the limit, before the body is read', async () => {
		const big = Buffer.alloc(3 * 1024 * 1024, 'a');
		const res = await upload('surveys', big, 'big.csv');
		expect(res.status).toBe(413);
		const body = await res.json();
		expect(body.error).toMatchObject({ code: 'too_large', limit_bytes: 2 * 1024 * 1024 });
		expect(body.error.message).toContain('2 MB');
	});

	it('a streamed body over the limit (no content-length) is refused too', async () => {
		const boundary = 'sqa-boundary';
		const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.csv"\r\ncontent-type: text/csv\r\n\r\n`;
		const chunk = Buffer.alloc(256 * 1024, 'b');
		let sent = 0;
		const body = new ReadableStream({
			pull(c) {
				if (sent === 0) c.enqueue(Buffer.from(head));
				if (sent >= 12) {
					c.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
					c.close();
					return;
				}
				sent++;
				c.enqueue(chunk);
			}
		});
		const res = await fetch(`${server.base}/api/ingest/surveys`, {
			method: 'POST',
			body,
			duplex: 'half',
			headers: { origin: server.base, cookie: qc, 'content-type': `multipart/form-data; boundary=${boundary}` }
		} as RequestInit);
		expect(res.status).toBe(413);
	});

	it('concurrent uploads queue on the write lock: never interleaved, each whole', async () => {
		const before = (await batches()).length;
		const complaints = readFileSync(sample('complaints_gbk.csv'));
		const traffic = readFileSync(sample('traffic.csv'));
		const staff = readFileSync(sample('staff.csv'));
		// the same file twice at once: the duplicate check runs inside the lock, so exactly one loads it
		const results = await Promise.all([
			upload('complaints', complaints, 'complaints_gbk.csv'),
			upload('complaints', complaints, 'complaints_gbk.csv'),
			upload('traffic', traffic, 'traffic.csv'),
			upload('staff', staff, 'staff.csv')
		]);
		const bodies = await Promise.all(results.map((r) => r.json()));
		expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
		expect(
			bodies
				.slice(0, 2)
				.map((b) => b.status)
				.sort()
		).toEqual(['committed', 'duplicate']);
		expect(bodies.slice(2).map((b) => [b.status, b.rows_loaded])).toEqual([
			['committed', 270],
			['committed', 36]
		]);
		const after = await batches();
		expect(after.length).toBe(before + 3);
		expect(
			after
				.slice(0, 3)
				.map((b) => b.kind)
				.sort()
		).toEqual(['complaints', 'staff', 'traffic']);
	});

	it('the progress of an unknown job is "unknown"', async () => {
		const res = await get(server, '/api/ingest/surveys?job=no-such-job-1', qc, 'application/json');
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ phase: 'unknown', ahead: 0, elapsed_ms: 0 });
	});

	it('a viewer or a manager gets 403 (JSON), a stranger 401; nothing is loaded', async () => {
		const before = await batches();
		for (const role of ['viewer', 'manager'] as const) {
			const cookie = await login(server, demoAccount(role).username, demoAccount(role).password);
			const res = await upload('traffic', 'date,store,visitors,transactions\n2025-01-01,X,1,1\n', 't.csv', {}, cookie);
			expect(res.status).toBe(403);
			expect(await res.json()).toHaveProperty('message');
		}
		const stranger = await upload('traffic', 'x', 't.csv', {}, '');
		expect(stranger.status).toBe(401);
		expect(await batches()).toEqual(before);
	});

	it('loads are in the audit log with the user as actor', async () => {
		const html = await (await get(server, '/admin/audit', admin)).text();
		expect(html).toContain(QC.username);
		expect(html).toMatch(/batch:\d+/u);
	});

	it('a contact log uploads like any kind: committed as a contacts batch; a bad duration refuses the file in the user language', async () => {
		const header = '会话编号,渠道,门店,坐席工号,进线时间,接起时间,结束时间,通话时长,客户电话';
		const good = `${header}\nW1,电话,杭州湖滨店,E01,2025-03-01 10:00:00,2025-03-01 10:00:09,2025-03-01 10:04:00,3:51,13800138000\n`;
		const res = await upload('contacts', good, 'contacts.csv');
		expect(res.status).toBe(200);
		const s = await res.json();
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 1 });
		expect((await batches())[0]).toMatchObject({ batch_id: s.batch_id, kind: 'contacts', status: 'committed', source: 'web' });
		const bad = await upload('contacts', good.replace('W1', 'W2').replace('3:51', '3m51s'), 'bad.csv', {}, qc, 'en');
		expect(bad.status).toBe(422);
		const refused = await bad.json();
		expect(refused.errors[0]).toMatchObject({ row: 2, code: 'duration_invalid', value: '3m51s' });
		expect(refused.errors[0].reason).toContain('is not a duration');
	});
});
