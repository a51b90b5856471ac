import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { cachedRun, queryMetric, type MetricRow } from '../../src/lib/server/metrics/query';
import { compileMetric } from '../../src/lib/server/metrics/compile';
import { insertRows } from '../helpers/insert';
import { tempDatabase } from '../helpers/db';

/**
 * Every number here was worked out by hand from the fixture below (see the comments), not by running
 * the same SQL. Durations use DuckDB's quantile_cont (linear interpolation: position (n−1)·q between
 * the sorted values, as Excel's PERCENTILE.INC).
 */
const A = '杭州湖滨店';
const B = '南京新街口店';

// id, received, store, severity, channel, category, department, response h, resolution h, status, escalated, in_scope, follow-up day, follow-up satisfaction, phone hash
type C = [
	string,
	string,
	string,
	'一般' | '重大',
	string,
	string,
	string,
	number | null,
	number | null,
	string,
	boolean | null,
	boolean | null,
	string | null,
	number | null,
	bigint | null
];
const COMPLAINTS: C[] = [
	['c1', '2025-01-02 10:00:00', A, '一般', '电话', '商品质量', '客服部', 2, 80, '已办结', false, true, '2025-01-07 10:00:00', 5, 111n],
	['c2', '2025-01-02 14:00:00', A, '重大', '现场', '服务态度', '营运部', 30, 100, '已办结', true, false, null, null, 222n],
	['c3', '2025-01-03 09:00:00', A, '一般', '电话', '价格', '客服部', 4, null, '处理中', null, true, null, null, null],
	['c4', '2025-01-05 11:00:00', A, '一般', '在线', '商品质量', '客服部', 10, 20, '已办结', false, true, '2025-01-08 10:00:00', 3, 444n],
	['c5', '2025-01-12 10:00:00', A, '一般', '电话', '商品质量', '客服部', 1, 48, '已办结', false, true, '2025-01-15 10:00:00', 4, 111n], // 10 days after c1: repeat
	['c6', '2025-01-11 08:00:00', B, '一般', '电话', '其他', '客服部', 5, 30, '已办结', false, true, null, null, 333n],
	['c7', '2025-02-20 08:00:00', B, '一般', '电话', '其他', '客服部', 50, null, '处理中', null, null, null, null, 333n], // 40 days after c6: not a repeat
	['c8', '2025-01-20 09:00:00', B, '重大', '现场', '服务态度', '营运部', null, null, '待处理', null, null, null, null, null],
	['c9', '2025-02-03 10:00:00', A, '一般', '电话', '商品质量', '客服部', null, null, '待处理', null, null, null, null, null]
];

const addHours = (ts: string, h: number) => {
	const d = new Date(`${ts.replace(' ', 'T')}Z`);
	d.setUTCHours(d.getUTCHours() + h);
	return d.toISOString().slice(0, 19).replace('T', ' ');
};

// A: 01-05 has complaints (c4) but no traffic row; 01-04 has traffic but no complaints.
const TRAFFIC: [string, string, number][] = [
	[A, '2025-01-02', 1000],
	[A, '2025-01-03', 500],
	[A, '2025-01-04', 800],
	[A, '2025-01-12', 2000],
	[B, '2025-01-11', 1000],
	[B, '2025-01-20', 1000]
];

// A, January: 10 responses; B, January: 40 responses without an NPS answer.
const A_OVERALL = [5, 5, 4, 4, 4, 3, 2, 5, 1, 4];
const A_NPS = [10, 9, 9, 8, 7, 6, 5, 10, 9, 3];
const A_ENV = [4, 4, 4, 4, 4, 5, 5, 5, 5, 5];

let db: Database;
let close: () => void;
const AS_OF = { asOf: '2025-03-01 00:00:00' };

const q = (req: Record<string, unknown>, opts = AS_OF) =>
	queryMetric(db, { filters: {}, scope: null, grain: 'month', from: '2025-01-01', to: '2025-01-31', ...req }, opts).then((r) => r.rows);
const only = async (req: Record<string, unknown>, opts = AS_OF): Promise<MetricRow> => {
	const rows = await q(req, opts);
	expect(rows).toHaveLength(1);
	return rows[0]!;
};

beforeAll(async () => {
	({ db, close } = await tempDatabase());
	await insertRows(
		db,
		'complaints',
		COMPLAINTS.map(([id, at, store, severity, channel, category, department, resp, resol, status, escalated, in_scope, fu, fus, hash]) => ({
			complaint_id: id,
			received_at: at,
			store,
			severity,
			channel,
			category,
			department,
			first_response_at: resp === null ? null : addHours(at, resp),
			resolved_at: resol === null ? null : addHours(at, resol),
			status,
			escalated,
			in_scope,
			follow_up_at: fu,
			follow_up_satisfaction: fus,
			customer_phone_hash: hash
		}))
	);
	await insertRows(
		db,
		'traffic',
		TRAFFIC.map(([store, date, transactions]) => ({ store, date, transactions, visitors: transactions * 10 }))
	);
	await insertRows(db, 'surveys', [
		...A_OVERALL.map((overall, i) => ({
			response_id: `a${i}`,
			submitted_at: `2025-01-${String(i + 1).padStart(2, '0')}`,
			store: A,
			method: '问卷',
			overall,
			nps: A_NPS[i],
			environment: A_ENV[i]
		})),
		...Array.from({ length: 40 }, (_, i) => ({
			response_id: `b${i}`,
			submitted_at: '2025-01-15',
			store: B,
			method: '访谈',
			overall: i < 30 ? 5 : 2,
			nps: null
		}))
	]);
	await insertRows(db, 'appraisals', [
		{ staff_id: 's1', period: '2025-01', period_type: 'month', period_start: '2025-01-01', store: A, total_score: 90, grade: 'A' },
		{ staff_id: 's2', period: '2025-01', period_type: 'month', period_start: '2025-01-01', store: A, total_score: 80, grade: 'B' }
	]);
});

afterAll(() => close?.());

describe('complaint metrics on a hand-computed fixture', () => {
	it('complaint_count by store and month', async () => {
		const rows = await q({ metric: 'complaint_count', to: '2025-02-28', by: 'store' });
		// ORDER BY period, group: '南京…' sorts before '杭州…' by code point
		expect(rows).toEqual([
			{ period: '2025-01-01', group: B, value: 2 }, // c6, c8
			{ period: '2025-01-01', group: A, value: 5 }, // c1-c5
			{ period: '2025-02-01', group: B, value: 1 }, // c7
			{ period: '2025-02-01', group: A, value: 1 } // c9
		]);
	});

	it('complaint_rate ‰ over the same store-days: a store-day without traffic is out of both sides', async () => {
		const rows = await q({ metric: 'complaint_rate', by: 'store' });
		// A: days 01-02 (2), 01-03 (1), 01-04 (0), 01-12 (1) → 4 / (1000+500+800+2000) × 1000; c4 on 01-05 has no traffic row.
		// B: 01-11 (1), 01-20 (1) → 2 / 2000 × 1000
		expect(rows).toHaveLength(2);
		expect(rows[0]).toMatchObject({ group: B, numerator: 2, denominator: 2000, value: 1 });
		expect(rows[1]).toMatchObject({ group: A, numerator: 4, denominator: 4300 });
		expect(rows[1]!.value).toBeCloseTo((4 / 4300) * 1000, 10);
		// a category filter narrows the numerator only: 商品质量 on A's traffic days = c1, c5
		const cat = await only({ metric: 'complaint_rate', filters: { category: ['商品质量'], store: [A] } });
		expect(cat).toMatchObject({ numerator: 2, denominator: 4300 });
	});

	it('first response and resolution time: median and p90 (quantile_cont)', async () => {
		// A, January response hours sorted: 1, 2, 4, 10, 30 → median 4; p90 at position 3.6 → 10 + 0.6·20 = 22
		const byStore = await q({ metric: 'first_response_median_h', by: 'store' });
		expect(byStore).toEqual([
			{ period: '2025-01-01', group: B, value: 5 }, // c6 only (c8 has no response)
			{ period: '2025-01-01', group: A, value: 4 }
		]);
		expect((await only({ metric: 'first_response_p90_h', filters: { store: [A] } })).value).toBeCloseTo(22, 9);
		// both stores: 1, 2, 4, 5, 10, 30 → median (4+5)/2 = 4.5; p90 at 4.5 → 10 + 0.5·20 = 20
		expect((await only({ metric: 'first_response_median_h' })).value).toBeCloseTo(4.5, 9);
		expect((await only({ metric: 'first_response_p90_h' })).value).toBeCloseTo(20, 9);
		// A resolution hours: 20, 48, 80, 100 → median 64; p90 at 2.7 → 80 + 0.7·20 = 94
		expect((await only({ metric: 'resolution_median_h', filters: { store: [A] } })).value).toBeCloseTo(64, 9);
		expect((await only({ metric: 'resolution_p90_h', filters: { store: [A] } })).value).toBeCloseTo(94, 9);
	});

	it('SLA compliance: 重大 at 100 h is within 168 h, 一般 at 80 h misses 72 h, overdue open complaints are breaches', async () => {
		// A January resolution: c1 一般 80 h ✗, c2 重大 100 h ✓, c3 open since 01-03 ✗ (overdue), c4 20 h ✓, c5 48 h ✓ → 3 / 5
		expect(await only({ metric: 'sla_resolution_compliance', filters: { store: [A] } })).toMatchObject({
			numerator: 3,
			denominator: 5,
			value: 60
		});
		// B: c6 30 h ✓; c8 重大 open since 01-20 09:00 — overdue by 03-01 (✗), not yet due on 01-25 (age 111 h < 168 h: not counted)
		expect(await only({ metric: 'sla_resolution_compliance', filters: { store: [B] } })).toMatchObject({
			numerator: 1,
			denominator: 2,
			value: 50
		});
		expect(await only({ metric: 'sla_resolution_compliance', filters: { store: [B] } }, { asOf: '2025-01-25 00:00:00' })).toMatchObject({
			numerator: 1,
			denominator: 1,
			value: 100
		});
		// response within 24 h, January: c2 (30 h) late, c8 never answered (overdue); the other five on time → 5 / 7
		const resp = await only({ metric: 'sla_response_compliance' });
		expect(resp).toMatchObject({ numerator: 5, denominator: 7 });
		expect(resp.value).toBeCloseTo((5 / 7) * 100, 9);
	});

	it('closure rate (an all-open month is 0, not missing), backlog, escalation, out-of-scope, follow-up', async () => {
		const closure = await q({ metric: 'closure_rate', to: '2025-02-28' });
		expect(closure).toHaveLength(2);
		expect(closure[0]).toMatchObject({ period: '2025-01-01', numerator: 5, denominator: 7 }); // c3, c8 open
		expect(closure[0]!.value).toBeCloseTo((5 / 7) * 100, 9);
		expect(closure[1]).toEqual({ period: '2025-02-01', numerator: 0, denominator: 2, value: 0 }); // c7, c9 both open
		expect((await q({ metric: 'open_backlog', to: '2025-02-28' })).map((r) => r.value)).toEqual([2, 2]);
		// escalated filled: c1 c2 c4 c5 c6 → 1 escalated (c2)
		expect(await only({ metric: 'escalation_rate' })).toMatchObject({ numerator: 1, denominator: 5, value: 20 });
		// in_scope filled: c1-c6 → c2 out of scope
		const oos = await only({ metric: 'out_of_scope_rate' });
		expect(oos).toMatchObject({ numerator: 1, denominator: 6 });
		expect(oos.value).toBeCloseTo(100 / 6, 9);
		// closed: c1 c2 c4 c5 c6; followed up: c1 c4 c5
		expect(await only({ metric: 'followup_rate' })).toMatchObject({ numerator: 3, denominator: 5, value: 60 });
		// results: c1 5, c4 3, c5 4 → 2 satisfied of 3
		const fs = await only({ metric: 'followup_satisfaction' });
		expect(fs).toMatchObject({ numerator: 2, denominator: 3 });
		expect(fs.value).toBeCloseTo(200 / 3, 9);
	});

	it('repeat complaints: same phone 10 days apart is a repeat, 40 days apart is not; the look-back reaches before the range', async () => {
		// with a phone: c1 c2 c4 c5 (111 again, +10 d) c6 c7 (333 again, +40 d) → 1 / 6
		const all = await only({ metric: 'repeat_complaint_rate', to: '2025-02-28', grain: 'all' });
		expect(all).toMatchObject({ period: null, numerator: 1, denominator: 6 });
		expect(all.value).toBeCloseTo(100 / 6, 9);
		// only 01-12 … 01-31: c5 alone has a phone, and its earlier complaint (c1, 01-02) lies before the range
		expect(await only({ metric: 'repeat_complaint_rate', from: '2025-01-12', grain: 'all' })).toMatchObject({
			numerator: 1,
			denominator: 1,
			value: 100
		});
	});

	it('honours the store scope: nothing outside it is counted, even when filtered for', async () => {
		expect(await q({ metric: 'complaint_count', by: 'store', scope: [A] })).toEqual([{ period: '2025-01-01', group: A, value: 5 }]);
		expect(await q({ metric: 'complaint_count', scope: [A], filters: { store: [B] } })).toEqual([]);
		expect(await q({ metric: 'complaint_rate', scope: [B] })).toEqual([
			{ period: '2025-01-01', numerator: 2, denominator: 2000, value: 1 }
		]);
		expect(await q({ metric: 'complaint_count', scope: [] })).toEqual([]);
	});

	it('cuts by week and day', async () => {
		// ISO weeks start on Monday: 2024-12-30 (c1-c4: 01-02, 01-02, 01-03, 01-05), 2025-01-06 (c5 01-12, c6 01-11), 2025-01-20 (c8)
		expect((await q({ metric: 'complaint_count', grain: 'week' })).map((r) => [r.period, r.value])).toEqual([
			['2024-12-30', 4],
			['2025-01-06', 2],
			['2025-01-20', 1]
		]);
		expect((await q({ metric: 'complaint_count', grain: 'day', to: '2025-01-03' })).map((r) => [r.period, r.value])).toEqual([
			['2025-01-02', 2],
			['2025-01-03', 1]
		]);
	});
});

describe('survey and appraisal metrics', () => {
	it('CSAT with n, its 95% Wilson interval and the low-sample flag', async () => {
		const rows = await q({ metric: 'csat', by: 'store' });
		// Wilson, z = 1.959964: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
		// B: 30 of 40 gave 5 → 75%, interval 59.8060–85.8129%, n ≥ 30
		expect(rows[0]).toMatchObject({ group: B, numerator: 30, denominator: 40, n: 40, value: 75, low_sample: false });
		expect(rows[0]!.ci_low).toBeCloseTo(59.806, 3);
		expect(rows[0]!.ci_high).toBeCloseTo(85.8129, 3);
		// A: 7 of 10 at ≥ 4 → 70%, interval 39.6778–89.2209%, n < 30
		expect(rows[1]).toMatchObject({ group: A, numerator: 7, denominator: 10, n: 10, value: 70, low_sample: true });
		expect(rows[1]!.ci_low).toBeCloseTo(39.6778, 3);
		expect(rows[1]!.ci_high).toBeCloseTo(89.2209, 3);
	});

	it('NPS: % 9-10 − % 0-6 among responses with an answer; none answered → null value, n 0, low sample', async () => {
		const rows = await q({ metric: 'nps', by: 'store' });
		// B: no NPS answers
		expect(rows[0]).toMatchObject({ group: B, value: null, n: 0, numerator: 0, ci_low: null, ci_high: null, low_sample: true });
		// A: promoters 10,9,9,10,9 = 5; detractors 6,5,3 = 3 → (5−3)/10 = 20; ± 1.959964·√((0.5+0.3−0.2²)/10)·100 = 54.0325
		expect(rows[1]).toMatchObject({ group: A, numerator: 2, denominator: 10, n: 10, promoters: 5, detractors: 3, low_sample: true });
		expect(rows[1]!.value).toBeCloseTo(20, 9);
		expect(rows[1]!.ci_low).toBeCloseTo(-34.0325, 3);
		expect(rows[1]!.ci_high).toBeCloseTo(74.0325, 3);
	});

	it('means, response count and appraisal mean', async () => {
		expect(await only({ metric: 'csat_mean', filters: { store: [A] } })).toMatchObject({ value: 3.7 }); // 37 / 10
		const env = await q({ metric: 'environment_mean', by: 'store' });
		expect(env).toEqual([
			{ period: '2025-01-01', group: B, value: null }, // not answered
			{ period: '2025-01-01', group: A, value: 4.5 }
		]);
		expect(await q({ metric: 'response_count', by: 'method' })).toEqual([
			// groups sort as text: 访 (U+8BBF) before 问 (U+95EE)
			{ period: '2025-01-01', group: '访谈', value: 40 },
			{ period: '2025-01-01', group: '问卷', value: 10 }
		]);
		expect(await only({ metric: 'appraisal_mean' })).toMatchObject({ value: 85 });
	});
});

describe('time buckets, top-2-box, grade distribution', () => {
	it('complaint_count by response and resolution bucket (hours, upper bound excluded; no time → no bucket)', async () => {
		// January response hours: c5 1, c1 2, c3 4, c6 5, c4 10, c2 30, c8 none
		const resp = await q({ metric: 'complaint_count', by: 'response_bucket', grain: 'all' });
		expect(Object.fromEntries(resp.map((r) => [String(r.group), r.value]))).toEqual({
			'0-2': 1,
			'2-4': 1,
			'4-8': 2,
			'8-12': 1,
			'24-48': 1,
			null: 1
		});
		// resolution hours: c4 20, c6 30, c5 48, c1 80, c2 100; c3 and c8 unresolved
		const resol = await q({ metric: 'complaint_count', by: 'resolution_bucket', grain: 'all' });
		expect(Object.fromEntries(resol.map((r) => [String(r.group), r.value]))).toEqual({
			'12-24': 1,
			'24-48': 1,
			'48-72': 1,
			'72-120': 2,
			null: 2
		});
	});

	it('open backlog by age at "now": closed complaints have no age bucket', async () => {
		const ages = (asOf: string) =>
			q({ metric: 'open_backlog', by: 'age_bucket', grain: 'all', to: '2025-02-28' }, { asOf }).then((rows) =>
				Object.fromEntries(rows.map((r) => [String(r.group), r.value]))
			);
		// as of 03-01 00:00: c3 (01-03 09:00) 56 d 15 h, c8 (01-20 09:00) 39 d 15 h → 720+; c9 (02-03 10:00) 614 h, c7 (02-20 08:00) 208 h → 168-720
		expect(await ages('2025-03-01 00:00:00')).toEqual({ '168-720': 2, '720+': 2, null: 0 });
		// as of 02-21 08:00: c7 exactly 24 h old → 24-72; c9 430 h → 168-720; c3 1175 h, c8 767 h → 720+
		expect(await ages('2025-02-21 08:00:00')).toEqual({ '24-72': 1, '168-720': 1, '720+': 2, null: 0 });
	});

	it('per-item top-2-box with n and its Wilson interval; an unanswered item is null over 0', async () => {
		// A's environment: five 4s and five 5s → 10 / 10; Wilson 72.2467–100% (not "100% ±0"); n 10 < 30
		const env = await only({ metric: 'environment_t2b' });
		expect(env).toMatchObject({ numerator: 10, denominator: 10, value: 100, n: 10, ci_high: 100, low_sample: true });
		expect(env.ci_low).toBeCloseTo(72.2467, 3);
		expect(await only({ metric: 'price_t2b' })).toMatchObject({ numerator: 0, denominator: 0, value: null, n: 0, low_sample: true });
	});

	it('appraisal count by grade is the grade distribution', async () => {
		expect(await q({ metric: 'appraisal_count', by: 'grade' })).toEqual([
			{ period: '2025-01-01', group: 'A', value: 1 },
			{ period: '2025-01-01', group: 'B', value: 1 }
		]);
	});
});

describe('comparison with the previous period and last year', () => {
	it('previous period: calendar-aligned (February against all of January), periods matched by position', async () => {
		// February against 01-01 … 01-31: c1 c2 c3 c4 c5 (A), c6 c8 (B) = 7; February: c7, c9 = 2
		const rows = await queryMetric(
			db,
			{ metric: 'complaint_count', from: '2025-02-01', to: '2025-02-28', grain: 'month', filters: {}, scope: null },
			{ ...AS_OF, compare: 'previous' }
		);
		expect(rows.rows).toEqual([{ period: '2025-02-01', value: 2, compare_period: '2025-01-01', compare_value: 7 }]);
		expect(rows.columns.map((c) => c.name)).toEqual(['period', 'value', 'compare_period', 'compare_value']);
		// by store, whole range: A c9 vs c1…c5; B c7 vs c6 c8
		const byStore = await queryMetric(
			db,
			{ metric: 'complaint_count', from: '2025-02-01', to: '2025-02-28', grain: 'all', by: 'store', filters: {}, scope: null },
			{ ...AS_OF, compare: 'previous' }
		);
		expect(byStore.rows).toEqual([
			{ period: null, group: B, value: 1, compare_period: null, compare_value: 2 },
			{ period: null, group: A, value: 1, compare_period: null, compare_value: 5 }
		]);
	});

	it('last year: the same days a year earlier; no data then → null', async () => {
		const rows = await queryMetric(
			db,
			{ metric: 'complaint_count', from: '2025-01-01', to: '2025-01-31', grain: 'month', filters: {}, scope: null },
			{ ...AS_OF, compare: 'last_year' }
		);
		expect(rows.rows).toEqual([{ period: '2025-01-01', value: 7, compare_period: '2024-01-01', compare_value: null }]);
	});
});

describe('result cache', () => {
	it('serves a repeat from the cache, shares concurrent identical queries, and never outlives a write', async () => {
		const compiled = compileMetric({
			metric: 'complaint_count',
			from: '2025-03-01',
			to: '2025-03-31',
			grain: 'all',
			filters: {},
			scope: null
		});
		const [a, b] = await Promise.all([cachedRun(db, compiled), cachedRun(db, compiled)]);
		expect(a).toBe(b); // one query, one result object
		expect(a.rows).toEqual([]); // no complaint in March yet
		expect(await cachedRun(db, compiled)).toBe(a);
		// a write under the write lock (as loads and rollbacks are) changes the data version
		await db.withWriteLock((conn) =>
			conn.run(
				`INSERT INTO complaints (complaint_id, received_at, store, severity, status, batch_id) VALUES ('c10', '2025-03-02 10:00:00', $1, '一般', '待处理', 0)`,
				[A]
			)
		);
		const after = await cachedRun(db, compiled);
		expect(after.rows).toEqual([{ period: null, value: 1 }]);
		await db.withWriteLock((conn) => conn.run(`DELETE FROM complaints WHERE complaint_id = 'c10'`));
		expect((await cachedRun(db, compiled)).rows).toEqual([]);
	});
});

describe('low scores and extra survey questions', () => {
	it('counts low scores (overall 1-2) and cuts the extra questions by question', async () => {
		// A: overall 2 and 1 → 2; B: the last 10 of 40 gave 2 → 10
		expect((await q({ metric: 'low_score_count', by: 'store' })).map((r) => [r.group, r.value])).toEqual([
			[B, 10],
			[A, 2]
		]);
		await db.withWriteLock(async (conn) => {
			await conn.run(`UPDATE surveys SET extra_answers = MAP {'X1': 4, 'X2': 2} WHERE response_id = 'a0'`);
			await conn.run(`UPDATE surveys SET extra_answers = MAP {'X1': 5} WHERE response_id = 'a1'`);
			await conn.run(`UPDATE surveys SET extra_answers = MAP {'X1': 3} WHERE response_id = 'b0'`);
		});
		// X1: 4, 5, 3 → mean 4 over 3 answers; X2: 2 alone
		expect(await q({ metric: 'extra_answer_mean', by: 'question', grain: 'all' })).toEqual([
			{ period: null, group: 'X1', value: 4 },
			{ period: null, group: 'X2', value: 2 }
		]);
		expect(await q({ metric: 'extra_answer_count', by: 'question', grain: 'all', filters: { store: [A] } })).toEqual([
			{ period: null, group: 'X1', value: 2 },
			{ period: null, group: 'X2', value: 1 }
		]);
	});
});
