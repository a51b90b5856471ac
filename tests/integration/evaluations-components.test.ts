import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import type { AuthUser } from '../../src/lib/shared/auth/roles';
import { readEvalConfig, saveWeightRule } from '../../src/lib/server/features/evaluations/config';
import { appraisalRows } from '../../src/lib/server/features/evaluations/data';
import { staffScorecard } from '../../src/lib/server/features/evaluations/scorecard';
import { evaluationView } from '../../src/lib/server/features/evaluations/view';
import { evaluatePeriod, type ComponentWeights, type Weights } from '../../src/lib/features/evaluations/model';
import { DEFAULT_CHECKLIST } from '../../src/lib/shared/inspections/checklist';
import { insertRows } from '../helpers/insert';
import { load, rows, sample, tempDatabase } from '../helpers/db';

/**
 * The optional components of 绩效考核 (QA score, FCR) on the samples' appraisals and a hand-scored inspection
 * fixture (default checklist: the six items' points summed). S001's appraisals (data/samples/appraisals.csv):
 * 2025-01 84 80 92 89 89, 2025-02 83 86 87 91 87, 2025-03 87 99 85 85 96 — equal-weight totals 86.8, 86.8, 90.4.
 */
const leadership = (): AuthUser => {
	const a = demoAccount('leadership');
	return { id: 1, username: a.username, displayName: a.displayName, role: a.role, stores: a.stores, pii: a.pii };
};
const STORE = '南京新街口店';
/** points on the default checklist's six items, in its order (服务用语 15, 业务准确 25, 流程完整 20, 服务态度 15, 问题解决 15, 信息安全 10) */
const six = (...points: number[]) => Object.fromEntries(DEFAULT_CHECKLIST.items.map((it, i) => [it.item, points[i]!]));
const INSPECTIONS: [id: string, day: string, points: Record<string, number>][] = [
	['q1', '2025-02-14', six(10, 20, 15, 10, 10, 5)], // 70 (February: before the rule, must not count)
	['q2', '2025-03-05', six(15, 25, 20, 15, 15, 10)], // 100
	['q3', '2025-03-20', six(10, 20, 15, 10, 10, 5)] // 70 → March QA score (100 + 70) / 2 = 85
];

let t: Awaited<ReturnType<typeof tempDatabase>>;
beforeAll(async () => {
	t = await tempDatabase();
	for (const [kind, file] of [
		['staff', 'staff.csv'],
		['appraisals', 'appraisals.csv']
	] as const)
		expect((await load(t.db, kind, sample(file))).status).toBe('committed');
	await insertRows(
		t.db,
		'inspections',
		INSPECTIONS.map(([inspection_id, inspected_at]) => ({
			inspection_id,
			inspected_at,
			inspector: '刘芳',
			staff_id: 'S001',
			store: STORE,
			fatal: false
		}))
	);
	await t.db.withConnection(async (c) => {
		for (const [id, , points] of INSPECTIONS)
			await c.run(
				`UPDATE inspections SET item_points = map_from_entries(from_json($2, '[{"k": "VARCHAR", "v": "DOUBLE"}]')) WHERE inspection_id = $1`,
				[id, JSON.stringify(Object.entries(points).map(([k, v]) => ({ k, v })))]
			);
	});
});
afterAll(() => t?.close());

const view = (cycle: 'month' | 'quarter', period: string) =>
	evaluationView(t.db, leadership(), { cycle, period, group: 'store', stores: [] });
const totalOf = async (cycle: 'month' | 'quarter', period: string, staff: string) =>
	(await view(cycle, period)).ranking.find((r) => r.staffId === staff)!.total;

describe('optional components of the evaluation', () => {
	it('leaves every total as the appraisals give it while no component has weight', async () => {
		const config = await t.db.withConnection(readEvalConfig);
		expect(config.rules.every((r) => !r.components || (r.components.qa_score === 0 && r.components.fcr === 0))).toBe(true);
		const all = await appraisalRows(t.db, null);
		for (const [cycle, period] of [
			['month', '2025-03'],
			['quarter', '2025-Q1']
		] as const) {
			const v = await view(cycle, period);
			const plain = evaluatePeriod(all, period, config.rules, config.settings);
			const byId = (a: { staffId: string }, b: { staffId: string }) => a.staffId.localeCompare(b.staffId);
			expect(v.ranking.map((r) => [r.staffId, r.total, r.grade]).sort()).toEqual(
				[...plain].sort(byId).map((e) => [e.staffId, e.total, e.grade])
			);
		}
		expect(await totalOf('month', '2025-03', 'S001')).toBe(90.4);
	});

	it('weights the QA score in from the rule’s month on, keeps older periods, and audits the rule', async () => {
		const actor = { name: 'leader' };
		const dims: Weights = { business_ability: 16, communication: 16, teamwork: 16, service_attitude: 16, discipline: 16 };
		const save = (weights: Weights, components: ComponentWeights) =>
			t.db.withConnection((c) => saveWeightRule(c, { position: '*', effectiveFrom: '2025-03', weights, components }, actor));
		// all weight on a component (the appraisal must stay the base) and a sum over 100 are refused
		const zero: Weights = { business_ability: 0, communication: 0, teamwork: 0, service_attitude: 0, discipline: 0 };
		expect(await save(zero, { qa_score: 100, fcr: 0 })).toEqual({ ok: false, error: 'weights_sum' });
		expect(await save(dims, { qa_score: 20, fcr: 10 })).toEqual({ ok: false, error: 'weights_sum' });
		expect(await save(dims, { qa_score: 20, fcr: 0 })).toEqual({ ok: true, changed: true });
		expect(await save(dims, { qa_score: 20, fcr: 0 })).toEqual({ ok: true, changed: false });
		expect((await t.db.withConnection(readEvalConfig)).rules.map((r) => [r.effectiveFrom, r.components])).toEqual([
			['2025-03', { qa_score: 20, fcr: 0 }]
		]);

		// March: (16·(87 + 99 + 85 + 85 + 96) + 20·85) / 100 = (7232 + 1700) / 100 = 89.32
		expect(await totalOf('month', '2025-03', 'S001')).toBe(89.32);
		// February, before the rule: equal weights, its inspection (70) not counted
		expect(await totalOf('month', '2025-02', 'S001')).toBe(86.8);
		// S002 has no inspection: the component is left out, 16 × 5 renormalised = equal weights: (88+82+79+90+85)/5
		expect(await totalOf('month', '2025-03', 'S002')).toBe(84.8);
		// the quarter rolls up its months, each with its own rule: (86.8 + 86.8 + 89.32) / 3 = 87.64
		expect(await totalOf('quarter', '2025-Q1', 'S001')).toBe(87.64);
		// the scorecard shows the same total
		const card = await staffScorecard(t.db, [STORE], 'S001', 'month');
		expect(card!.periods.find((p) => p.period === '2025-03')!.evaluation!.total).toBe(89.32);

		const [a] = await rows<{ detail: string }>(
			t.db,
			"SELECT detail FROM audit_log WHERE action = 'settings_changed' AND target = 'evaluation:weights:*:2025-03'"
		);
		expect(JSON.parse(a!.detail)).toMatchObject({ from: null, to: { ...dims, qa_score: 20, fcr: 0 } });
	});
});
