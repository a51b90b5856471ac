import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { readCsv, writeCsv } from '../helpers/csv';
import { sample } from '../helpers/db';
import { get, login, postForm, startServer, type RunningServer } from '../helpers/server';

/**
 * The server's log (JSON lines on stdout) never holds customer names or phones: a register with names
 * and phones is uploaded and loaded through the CLI handoff, its rows are drilled into, exported and
 * searched with those very values in the query string, and the captured output is checked line by line.
 */

let server: RunningServer;
let qc: string;
let leader: string;
let names: string[];
let phones: string[];
const PLANTED_NAME = '司马测试';
const PLANTED_PHONE = '138-1234-5678';

beforeAll(async () => {
	server = await startServer({ env: { LOG_LEVEL: 'info' }, prepare: async (db) => void (await ensureDemoUsers(db)) });
	const { header, rows } = readCsv(sample('complaints_gbk.csv'), 'gbk');
	const nameCol = header.indexOf('投诉人');
	const phoneCol = header.indexOf('联系电话');
	rows[0]![nameCol] = PLANTED_NAME;
	rows[0]![phoneCol] = PLANTED_PHONE;
	names = [...new Set(rows.map((r) => r[nameCol]!).filter((n) => n !== ''))];
	phones = [...new Set(rows.map((r) => r[phoneCol]!.replace(/^\+86/u, '').replace(/\D/gu, '')).filter((p) => p.length >= 7))];
	// the upload: a file named after a customer
	writeCsv(join(server.dir, 'first.csv'), header, rows.slice(0, 150));
	// the CLI handoff: a path naming a customer too
	mkdirSync(join(server.dir, PLANTED_NAME));
	writeCsv(join(server.dir, PLANTED_NAME, `${PLANTED_PHONE}.csv`), header, rows.slice(150));
	qc = await login(server, demoAccount('quality_officer').username, demoAccount('quality_officer').password);
	leader = await login(server, demoAccount('leadership').username, demoAccount('leadership').password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

function handoff(command: Record<string, unknown>) {
	const { token } = JSON.parse(readFileSync(`${server.dbPath}.server.json`, 'utf8')) as { token: string };
	return fetch(`${server.base}/api/internal/cli`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ locale: 'zh-CN', as: 'ops', ...command })
	});
}

/** Every log line as an object; adapter-node's own plain "Listening on …" banner is the one exception. */
function logLines(): Record<string, unknown>[] {
	return server
		.output()
		.split('\n')
		.filter((l) => l.trim() !== '' && !l.startsWith('Listening on '))
		.map((l) => {
			try {
				return JSON.parse(l) as Record<string, unknown>;
			} catch {
				throw new Error(`not a JSON log line: ${l}`);
			}
		});
}

describe('structured logs', () => {
	it('carry no customer name or phone, in any form, whatever the requests held', async () => {
		const form = new FormData();
		form.append('file', new Blob([readFileSync(join(server.dir, 'first.csv'))]), `${PLANTED_NAME}${PLANTED_PHONE}.csv`);
		const up = await fetch(`${server.base}/api/ingest/complaints`, {
			method: 'POST',
			body: form,
			headers: { origin: server.base, cookie: qc }
		});
		expect(up.status).toBe(200);
		const cli = await handoff({
			command: 'ingest',
			kind: 'complaints',
			file: join(server.dir, PLANTED_NAME, `${PLANTED_PHONE}.csv`),
			acceptPartial: false,
			dryRun: false
		});
		expect(((await cli.json()) as { json: { status: string } }).json.status).toBe('committed');

		const q = new URLSearchParams({
			from: '2025-01-01',
			to: '2025-12-31',
			grain: 'all',
			format: 'json',
			name: PLANTED_NAME,
			phone: PLANTED_PHONE
		});
		const rows = await get(server, `/api/rows/complaints?${q}`, leader, 'application/json');
		expect(rows.status).toBe(200);
		expect(await rows.text()).toContain(PLANTED_NAME); // leadership has pii: the rows do hold the name
		const csv = await get(
			server,
			`/api/rows/complaints?${new URLSearchParams({ from: '2025-01-01', to: '2025-12-31', grain: 'all', format: 'csv' })}`,
			leader,
			'text/csv'
		);
		expect(csv.status).toBe(200);
		await csv.text();
		const search = await get(
			server,
			`/api/rows/surveys?${new URLSearchParams({ from: '2025-01-01', to: '2025-12-31', q: `${PLANTED_NAME} 13812345678` })}`,
			qc,
			'application/json'
		);
		expect(search.status).toBe(200);
		await search.text();
		await (await get(server, `/complaints?${new URLSearchParams({ from: '2025-01-01', to: '2025-12-31', q: PLANTED_NAME })}`, qc)).text();
		await (await get(server, `/nothing/${PLANTED_NAME}/13812345678`, qc)).text();
		await (await postForm(server, '/login', { username: PLANTED_NAME, password: PLANTED_PHONE })).text();
		const loads = (await (await handoff({ command: 'batches', limit: 10 })).json()) as { json: { batch_id: number }[] };
		expect((await handoff({ command: 'rollback', batchId: Math.max(...loads.json.map((b) => b.batch_id)) })).status).toBe(200);

		const lines = logLines();
		const text = server.output();
		for (const n of names) {
			expect(text, `customer name ${n}`).not.toContain(n);
			expect(text, `customer name ${n}`).not.toContain(encodeURIComponent(n));
		}
		for (const p of phones) {
			expect(text, `phone ${p}`).not.toContain(p);
			// written with spaces, dashes or +86 anywhere in a line
			for (const run of text.match(/\d[\d\s+-]{5,}\d/gu) ?? []) expect(run.replace(/\D/gu, ''), `phone ${p}`).not.toContain(p);
		}

		// one line per request, with the route id rather than the URL, and the user's id and role
		const requests = lines.filter((l) => l.msg === 'request');
		expect(requests.length).toBeGreaterThanOrEqual(8);
		for (const r of requests) {
			expect(r).toMatchObject({
				level: 'info',
				component: 'http',
				method: expect.any(String),
				status: expect.any(Number),
				ms: expect.any(Number)
			});
			expect(typeof r.time).toBe('string');
			expect(r).toHaveProperty('route');
			expect(r).toHaveProperty('user_id');
			expect(r).toHaveProperty('role');
			expect(JSON.stringify(r)).not.toMatch(/[?&]from=/u);
		}
		expect(requests).toContainEqual(
			expect.objectContaining({ method: 'GET', route: '/api/rows/[kind]', status: 200, role: 'leadership', user_id: expect.any(Number) })
		);
		expect(requests).toContainEqual(expect.objectContaining({ route: null, status: 404 }));
		// loads and the rollback: batch, kind, source, rows, status, duration
		const loadLines = lines.filter((l) => l.msg === 'load');
		expect(loadLines).toContainEqual(
			expect.objectContaining({
				component: 'ingest',
				kind: 'complaints',
				source: 'web',
				status: 'committed',
				rows_loaded: 150,
				batch_id: expect.any(Number),
				ms: expect.any(Number)
			})
		);
		expect(loadLines).toContainEqual(expect.objectContaining({ kind: 'complaints', source: 'cli', status: 'committed', rows_loaded: 150 }));
		expect(lines).toContainEqual(expect.objectContaining({ msg: 'rollback', ok: true, removed: 150 }));
		expect(lines).toContainEqual(expect.objectContaining({ msg: 'server started', component: 'server' }));
	});
});
