import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILES, generate, type Truth } from '../../pipelines/generate';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import type { AuthUser } from '../../src/lib/shared/auth/roles';
import { readEvalConfig, saveEvalSettings, saveWeightRule } from '../../src/lib/server/features/evaluations/config';
import { staffScorecard } from '../../src/lib/server/features/evaluations/scorecard';
import { evaluationView } from '../../src/lib/server/features/evaluations/view';
import { DEFAULT_SETTINGS } from '../../src/lib/features/evaluations/model';
import { load, rows, sample, tempDatabase, tempDir } from '../helpers/db';

/**
 * Evaluations on real DuckDB files: the samples (three stores, January–March 2025 monthly appraisals)
 * and a small generated data set with its planted lenient reviewer.
 */

const userOf = (role: AuthUser['role']): AuthUser => {
	const a = demoAccount(role);
	return { id: 1, username: a.username, displayName: a.displayName, role: a.role, stores: a.stores, pii: a.pii };
};

describe('evaluations of the samples', () => {
	let t: Awaited<ReturnType<typeof tempDatabase>>;
	beforeAll(async () => {
		t = await tempDatabase();
		for (const [kind, file] of [
			['staff', 'staff.csv'],
			['appraisals', 'appraisals.csv'],
			['complaints', 'complaints_gbk.csv'],
			['surveys', 'surveys.csv']
		] as const) {
			expect((await load(t.db, kind, sample(file))).status).toBe('committed');
		}
	});
	afterAll(() => t?.close());

	it('rolls the quarter up from its months and ranks every store for leadership', async () => {
		const v = await evaluationView(t.db, userOf('leadership'), { cycle: 'quarter', period: null, group: 'store', stores: [] });
		expect(v.period).toBe('2025-Q1');
		// the default roll-up needs 2 of the quarter's 3 months
		const [n] = await rows<{ n: number }>(
			t.db,
			"SELECT count(*) AS n FROM (SELECT staff_id FROM appraisals WHERE period IN ('2025-01', '2025-02', '2025-03') GROUP BY staff_id HAVING count(*) >= 2)"
		);
		expect(v.summary.staff).toBe(Number(n!.n));
		expect(v.ranking).toHaveLength(v.summary.staff);
		expect(new Set(v.ranking.map((r) => r.store)).size).toBe(3);
		// every quarter total is the mean of the staff member's monthly totals (equal weights: the file totals)
		const [s1] = await rows<{ t: number }>(t.db, "SELECT round(avg(total_score), 2)::DOUBLE AS t FROM appraisals WHERE staff_id = 'S001'");
		expect(v.ranking.find((r) => r.staffId === 'S001')!.total).toBeCloseTo(Number(s1!.t), 2);
		expect(v.fairness).not.toBeNull();
		expect(v.distribution.reduce((a, d) => a + d.count, 0)).toBe(v.summary.staff);
	});

	it('shows a manager only their stores and a viewer no individual rows', async () => {
		const m = await evaluationView(t.db, userOf('manager'), { cycle: 'month', period: '2025-02', group: 'store', stores: [] });
		expect(m.ranking.length).toBeGreaterThan(0);
		expect(new Set(m.ranking.map((r) => r.store))).toEqual(new Set(['南京新街口店']));
		expect(m.fairness).toBeNull();
		const v = await evaluationView(t.db, userOf('viewer'), { cycle: 'month', period: '2025-02', group: 'store', stores: [] });
		expect(v.individual).toBe(false);
		expect([v.ranking, v.warnings, v.stars]).toEqual([[], [], []]);
		expect(v.summary.staff).toBeGreaterThan(0);
		expect(v.stores.map((s) => s.label)).toEqual(['杭州湖滨店']);
	});

	it('opens a scorecard only inside the store scope, with the evidence of each period', async () => {
		const card = await staffScorecard(t.db, ['南京新街口店'], 'S001', 'month');
		expect(card!.periods.map((p) => p.period)).toEqual(['2025-01', '2025-02', '2025-03']);
		expect(card!.periods.every((p) => p.evaluation !== null)).toBe(true);
		const [c] = await rows<{ n: number }>(
			t.db,
			"SELECT count(*) AS n FROM complaints WHERE subject_staff_id = 'S001' AND received_at >= '2025-01-01' AND received_at < '2025-04-01'"
		);
		expect(card!.periods.reduce((a, p) => a + p.complaints, 0)).toBe(Number(c!.n));
		const [s] = await rows<{ n: number }>(
			t.db,
			"SELECT count(overall) AS n FROM surveys WHERE staff_id = 'S001' AND submitted_at BETWEEN '2025-01-01' AND '2025-03-31'"
		);
		expect(card!.periods.reduce((a, p) => a + p.surveys.n, 0)).toBe(Number(s!.n));
		expect(await staffScorecard(t.db, ['杭州湖滨店'], 'S001', 'month')).toBeNull();
	});

	it('keeps old periods on their weights, reports totals that disagree, and audits every change', async () => {
		const actor = { name: 'leader' };
		const heavy = { business_ability: 60, communication: 10, teamwork: 10, service_attitude: 10, discipline: 10 };
		const save = (w: typeof heavy, from = '2025-03') =>
			t.db.withConnection((c) => saveWeightRule(c, { position: '*', effectiveFrom: from, weights: w }, actor));
		expect(await save({ ...heavy, discipline: 0 })).toEqual({ ok: false, error: 'weights_sum' });
		expect(await save(heavy, '2025-13')).toEqual({ ok: false, error: 'period' });
		expect(await save(heavy)).toEqual({ ok: true, changed: true });
		expect(await save(heavy)).toEqual({ ok: true, changed: false });
		const config = await t.db.withConnection(readEvalConfig);
		expect(config.rules.map((r) => r.effectiveFrom)).toEqual(['2025-03']);

		const [r] = await rows<Record<string, number>>(
			t.db,
			"SELECT business_ability::DOUBLE AS b, (communication + teamwork + service_attitude + discipline)::DOUBLE AS rest, total_score::DOUBLE AS file FROM appraisals WHERE staff_id = 'S001' AND period = '2025-03'"
		);
		// 60% business ability, 10% each of the other four
		const expected = Math.round(r!.b! * 60 + r!.rest! * 10) / 100;
		const user = userOf('leadership');
		const mar = await evaluationView(t.db, user, { cycle: 'month', period: '2025-03', group: 'store', stores: [] });
		const s1 = mar.ranking.find((x) => x.staffId === 'S001')!;
		expect(s1.total).toBeCloseTo(expected, 2);
		if (Math.abs(expected - r!.file!) > 0.5) expect(s1.fileTotalMismatch).toBe(r!.file);
		expect(mar.fairness!.mismatches.length).toBe(mar.summary.mismatches);
		// February keeps equal weights: totals are the file's
		const feb = await evaluationView(t.db, user, { cycle: 'month', period: '2025-02', group: 'store', stores: [] });
		expect(feb.summary.mismatches).toBe(0);

		expect(await t.db.withConnection((c) => saveEvalSettings(c, { ...DEFAULT_SETTINGS, warningThreshold: 85 }, actor))).toEqual({
			ok: true,
			changed: true
		});
		expect(await t.db.withConnection((c) => saveEvalSettings(c, { ...DEFAULT_SETTINGS, bands: { A: 80, B: 90, C: 60 } }, actor))).toEqual({
			ok: false,
			error: 'invalid'
		});
		expect((await t.db.withConnection(readEvalConfig)).settings.warningThreshold).toBe(85);
		const audit = await rows<{ target: string; detail: string }>(
			t.db,
			"SELECT target, detail FROM audit_log WHERE action = 'settings_changed' ORDER BY seq"
		);
		expect(audit.map((a) => a.target)).toEqual(['evaluation:weights:*:2025-03', 'evaluation:settings']);
		expect(JSON.parse(audit[1]!.detail)).toEqual({ warningThreshold: { from: 80, to: 85 } });
	});

	it('checks a loaded file’s totals against the weights in force for its position and month', async () => {
		// the '*' rule from 2025-03 set above: 60/10/10/10/10. Scores 100, 50, 50, 50, 50:
		// equal weights (before March) → (100 + 4·50)/5 = 60.00; from March → (100·60 + 4·50·10)/100 = 80.00
		const head = '工号,岗位,考核周期,业务能力,沟通能力,团队协作,服务态度,工作纪律,总分';
		const file = join(t.dir, 'weighted.csv');
		writeFileSync(
			file,
			`${head}\nX1,客服专员,2025-04,100,50,50,50,50,80\nX2,客服专员,2025-04,100,50,50,50,50,60\nX3,客服专员,2025-02,100,50,50,50,50,60\nX4,客服专员,2025-05,100,50,50,50,50,\n`
		);
		const s = await load(t.db, 'appraisals', file, { acceptPartial: true });
		expect(s.errors.map((e) => [e.row, e.code])).toEqual([[3, 'total_mismatch']]);
		expect(s.errors[0]!.reason).toContain('80.00');
		expect(
			await rows(
				t.db,
				"SELECT staff_id, total_score::DOUBLE AS total, grade::VARCHAR AS g FROM appraisals WHERE staff_id LIKE 'X%' ORDER BY 1"
			)
		).toEqual([
			{ staff_id: 'X1', total: 80, g: 'B' },
			{ staff_id: 'X3', total: 60, g: 'C' },
			{ staff_id: 'X4', total: 80, g: 'B' }
		]);
	});
});

describe('leniency on generated data', () => {
	const dir = tempDir('sqa-eval-gen-');
	let truth: Truth;
	let t: Awaited<ReturnType<typeof tempDatabase>>;
	beforeAll(async () => {
		truth = await generate({ outDir: dir.dir, scale: 3_000, seed: 7 });
		t = await tempDatabase();
		for (const kind of ['staff', 'appraisals'] as const)
			expect((await load(t.db, kind, join(dir.dir, FILES[kind]))).status).toBe('committed');
	}, 120_000);
	afterAll(() => {
		t?.close();
		dir.cleanup();
	});

	it('finds the planted lenient reviewer and no other lenient one', async () => {
		const lenient = (truth as unknown as { planted: { lenient_reviewer: { reviewer: string } } }).planted.lenient_reviewer.reviewer;
		expect(lenient).toBe('钱文静');
		const v = await evaluationView(t.db, userOf('leadership'), { cycle: 'year', period: null, group: 'store', stores: [] });
		const reviewers = v.fairness!.reviewers;
		const flagged = reviewers.filter((r) => r.verdict === 'higher').map((r) => r.reviewer);
		expect(flagged).toEqual([lenient]);
		const q = reviewers.find((r) => r.reviewer === lenient)!;
		expect(q.n).toBeGreaterThanOrEqual(30);
		expect(q.p).toBeLessThan(0.05);
	});

	it('gives no verdict to a reviewer under the minimum n', async () => {
		const v0 = await evaluationView(t.db, userOf('leadership'), { cycle: 'year', period: null, group: 'store', stores: [] });
		const n = v0.fairness!.reviewers.find((r) => r.reviewer === '钱文静')!.n;
		await t.db.withConnection((c) => saveEvalSettings(c, { ...DEFAULT_SETTINGS, leniencyMinN: n + 1 }, { name: 'leader' }));
		const v = await evaluationView(t.db, userOf('leadership'), { cycle: 'year', period: null, group: 'store', stores: [] });
		const q = v.fairness!.reviewers.find((r) => r.reviewer === '钱文静')!;
		expect(q.verdict).toBe('too_few');
		expect(v.fairness!.reviewers.filter((r) => r.n < n + 1).every((r) => r.verdict === 'too_few')).toBe(true);
	});
});
