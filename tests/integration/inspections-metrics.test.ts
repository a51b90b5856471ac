import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { queryMetric, type MetricRow } from '../../src/lib/server/metrics/query';
import { checklistOn, DEFAULT_CHECKLIST, scoreInspection, type Checklist } from '../../src/lib/shared/inspections/checklist';
import { insertRows } from '../helpers/insert';
import { tempDatabase } from '../helpers/db';

/**
 * Inspection metrics on a fixture scored by hand under two checklist versions: the default one (six items,
 * pass 80, a fatal error scores 0) until January's end, then from 2025-02-01 a checklist of three items
 * (服务用语 30, 业务准确 40, 问题解决 30), pass 70, where a fatal error fails but keeps its points.
 */
const A = '杭州湖滨店';
const B = '南京新街口店';
const FEBRUARY: Checklist = {
	effectiveFrom: '2025-02-01',
	items: [
		{ item: '服务用语', maxPoints: 30 },
		{ item: '业务准确', maxPoints: 40 },
		{ item: '问题解决', maxPoints: 30 }
	],
	passLine: 70,
	fatalZero: false
};

type Row = [
	id: string,
	day: string,
	inspector: string,
	staff: string,
	store: string,
	points: Record<string, number>,
	fatalType: string | null
];
const six = (a: number, b: number, c: number, d: number, e: number, f: number) => ({
	服务用语: a,
	业务准确: b,
	流程完整: c,
	服务态度: d,
	问题解决: e,
	信息安全: f
});
const ROWS: Row[] = [
	// January, default checklist: score = the six items' sum; pass at 80; fatal → 0
	['i1', '2025-01-10', '刘芳', 'S1', A, six(15, 25, 20, 15, 15, 10), null], // 100, pass, loses 0
	['i2', '2025-01-11', '张伟', 'S1', A, six(10, 20, 15, 10, 10, 5), null], // 70, fail, loses 5 on every item
	['i3', '2025-01-12', '刘芳', 'S2', A, six(14, 24, 18, 14, 14, 9), '泄露客户信息'], // 93 → 0 (fatal), fail
	['i4', '2025-01-13', '张伟', 'S2', B, { ...six(12, 22, 16, 12, 12, 8), 礼貌用语: 3 }, null], // 82, pass; 礼貌用语 is on no checklist
	// February, the three-item checklist: pass at 70; a fatal error keeps its points and fails
	['i5', '2025-02-03', '刘芳', 'S1', A, { 服务用语: 25, 业务准确: 30, 问题解决: 20, 流程完整: 20 }, null], // 75, pass (流程完整 no longer scored)
	['i6', '2025-02-04', '张伟', 'S2', A, { 服务用语: 20, 业务准确: 30, 问题解决: 25 }, '辱骂客户'], // 75 kept, fail (fatal)
	['i7', '2025-02-05', '刘芳', 'S2', B, { 服务用语: 30, 业务准确: 40, 问题解决: 30 }, null] // 100, pass
];

let db: Database;
let close: () => void;

const q = (req: Record<string, unknown>) =>
	queryMetric(db, { filters: {}, scope: null, grain: 'all', from: '2025-01-01', to: '2025-02-28', ...req }).then((r) => r.rows);
const only = async (req: Record<string, unknown>): Promise<MetricRow> => {
	const rows = await q(req);
	expect(rows).toHaveLength(1);
	return rows[0]!;
};

beforeAll(async () => {
	({ db, close } = await tempDatabase());
	await insertRows(
		db,
		'inspections',
		ROWS.map(([inspection_id, inspected_at, inspector, staff_id, store, , fatal_type]) => ({
			inspection_id,
			inspected_at,
			inspector,
			staff_id,
			store,
			fatal: fatal_type !== null,
			fatal_type
		}))
	);
	await db.withConnection(async (c) => {
		for (const [id, , , , , points] of ROWS)
			await c.run(
				`UPDATE inspections SET item_points = map_from_entries(from_json($2, '[{"k": "VARCHAR", "v": "DOUBLE"}]')) WHERE inspection_id = $1`,
				[id, JSON.stringify(Object.entries(points).map(([k, v]) => ({ k, v })))]
			);
		await c.run(
			`INSERT INTO qa_checklists VALUES (DATE '2025-02-01', [{'item': '服务用语', 'max_points': 30}, {'item': '业务准确', 'max_points': 40}, {'item': '问题解决', 'max_points': 30}], 70, false, 'test', now())`
		);
	});
});
afterAll(() => close());

describe('scoring an inspection (the rule the SQL follows)', () => {
	it('sums the items of the checklist in force, applies the fatal rule and the pass line', () => {
		const both = [DEFAULT_CHECKLIST, FEBRUARY];
		const scored = ROWS.map(([, day, , , , points, fatal]) => scoreInspection(points, fatal !== null, checklistOn(both, day)));
		expect(scored.map((s) => s.score)).toEqual([100, 70, 0, 82, 75, 75, 100]);
		expect(scored.map((s) => s.passed)).toEqual([true, false, false, true, true, false, true]);
		expect(checklistOn(both, '2025-01-31')).toBe(DEFAULT_CHECKLIST);
		expect(checklistOn(both, '2025-02-01')).toBe(FEBRUARY);
	});
});

describe('inspection metrics under two checklist versions', () => {
	it('QA score mean per month: (100 + 70 + 0 + 82) / 4 = 63 in January, (75 + 75 + 100) / 3 in February', async () => {
		const rows = await q({ metric: 'qa_score_mean', grain: 'month' });
		expect(rows.map((r) => r.period)).toEqual(['2025-01-01', '2025-02-01']);
		expect(rows[0]!.value).toBe(63);
		expect(rows[1]!.value).toBeCloseTo(250 / 3, 10);
	});

	it('pass rate with n, the Wilson interval and the low-sample flag: 2 of 4 in January', async () => {
		const [jan, feb] = await q({ metric: 'qa_pass_rate', grain: 'month' });
		expect(jan).toMatchObject({ numerator: 2, denominator: 4, n: 4, value: 50, low_sample: true });
		// Wilson 95% for 2/4: (0.5 + z²/8 ± z·√(1/16 + z²/64)) / (1 + z²/4) = 0.1500…0.8500
		expect(jan!.ci_low).toBeCloseTo(15.0, 1);
		expect(jan!.ci_high).toBeCloseTo(85.0, 1);
		expect(feb).toMatchObject({ numerator: 2, denominator: 3, n: 3 });
	});

	it('fatal-error rate 2 of 7 over both months, and fatal errors by type', async () => {
		expect(await only({ metric: 'qa_fatal_rate' })).toMatchObject({ numerator: 2, denominator: 7, n: 7 });
		const byType = await q({ metric: 'qa_fatal_count', by: 'fatal_type' });
		expect(Object.fromEntries(byType.map((r) => [String(r.group), r.value]))).toEqual({ 泄露客户信息: 1, 辱骂客户: 1, null: 0 });
	});

	it('by inspector: 刘芳 (100 + 0 + 75 + 100) / 4, 张伟 (70 + 82 + 75) / 3', async () => {
		const rows = await q({ metric: 'qa_score_mean', by: 'inspector' });
		const by = Object.fromEntries(rows.map((r) => [String(r.group), r.value]));
		expect(by['刘芳']).toBe(68.75);
		expect(by['张伟']).toBeCloseTo(227 / 3, 10);
		const pass = Object.fromEntries((await q({ metric: 'qa_pass_rate', by: 'inspector' })).map((r) => [String(r.group), r.numerator]));
		expect(pass).toEqual({ 刘芳: 3, 张伟: 1 });
	});

	it("points lost per item (the Pareto) follow each day's checklist: older items stay in their own months", async () => {
		const rows = await q({ metric: 'qa_points_lost', by: 'item' });
		const by = Object.fromEntries(rows.map((r) => [String(r.group), r.value]));
		// January: 服务用语 0+5+1+3, 业务准确 0+5+1+3, 流程完整 0+5+2+4, 服务态度 0+5+1+3, 问题解决 0+5+1+3, 信息安全 0+5+1+2
		// February: 服务用语 5+10+0, 业务准确 10+10+0, 问题解决 10+5+0 (流程完整 of i5 is not on February's checklist)
		expect(by).toEqual({ 服务用语: 24, 业务准确: 29, 流程完整: 11, 服务态度: 9, 问题解决: 24, 信息安全: 8 });
		const feb = await q({ metric: 'qa_points_lost', by: 'item', from: '2025-02-01' });
		expect(feb.map((r) => r.group).sort()).toEqual(['业务准确', '问题解决', '服务用语'].sort());
	});

	it('store filter and scope apply: store B has i4 (82) and i7 (100)', async () => {
		expect((await only({ metric: 'qa_score_mean', filters: { store: [B] } })).value).toBe(91);
		expect((await only({ metric: 'inspection_count', scope: [B] })).value).toBe(2);
	});
});
