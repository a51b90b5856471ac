import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Database } from '../../src/lib/server/core/db';
import { drillRows, queryMetric, type MetricRow } from '../../src/lib/server/metrics/query';
import { DEFAULT_CONTACT_LIMITS } from '../../src/lib/server/metrics/catalog';
import { saveContactLimits } from '../../src/lib/server/metrics/contact-limits';
import type { AuthUser } from '../../src/lib/shared/auth/roles';
import { load, tempDatabase } from '../helpers/db';
import { controlCharts } from '../../src/lib/server/features/quality/charts';
import { qualityReport } from '../../src/lib/server/features/quality/report';
import { staffScorecard } from '../../src/lib/server/features/evaluations/scorecard';
import { insertRows } from '../helpers/insert';
import { DEFAULT_RULES } from '../../src/lib/shared/quality/spc';

/**
 * Contact metrics on a hand-made log, loaded through the engine in two files (two batches). Every
 * expected number is worked out by hand in the comments, never by running the same SQL.
 *
 * 2025-03-03 and 2025-03-10 are Mondays (ISO weekday 1). Phones P1…P5. Waits are answered − arrived.
 */
const A = '杭州湖滨店';
const B = '南京新街口店';
const P = (i: number) => `1380000000${i}`;
const HEADER =
	'会话编号,渠道,门店,坐席工号,进线时间,接起时间,结束时间,通话时长,保持时长,话后处理时长,客户电话,是否解决,业务类型,回拨时间,呼叫方向';
const row = (...cells: string[]) => cells.join(',');

const FILE_1 = [
	HEADER,
	// wait 10; handle 240 s + 0:30 (mm:ss) + 0:00:20 (hh:mm:ss) = 290
	row(
		'k1',
		'电话',
		A,
		'E1',
		'2025-03-03 10:00:00',
		'2025-03-03 10:00:10',
		'2025-03-03 10:05:00',
		'240',
		'0:30',
		'0:00:20',
		P(1),
		'是',
		'退换货',
		'',
		''
	),
	// wait exactly 15 (within the service level); handle 2:30 + 0:00:30 = 180
	row(
		'k2',
		'电话',
		A,
		'E1',
		'2025-03-03 10:01:00',
		'2025-03-03 10:01:15',
		'2025-03-03 10:04:15',
		'2:30',
		'',
		'0:00:30',
		P(2),
		'否',
		'咨询',
		'',
		''
	),
	// wait 16 (missed); no durations: handle = end − answer = 240
	row('k3', '电话', A, 'E2', '2025-03-03 10:02:00', '2025-03-03 10:02:16', '2025-03-03 10:06:16', '', '', '', P(3), '', '咨询', '', ''),
	// not answered, hung up after 4 s: a short abandon, not offered
	row('k4', '电话', A, '', '2025-03-03 10:03:00', '', '2025-03-03 10:03:04', '', '', '', P(4), '', '', '', ''),
	// not answered after exactly 5 s: offered and abandoned; called back at 10:15, within 15 min of 10:04:05
	row('k5', '电话', A, '', '2025-03-03 10:04:00', '', '2025-03-03 10:04:05', '', '', '', P(5), '', '', '2025-03-03 10:15:00', ''),
	// abandoned after 60 s; the outbound call k7 reaches P4 at 11:20, after 11:16: not called back in time
	row('k6', '电话', B, '', '2025-03-03 11:00:00', '', '2025-03-03 11:01:00', '', '', '', P(4), '', '', '', ''),
	// outbound: not offered; handled 300 s
	row('k7', '电话', B, 'E3', '2025-03-03 11:20:00', '2025-03-03 11:20:00', '2025-03-03 11:25:00', '300', '', '', P(4), '', '', '', '呼出'),
	// online, wait 30; handle 9:00 = 540; P1 again, at another store, two hours after k1: k1 was not resolved first time
	row(
		'k9',
		'在线',
		B,
		'E3',
		'2025-03-03 12:00:00',
		'2025-03-03 12:00:30',
		'2025-03-03 12:10:00',
		'9:00',
		'',
		'',
		P(1),
		'是',
		'退换货',
		'',
		''
	),
	// not answered, no end time: offered, abandoned (its wait unknown, so not a short abandon); P2 again after k2
	row('k10', '电话', A, '', '2025-03-03 12:30:00', '', '', '', '', '', P(2), '', '', '', ''),
	''
].join('\n');

const FILE_2 = [
	HEADER,
	// answered 10 min after k10 (by 12:45, 15 min after its arrival): k10 counts as called back; wait 5; handle 0:05:00 = 300
	row(
		'k11',
		'电话',
		A,
		'E2',
		'2025-03-03 12:40:00',
		'2025-03-03 12:40:05',
		'2025-03-03 12:45:05',
		'0:05:00',
		'',
		'',
		P(2),
		'',
		'咨询',
		'',
		''
	),
	// P3 exactly 7 days after k3, in another file: within the window, so k3 was not resolved first time; wait 20; handle 300+10+10
	row(
		'k13',
		'在线',
		A,
		'E2',
		'2025-03-10 10:02:00',
		'2025-03-10 10:02:20',
		'2025-03-10 10:08:00',
		'300',
		'10',
		'10',
		P(3),
		'',
		'咨询',
		'',
		''
	),
	// wait 10; handle 100
	row('k14', '电话', A, 'E1', '2025-03-10 10:03:00', '2025-03-10 10:03:10', '2025-03-10 10:05:00', '100', '', '', P(5), '', '咨询', '', ''),
	''
].join('\n');

// P1 complains on 03-05 (after k1 and k9); P4 on 05-10, more than 30 days after k6.
const COMPLAINTS =
	'投诉编号,投诉时间,门店,联系电话\nT1,2025-03-05 09:00,杭州湖滨店,13800000001\nT2,2025-05-10 09:00,南京新街口店,13800000004\n';

const AS_OF = { asOf: '2025-04-30 00:00:00' };
const RANGE = { from: '2025-03-01', to: '2025-03-31', grain: 'all' as const, scope: null };

let db: Database;
let close: () => void;
beforeAll(async () => {
	let dir: string;
	({ db, dir, close } = await tempDatabase());
	const file = (name: string, text: string) => {
		writeFileSync(join(dir, name), text);
		return join(dir, name);
	};
	for (const [kind, name, text] of [
		['contacts', 'one.csv', FILE_1],
		['contacts', 'two.csv', FILE_2],
		['complaints', 'complaints.csv', COMPLAINTS]
	] as const) {
		const s = await load(db, kind, file(name, text));
		expect(s.status, JSON.stringify(s.errors)).toBe('committed');
	}
});
afterAll(() => close());

const q = (request: Record<string, unknown>, options = AS_OF) => queryMetric(db, { ...RANGE, ...request }, options);
const one = async (metric: string, options = AS_OF, extra: Record<string, unknown> = {}): Promise<MetricRow> => {
	const rows = await q({ metric, ...extra }, options);
	expect(rows.rows).toHaveLength(1);
	return rows.rows[0]!;
};
/** Every contact's arrival, 'YYYY-MM-DD HH:MM:SS'. */
const contactArrivals = () =>
	db.withConnection(async (c) =>
		(await c.runAndReadAll(`SELECT DISTINCT strftime(arrived_at, '%Y-%m-%d %H:%M:%S') AS at FROM contacts ORDER BY 1`))
			.getRows()
			.map((r) => String(r[0]))
	);
const byGroup = async (metric: string, by: string, options = AS_OF) =>
	Object.fromEntries((await q({ metric, by }, options)).rows.map((r) => [r.group, r.value]));

describe('queue metrics: offered, answered, service level, abandonment', () => {
	it('offered leaves out the short abandon (4 s) and the outbound call, keeps the 5 s abandon and the one without an end', async () => {
		// k1 k2 k3 k5 k6 k9 k10 k11 k13 k14
		expect((await one('contacts_offered')).value).toBe(10);
	});

	it('接通率 = 7 answered of 10 offered; 放弃率 = 3 of 10', async () => {
		expect(await one('answer_rate')).toMatchObject({ numerator: 7, denominator: 10, value: 70 });
		expect(await one('abandon_rate')).toMatchObject({ numerator: 3, denominator: 10, value: 30 });
	});

	it('服务水平: waits 10, 15 (exactly the limit: in), 5, 10 within 15 s; 16, 30, 20 not: 4 of 10', async () => {
		expect(await one('service_level')).toMatchObject({ numerator: 4, denominator: 10, value: 40 });
	});

	it('ASA mean 106/7 s, P90 24 s (sorted 5 10 10 15 16 20 30, position 5.4); online first response (30 + 20)/2', async () => {
		expect((await one('asa_mean_s')).value).toBeCloseTo(106 / 7, 9);
		expect((await one('asa_p90_s')).value).toBeCloseTo(24, 9);
		expect((await one('online_first_response_s')).value).toBeCloseTo(25, 9);
	});

	it('by hour × weekday: Monday 10:00 has 6 offered, 11:00 one, 12:00 three; a cell drills to exactly its rows', async () => {
		expect(await byGroup('contacts_offered', 'weekday_hour')).toEqual({ '1-10': 6, '1-11': 1, '1-12': 3 });
		const manager: AuthUser = { id: 1, username: 'm', displayName: 'm', role: 'manager', stores: null, pii: false };
		const drill = await drillRows(
			db,
			manager,
			{ ...RANGE, metric: 'contacts_offered', by: 'weekday_hour', group: '1-10', limit: 100 },
			AS_OF
		);
		expect(drill.total).toBe(6);
		expect(drill.rows.map((r) => r.contact_id)).toEqual(['k1', 'k2', 'k3', 'k5', 'k13', 'k14']);
		// phones masked for a user without pii, as a complaint's
		expect(drill.rows[0]!.customer_phone).not.toBe(P(1));
		expect(String(drill.rows[0]!.customer_phone)).toMatch(/\*/u);
	});

	it('the limits in force are bound: short abandon 10 s, 0 s; 在线 service level 30 s', async () => {
		const actor = { name: 'vitest' };
		try {
			expect((await saveContactLimits(db, { ...DEFAULT_CONTACT_LIMITS, shortAbandonSeconds: 10 }, actor)).ok).toBe(true);
			// k5 (5 s) is now a short abandon too
			expect((await one('contacts_offered')).value).toBe(9);
			expect((await saveContactLimits(db, { ...DEFAULT_CONTACT_LIMITS, shortAbandonSeconds: 0 }, actor)).ok).toBe(true);
			// and with none, k4 counts
			expect((await one('contacts_offered')).value).toBe(11);
			const online30 = { ...DEFAULT_CONTACT_LIMITS, serviceLevel: { default: 15, byChannel: { 在线: 30 } } };
			expect((await saveContactLimits(db, online30, actor)).ok).toBe(true);
			// k9 (30 s) and k13 (20 s) are online: within 30 s
			expect(await one('service_level')).toMatchObject({ numerator: 6, denominator: 10, value: 60 });
			expect((await saveContactLimits(db, { ...DEFAULT_CONTACT_LIMITS, fcrDays: 0 }, actor)).ok).toBe(false);
		} finally {
			await saveContactLimits(db, DEFAULT_CONTACT_LIMITS, actor);
		}
	});
});

describe('handle time', () => {
	it('AHT over answered contacts, outbound included: 290 180 240 300 540 300 320 100 → mean 283.75, median 295', async () => {
		expect((await one('aht_mean_s')).value).toBeCloseTo(283.75, 9);
		expect((await one('aht_median_s')).value).toBeCloseTo(295, 9);
		expect((await one('contacts_handled')).value).toBe(8);
	});

	it('by agent: E1 (290 180 100) 190, E2 (240 300 320) 286.67, E3 (300 540) 420', async () => {
		const aht = await byGroup('aht_mean_s', 'staff');
		expect(aht.E1).toBeCloseTo(190, 9);
		expect(aht.E2).toBeCloseTo(860 / 3, 9);
		expect(aht.E3).toBeCloseTo(420, 9);
	});
});

describe('first contact resolution', () => {
	it('by repeat within 7 days, across stores and files: k1 (P1 again at B), k2 (P2 again), k3 (P3 exactly 7 days later) are repeats; 4 of 7', async () => {
		// due: k1 k2 k3 k9 k11 k13 k14; resolved first time: k9 k11 k13 k14
		expect(await one('fcr_repeat')).toMatchObject({ numerator: 4, denominator: 7 });
		expect((await one('fcr_repeat')).value).toBeCloseTo(400 / 7, 9);
		// at store A the repeat of k1 happened at store B and still counts: k11 k13 k14 of k1 k2 k3 k11 k13 k14
		const byStore = await byGroup('fcr_repeat', 'store');
		expect(byStore).toEqual({ [A]: 50, [B]: 100 });
	});

	it('the rollup path agrees with the raw rows at every moment a window closes, the still-open days counted live', async () => {
		// just before, at and just after each contact's 7-day window closes: the day "now" falls on is the first live day
		const arrivals = await contactArrivals();
		expect(arrivals.length).toBeGreaterThan(10);
		for (const at of arrivals)
			for (const shift of [-1, 0, 1]) {
				const asOf = new Date(Date.parse(`${at.replace(' ', 'T')}Z`) + 7 * 86_400_000 + shift * 1000)
					.toISOString()
					.replace('T', ' ')
					.slice(0, 19);
				for (const by of [undefined, 'staff'] as const) {
					const rolled = await q({ metric: 'fcr_repeat', ...(by ? { by } : {}) }, { asOf });
					const raw = await queryMetric(db, { ...RANGE, metric: 'fcr_repeat', ...(by ? { by } : {}) }, { asOf, path: 'raw' });
					expect(rolled.path, asOf).toBe('rollup');
					expect(rolled.rows, `${asOf} ${by ?? ''}`).toEqual(raw.rows);
				}
			}
	});

	it('a window not yet closed is not judged: as of 03-12, k13 and k14 (03-10) are left out: 2 of 5', async () => {
		expect(await one('fcr_repeat', { asOf: '2025-03-12 00:00:00' })).toMatchObject({ numerator: 2, denominator: 5, value: 40 });
	});

	it('with a 6-day window, k3 (repeat after exactly 7 days) is resolved: 5 of 7', async () => {
		const actor = { name: 'vitest' };
		try {
			await saveContactLimits(db, { ...DEFAULT_CONTACT_LIMITS, fcrDays: 6 }, actor);
			expect(await one('fcr_repeat')).toMatchObject({ numerator: 5, denominator: 7 });
		} finally {
			await saveContactLimits(db, DEFAULT_CONTACT_LIMITS, actor);
		}
	});

	it('marked by the agent: 是 on k1 and k9, 否 on k2, the rest blank: 2 of 3', async () => {
		expect(await one('fcr_marked')).toMatchObject({ numerator: 2, denominator: 3 });
	});
});

describe('callbacks and complaints', () => {
	it('15 分钟回拨率: k5 by its callback time, k10 by the answered k11; k6 reached only after 19 min: 2 of 3', async () => {
		expect(await one('callback_15m_rate')).toMatchObject({ numerator: 2, denominator: 3 });
	});

	it('contacts whose phone complained within 30 days after: k1 and k9 (P1, 03-05), not k6 (P4, 68 days later): 2 of 10', async () => {
		expect(await one('contact_complaint_rate')).toMatchObject({ numerator: 2, denominator: 10, value: 20 });
		expect(await byGroup('contact_complaint_rate', 'store')).toEqual({ [A]: 12.5, [B]: 50 });
	});
});

describe('control charts of the service process (质量监控)', () => {
	const chart = (id: 'service_level_p' | 'answer_rate_p' | 'fcr_p' | 'aht_xmr' | 'asa_xmr') =>
		controlCharts(db, {
			chart: id,
			grain: 'month',
			range: { from: '2025-02-01', to: '2025-03-31' },
			scope: null,
			rules: DEFAULT_RULES,
			laney: 'off'
		});
	it('plot the catalog numbers: March service level 4/10, answer rate 7/10, AHT 283.75 s, ASA 106/7 s', async () => {
		const march = async (id: Parameters<typeof chart>[0]) =>
			(await chart(id)).charts[0]!.chart.points.find((p) => p.period === '2025-03-01')!;
		expect(await march('service_level_p')).toMatchObject({ value: 40, n: 10 });
		expect(await march('answer_rate_p')).toMatchObject({ value: 70, n: 10 });
		expect((await march('aht_xmr')).value).toBeCloseTo(283.75, 9);
		expect((await march('asa_xmr')).value).toBeCloseTo(106 / 7, 9);
		// FCR is judged as of now (2026 and later): every window has closed
		expect((await march('fcr_p')).n).toBe(7);
		// one chart per store besides the chain's, in pinyin order (杭 before 南)
		expect((await chart('service_level_p')).charts.map((c) => c.store)).toEqual([null, A, B]);
	});
});

describe('the monthly report (月报)', () => {
	it('has a service-process section with the same numbers: March service level 40%, 接通率 70%, 放弃率 30%', async () => {
		const r = await qualityReport(db, { grain: 'month', at: '2025-03-15', lastDay: '2025-03-31', scope: null });
		const value = (id: string) => r.service.find((h) => h.id === id)?.value;
		expect(r.service.map((h) => h.id)).toEqual(['service_level', 'answer_rate', 'abandon_rate', 'asa_mean_s', 'aht_mean_s', 'fcr_repeat']);
		expect(value('service_level')).toBe(40);
		expect(value('answer_rate')).toBe(70);
		expect(value('abandon_rate')).toBe(30);
		expect(value('aht_mean_s')).toBeCloseTo(283.75, 9);
	});
});

describe('the staff scorecard (员工档案)', () => {
	it("shows an agent's month: E1 handled k1 k2 k14, AHT (290 + 180 + 100)/3 = 190 s, FCR 1 of 3 (k1 and k2 came back)", async () => {
		await insertRows(db, 'appraisals', [
			{ staff_id: 'E1', period: '2025-03', period_type: 'month', period_start: '2025-03-01', store: A, total_score: 88, grade: 'B' }
		]);
		const card = await staffScorecard(db, null, 'E1', 'month');
		const march = card!.periods.find((p) => p.period === '2025-03')!;
		expect(march.contacts.handled).toBe(3);
		expect(march.contacts.aht).toBeCloseTo(190, 9);
		expect(march.contacts.fcr).toBeCloseTo(100 / 3, 9);
	});
});

// Last in the file: it loads more contacts, which the numbers above do not count.
describe("FCR's live day on what the log above lacks", () => {
	it('an outbound call is no repeat and two inbound contacts at the same second are in contact-number order, on both paths', async () => {
		const path = join(tmpdir(), `sqa-fcr-live-${process.pid}.csv`);
		writeFileSync(
			path,
			[
				HEADER,
				// P7: answered inbound, then only an outbound call of ours a day later: resolved first time
				row('m1', '电话', A, 'E1', '2025-03-20 10:00:00', '2025-03-20 10:00:05', '2025-03-20 10:03:00', '', '', '', P(7), '', '', '', ''),
				row(
					'm2',
					'电话',
					A,
					'E1',
					'2025-03-21 10:00:00',
					'2025-03-21 10:00:00',
					'2025-03-21 10:02:00',
					'',
					'',
					'',
					P(7),
					'',
					'',
					'',
					'呼出'
				),
				// P8: two answered inbound contacts at the same second: m3 (first by number) is followed by m4, a repeat; m4 is not
				row('m3', '电话', A, 'E2', '2025-03-20 11:00:00', '2025-03-20 11:00:05', '2025-03-20 11:03:00', '', '', '', P(8), '', '', '', ''),
				row('m4', '电话', A, 'E2', '2025-03-20 11:00:00', '2025-03-20 11:00:08', '2025-03-20 11:04:00', '', '', '', P(8), '', '', '', '')
			].join('\n')
		);
		const s = await load(db, 'contacts', path).finally(() => rmSync(path, { force: true }));
		expect(s.status, JSON.stringify(s.errors)).toBe('committed');
		const range = { ...RANGE, from: '2025-03-20', to: '2025-03-20' };
		for (const asOf of ['2025-03-27 09:59:59', '2025-03-27 10:00:00', '2025-03-27 10:59:59', '2025-03-27 11:00:00', '2025-03-27 11:00:01'])
			for (const by of [undefined, 'staff'] as const) {
				const input = { ...range, metric: 'fcr_repeat', ...(by ? { by } : {}) };
				const rolled = await queryMetric(db, input, { asOf });
				expect(rolled.path, asOf).toBe('rollup');
				expect(rolled.rows, `${asOf} ${by ?? ''}`).toEqual((await queryMetric(db, input, { asOf, path: 'raw' })).rows);
			}
		// by hand: as of 11:00:00 all three are judged; m1 and m4 kept, m3 a repeat
		expect((await queryMetric(db, { ...range, metric: 'fcr_repeat' }, { asOf: '2025-03-27 11:00:00' })).rows[0]).toMatchObject({
			numerator: 2,
			denominator: 3
		});
	});
});
