import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { insertRows } from '../helpers/insert';
import { login, startServer, type RunningServer } from '../helpers/server';

/**
 * Privacy on the built server, for users without pii or without individual scores: phones in every
 * written form and the row's customer name masked in drill-down JSON, Arrow and CSV; search that
 * cannot recover what masking hides (rows API and the 满意度 comments); the minimum group size on
 * staff-score aggregates; `by=staff` refused for roles without scorecards.
 */
const A = '杭州湖滨店'; // the demo viewer's store
const B = '南京新街口店'; // the demo manager's store (manager: rows, scorecards, no pii)

/** Each phone as a customer wrote it into a summary, and its digits. */
const FORMS: [string, string][] = [
	['138.1234.5678', '13812345678'],
	['(010)87654321', '01087654321'],
	['（0571）87654321', '057187654321'],
	['１３９８７６５４３２１', '13987654321'],
	['1381 234 5678', '13812345678'],
	['+86 139-1111-2222', '13911112222'],
	['0571-8765-4321', '057187654321'],
	['0086 136 2222 3333', '13622223333']
];

const complaint = (id: string, at: string, extra: Record<string, unknown>) => ({
	complaint_id: id,
	received_at: at,
	store: B,
	severity: '一般',
	status: '已办结',
	channel: '电话',
	category: '价格',
	...extra
});
const appraisal = (id: string, department: string, score: number) => ({
	staff_id: id,
	period: '2025-01',
	period_type: 'month',
	period_start: '2025-01-01',
	staff_name: `员工${id}`,
	store: A,
	department,
	position: '客服专员',
	business_ability: score,
	communication: score,
	teamwork: score,
	service_attitude: score,
	discipline: score,
	total_score: score,
	grade: score >= 90 ? 'A' : score >= 80 ? 'B' : 'C'
});

/** The lone member of 财务部 scores 61.37 on everything: a viewer must never see that number. */
const LONE_SCORE = 61.37;

let server: RunningServer;
let manager: string;
let viewer: string;
let admin: string;
let leader: string;

beforeAll(async () => {
	server = await startServer({
		prepare: async (db) => {
			await ensureDemoUsers(db);
			await insertRows(db, 'complaints', [
				complaint('p0', '2025-03-01 09:00:00', {
					summary: '客户王小明投诉营业员态度差，请回电 13812345678',
					customer_name: '王小明',
					customer_phone: '13812345678'
				}),
				...FORMS.map(([written], i) =>
					complaint(`p${i + 1}`, `2025-03-0${(i % 8) + 2} 10:00:00`, {
						summary: `顾客留电话${written}，要求退款`,
						customer_name: '李四',
						customer_phone: '13900001111'
					})
				)
			]);
			await insertRows(db, 'surveys', [
				{ response_id: 'r1', submitted_at: '2025-03-10', store: B, overall: 1, nps: 0, comment: '服务太差，回电138.1234.5678' },
				{ response_id: 'r2', submitted_at: '2025-03-11', store: B, overall: 2, nps: 3, comment: '排队太久' }
			]);
			await insertRows(db, 'appraisals', [
				...[91, 88, 85, 82, 79, 76].map((s, i) => appraisal(`K${i}`, '客服部', s)),
				...[90, 86, 84, 80, 78].map((s, i) => appraisal(`Y${i}`, '营业部', s)),
				appraisal('F0', '财务部', LONE_SCORE)
			]);
		}
	});
	manager = await login(server, demoAccount('manager').username, demoAccount('manager').password);
	viewer = await login(server, demoAccount('viewer').username, demoAccount('viewer').password);
	admin = await login(server, demoAccount('admin').username, demoAccount('admin').password);
	leader = await login(server, demoAccount('leadership').username, demoAccount('leadership').password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

const fetchAs = (cookie: string, path: string, init: { accept?: string; lang?: string } = {}) =>
	fetch(`${server.base}${path}`, {
		headers: { cookie, accept: init.accept ?? 'application/json', 'accept-language': init.lang ?? 'zh-CN' },
		redirect: 'manual'
	});

/** Runs of 7 or more digits of `digits` in `text` (full-width folded; spaces, dots, dashes and brackets between digits ignored). */
function leaked(text: string, digits: string): string | null {
	const runs =
		text
			.normalize('NFKC')
			.replace(/(?<=\d)[\s.\-()+]+(?=\d)/gu, '')
			.match(/\d{7,}/gu) ?? [];
	for (const run of runs) for (let i = 0; i + 7 <= run.length; i++) if (digits.includes(run.slice(i, i + 7))) return run;
	return null;
}

const MARCH = 'from=2025-03-01&to=2025-03-31&grain=all';

describe('phones in free text, in every written form, are masked for users without pii', () => {
	it('in drill-down JSON', async () => {
		const res = await fetchAs(manager, `/api/rows/complaints?${MARCH}&limit=100`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { rows: { complaint_id: string; summary: string }[] };
		expect(body.rows).toHaveLength(FORMS.length + 1);
		for (const [i, [written, digits]] of FORMS.entries()) {
			const summary = body.rows.find((r) => r.complaint_id === `p${i + 1}`)!.summary;
			expect(leaked(summary, digits), `${written} → ${summary}`).toBeNull();
			expect(summary, written).toMatch(/\*{3,}\d{4}/u);
		}
	});

	it('in drill-down Arrow', async () => {
		const res = await fetchAs(manager, `/api/rows/complaints?${MARCH}&limit=100`, { accept: 'application/vnd.apache.arrow.stream' });
		expect(res.status).toBe(200);
		const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
		const summaries = table.getChild('summary')!.toArray() as string[];
		for (const [written, digits] of FORMS) for (const s of summaries) expect(leaked(s, digits), `${written} → ${s}`).toBeNull();
	});

	it('in the CSV export of a user with export but without pii', async () => {
		const res = await fetchAs(admin, `/api/rows/complaints?${MARCH}&format=csv`);
		expect(res.status).toBe(200);
		const csv = await res.text();
		expect(csv).toContain('顾客留电话');
		for (const [written, digits] of FORMS) expect(leaked(csv, digits), written).toBeNull();
		expect(csv).not.toContain('王小明');
	});

	it('in the 满意度 comments', async () => {
		const res = await fetchAs(manager, `/satisfaction?from=2025-03-01&to=2025-03-31`, { accept: 'text/html' });
		const html = await res.text();
		expect(html).toContain('服务太差，回电138****5678');
		expect(leaked(html, '13812345678')).toBeNull();
	});

	it("masks the row's customer name inside its summary, as in the name column", async () => {
		const body = (await (await fetchAs(manager, `/api/rows/complaints?${MARCH}&limit=100`)).json()) as {
			rows: { complaint_id: string; summary: string; customer_name: string }[];
		};
		const p0 = body.rows.find((r) => r.complaint_id === 'p0')!;
		expect(p0.customer_name).toBe('王**');
		expect(p0.summary).toBe('客户王**投诉营业员态度差，请回电 138****5678');
		const pii = (await (await fetchAs(leader, `/api/rows/complaints?${MARCH}&limit=100`)).json()) as {
			rows: { complaint_id: string; summary: string }[];
		};
		expect(pii.rows.find((r) => r.complaint_id === 'p0')!.summary).toBe('客户王小明投诉营业员态度差，请回电 13812345678');
	});
});

describe('search cannot reveal what masking hides', () => {
	const total = async (cookie: string, kind: string, q: string) => {
		const res = await fetchAs(cookie, `/api/rows/${kind}?${MARCH}&q=${encodeURIComponent(q)}&limit=1`);
		expect(res.status).toBe(200);
		return ((await res.json()) as { total: number }).total;
	};

	it('40 searches do not rebuild a phone shown as 138****5678', async () => {
		// the attack: extend the visible prefix one digit at a time, keeping the digit that still finds rows
		let known = '138';
		for (let pos = 0; pos < 4; pos++) {
			for (let d = 0; d <= 9; d++) {
				if ((await total(manager, 'complaints', `${known}${d}`)) > 0) {
					known += String(d);
					break;
				}
			}
		}
		expect(known).toBe('138');
		// from the visible end backwards as well
		for (let d = 0; d <= 9; d++) expect(await total(manager, 'complaints', `${d}5678`)).toBe(0);
		// what the user sees is what they can search
		expect(await total(manager, 'complaints', '138****5678')).toBeGreaterThan(0);
		// a user with pii searches the stored text
		expect(await total(leader, 'complaints', '13812345678')).toBeGreaterThan(0);
	});

	it('a name masked in the text cannot be searched for', async () => {
		expect(await total(manager, 'complaints', '王小明')).toBe(0);
		expect(await total(manager, 'complaints', '小明')).toBe(0);
		expect(await total(manager, 'complaints', '客户王**')).toBe(1);
		expect(await total(leader, 'complaints', '王小明')).toBe(1);
	});

	it('the 满意度 comment search matches the masked comment', async () => {
		expect(await total(manager, 'surveys', '1381234')).toBe(0);
		expect(await total(manager, 'surveys', '138****5678')).toBe(1);
		const page = async (q: string) => {
			const html = await (
				await fetchAs(manager, `/satisfaction?from=2025-03-01&to=2025-03-31&q=${encodeURIComponent(q)}`, { accept: 'text/html' })
			).text();
			return Number(/data-total="(\d+)"/u.exec(html)?.[1]);
		};
		expect(await page('1381')).toBe(0);
		expect(await page('138*')).toBe(1);
		expect(await page('排队')).toBe(1);
	});
});

describe('the minimum group size (5 staff) for roles without individual scores', () => {
	type Row = { group: string | null; value: number | null; suppressed?: boolean };
	const metric = async (cookie: string, path: string) => {
		const res = await fetchAs(cookie, path);
		expect(res.status, await res.clone().text()).toBe(200);
		return ((await res.json()) as { rows: Row[] }).rows;
	};
	const JAN = 'from=2025-01-01&to=2025-01-31&grain=all';

	it('suppresses a one-person department in appraisal_mean?by=department, and the next smallest so the total cannot give it away', async () => {
		const rows = await metric(viewer, `/api/metrics/appraisal_mean?${JAN}&by=department&format=json`);
		const by = Object.fromEntries(rows.map((r) => [r.group, r]));
		expect(by['财务部']).toMatchObject({ value: null, suppressed: true });
		expect(by['营业部']).toMatchObject({ value: null, suppressed: true });
		expect(by['客服部']!.suppressed).toBe(false);
		expect(by['客服部']!.value).toBeCloseTo((91 + 88 + 85 + 82 + 79 + 76) / 6, 6);
		// filtering to the one department is a group of one as well
		expect(await metric(viewer, `/api/metrics/appraisal_mean?${JAN}&department=${encodeURIComponent('财务部')}&format=json`)).toEqual([
			{ period: null, value: null, suppressed: true }
		]);
		// a manager sees individual scores anyway
		const m = await metric(leader, `/api/metrics/appraisal_mean?${JAN}&by=department&format=json`);
		expect(m.find((r) => r.group === '财务部')!.value).toBeCloseTo(LONE_SCORE, 6);
	});

	it('keeps a grade distribution of enough people whole', async () => {
		const rows = await metric(viewer, `/api/metrics/appraisal_count?${JAN}&by=grade&format=json`);
		expect(rows.every((r) => r.suppressed === false)).toBe(true);
		expect(rows.reduce((a, r) => a + (r.value ?? 0), 0)).toBe(12);
	});

	it('refuses by=staff to roles without scorecards (403, in the request language)', async () => {
		for (const m of ['csat', 'complaint_count', 'appraisal_mean']) {
			const res = await fetchAs(viewer, `/api/metrics/${m}?${JAN}&by=staff&format=json`);
			if (m === 'appraisal_mean') {
				expect(res.status).toBe(400); // appraisals have no staff dimension
				continue;
			}
			expect(res.status).toBe(403);
			expect(await res.json()).toMatchObject({ code: 'individual_not_allowed', message: expect.stringContaining('按员工拆分') });
		}
		const en = await fetchAs(viewer, `/api/metrics/csat?${JAN}&by=staff&format=json`, { lang: 'en' });
		expect(en.status).toBe(403);
		expect(((await en.json()) as { message: string }).message).toContain('scorecards permission');
		expect((await fetchAs(manager, `/api/metrics/csat?${JAN}&by=staff&format=json`)).status).toBe(200);
	});

	it("shows a viewer's evaluations page the one-person department as suppressed, never its scores", async () => {
		const res = await fetchAs(viewer, `/evaluations/__data.json?cycle=month&period=2025-01&group=department`);
		expect(res.status).toBe(200);
		const data = await res.text();
		expect(data).not.toContain(String(LONE_SCORE));
		const html = await (await fetchAs(viewer, `/evaluations?cycle=month&period=2025-01&group=department`, { accept: 'text/html' })).text();
		expect(html).toContain('data-field="suppressed"');
		expect(html).not.toContain(String(LONE_SCORE));
		// a manager of that store would see it; the viewer's store comparison has one store: the others are nobody
		expect(html).toContain('财务部（人数不足）');
	});
});
