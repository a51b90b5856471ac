import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { inspectionsPage } from '../../src/lib/server/features/inspections/page';
import { qualityReport } from '../../src/lib/server/features/quality/report';
import { staffScorecard } from '../../src/lib/server/features/evaluations/scorecard';
import { readChecklists, saveChecklist } from '../../src/lib/server/features/inspections/checklist';
import { DEFAULT_CHECKLIST } from '../../src/lib/shared/inspections/checklist';
import { sampleSize } from '../../src/lib/shared/inspections/sampling';
import { readSample } from '../e2e/expected';
import { count, load, rows, sample, tempDatabase } from '../helpers/db';

/**
 * The 质检 page's data on the sample inspections (January–March 2025), checked against the file itself:
 * the month's counts, each inspector's workload, the calibration sample, coverage against the plan, the
 * week's fatal errors, contacts to draw when contact logs exist, and a checklist saved with its history.
 */
let db: Database;
let close: () => void;
const file = readSample('inspections.csv');
const day = (r: Record<string, string>) => {
	const [y, m, d] = r['质检日期']!.split('/');
	return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
};
const march = file.filter((r) => day(r).startsWith('2025-03'));
const page = (extra: Partial<Parameters<typeof inspectionsPage>[1]> = {}) =>
	inspectionsPage(db, { month: '2025-03', scope: null, displayName: '刘芳', ...extra });

beforeAll(async () => {
	({ db, close } = await tempDatabase());
	expect((await load(db, 'inspections', sample('inspections.csv'))).status).toBe('committed');
});
afterAll(() => close());

describe('the 质检 page data', () => {
	it("counts the month's inspections and each inspector's workload, the officer's own row marked", async () => {
		const p = await page();
		expect(p.figures.inspections).toBe(march.length);
		expect(p.figures.passRate.n).toBe(march.length);
		const byInspector = Object.fromEntries(p.workload.map((w) => [w.inspector, w.count]));
		for (const name of ['刘芳', '张伟', '陈晨']) expect(byInspector[name], name).toBe(march.filter((r) => r['质检员'] === name).length);
		expect(p.mine?.inspector).toBe('刘芳');
		expect((await page({ displayName: '王经理' })).mine).toBeNull();
	});

	it('finds the calibration sample: the contacts scored by two inspectors', async () => {
		const byContact = new Map<string, Set<string>>();
		for (const r of file)
			(byContact.get(r['会话编号']!) ?? byContact.set(r['会话编号']!, new Set()).get(r['会话编号']!)!).add(r['质检员']!);
		const p = await page();
		expect(p.calibration.contacts).toBe([...byContact.values()].filter((s) => s.size >= 2).length);
		expect(p.calibration.icc).not.toBeNull();
		// 15 shared contacts spread over three inspectors: below the 20 a verdict needs
		expect(p.calibration.inspectors.every((i) => i.shared.verdict === 'too_few')).toBe(true);
	});

	it('plans 97 inspections an agent at ±10 points without history, 385 at ±5, and lists every agent as under-inspected', async () => {
		const p = await page();
		const agents = new Set(file.map((r) => r['被检员工工号']));
		expect(p.coverage).toHaveLength(agents.size);
		expect(p.coverage.every((a) => a.required === sampleSize(0.5, 0.1) && a.required === 97)).toBe(true);
		for (const a of p.coverage) expect(a.done, a.staffId).toBe(march.filter((r) => r['被检员工工号'] === a.staffId).length);
		expect((await page({ marginPoints: 5 })).coverage[0]!.required).toBe(385);
	});

	it("lists the last seven days' fatal errors, up to the last inspection", async () => {
		const p = await page();
		const last = file.map(day).sort().at(-1)!;
		expect(p.asOf).toBe(last);
		const weekStart = new Date(Date.parse(`${last}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
		const expected = file.filter((r) => r['致命错误'] === '是' && day(r) >= weekStart).map((r) => r['质检编号']);
		expect(p.fatalWeek.map((f) => f.id)).toEqual(expected);
	});

	it('gives counts only without contact logs, and draws uninspected contacts of the month when they exist', async () => {
		expect((await page()).next).toEqual({ available: false, byAgent: [] });
		const inspected = march.find((r) => r['被检员工工号'] === 'S002')!['会话编号']!;
		await db.withConnection(async (c) => {
			// rows of the contacts kind as a load writes them (batch 0: no batch record needed here)
			const call = (id: string, arrived: string, answered: string | null) =>
				c.run(
					`INSERT INTO contacts (contact_id, channel, store, agent_id, arrived_at, answered_at, direction, batch_id)
					 VALUES ($1, '电话', '南京新街口店', 'S002', $2::TIMESTAMP, $3::TIMESTAMP, '呼入', 0)`,
					[id, arrived, answered]
				);
			for (let i = 0; i < 30; i++) {
				const h = String(9 + (i % 12)).padStart(2, '0');
				const d = String(2 + Math.floor(i / 12)).padStart(2, '0');
				await call(`K${i}`, `2025-03-${d} ${h}:00:00`, `2025-03-${d} ${h}:00:10`);
			}
			await call(inspected, '2025-03-03 10:00:00', '2025-03-03 10:00:05');
			// not answered, and another month: never drawn
			await call('KX', '2025-03-04 10:00:00', null);
			await call('KY', '2025-02-04 10:00:00', '2025-02-04 10:00:05');
		});
		const next = (await page()).next;
		expect(next.available).toBe(true);
		const s002 = next.byAgent.find((a) => a.staffId === 'S002')!;
		expect(s002.contacts).toHaveLength(10);
		expect(s002.contacts.every((c) => /^K\d+$/u.test(c))).toBe(true);
		expect((await page()).next).toEqual(next);
		// a user of another store is offered nothing of this one
		expect((await page({ scope: ['杭州湖滨店'] })).next.byAgent.find((a) => a.staffId === 'S002')).toBeUndefined();
		await db.withConnection((c) => c.run('DELETE FROM contacts'));
	});

	it("gives the monthly report a 质检 section: March's figures against February's, and the items losing the most", async () => {
		const r = await qualityReport(db, { grain: 'month', at: '2025-03-15', lastDay: '2025-03-31', scope: null });
		const count = r.inspections!.headline.find((h) => h.id === 'inspection_count')!;
		expect([count.value, count.previous]).toEqual([march.length, file.filter((x) => day(x).startsWith('2025-02')).length]);
		expect(r.inspections!.headline.map((h) => h.id)).toEqual([
			'inspection_count',
			'qa_score_mean',
			'qa_pass_rate',
			'qa_fatal_rate',
			'qa_fatal_count'
		]);
		const lost = r.inspections!.pointsLost;
		expect(lost.length).toBe(6);
		expect(lost.map((p) => p.current)).toEqual([...lost.map((p) => p.current)].sort((a, b) => b - a));
		// a month without inspections on either side has no section
		expect((await qualityReport(db, { grain: 'month', at: '2025-06-15', lastDay: '2025-06-30', scope: null })).inspections).toBeNull();
	});

	it("puts the QA score, pass rate and fatal errors on the staff member's scorecard, per period", async () => {
		expect((await load(db, 'appraisals', sample('appraisals.csv'))).status).toBe('committed');
		const card = (await staffScorecard(db, null, 'S015', 'month'))!;
		for (const month of ['2025-01', '2025-02', '2025-03']) {
			const own = file.filter((r) => r['被检员工工号'] === 'S015' && day(r).startsWith(month));
			const p = card.periods.find((x) => x.period === month)!;
			expect(p.qa.n, month).toBe(own.length);
			expect(p.qa.fatal, month).toBe(own.filter((r) => r['致命错误'] === '是').length);
			expect(p.qa.score!, month).toBeCloseTo(own.reduce((a, r) => a + Number(r['总分']), 0) / own.length, 10);
			expect(p.qa.lowSample).toBe(true);
		}
		expect(card.periods.find((x) => x.period === '2025-02')!.qa.fatal).toBe(1);
	});

	it('keeps store scope: a user of one store sees only its inspections', async () => {
		const p = await page({ scope: ['杭州湖滨店'] });
		expect(p.figures.inspections).toBe(march.filter((r) => r['门店'] === '杭州湖滨店').length);
		expect(new Set(p.coverage.map((a) => a.store))).toEqual(new Set(['杭州湖滨店']));
	});
});

describe('saving a checklist', () => {
	const actor = { name: 'qc', ip: '127.0.0.1' };

	it('refuses a pass line above the total and duplicate items', async () => {
		const bad = { ...DEFAULT_CHECKLIST, effectiveFrom: '2025-03-01', passLine: 120 };
		expect(await db.withConnection((c) => saveChecklist(c, bad, actor))).toEqual({ ok: false, error: 'pass_line' });
		const dup = {
			...DEFAULT_CHECKLIST,
			effectiveFrom: '2025-03-01',
			items: [...DEFAULT_CHECKLIST.items, { item: '服务用语 ', maxPoints: 5 }]
		};
		expect(await db.withConnection((c) => saveChecklist(c, dup, actor))).toEqual({ ok: false, error: 'item_duplicate' });
	});

	it('adds a checklist from a day on, keeps the older one, audits it, and rescoring follows', async () => {
		const before = (await page()).figures.passRate.value!;
		const strict = { ...DEFAULT_CHECKLIST, effectiveFrom: '2025-03-01', passLine: 95 };
		expect(await db.withWriteLock((c) => saveChecklist(c, strict, actor))).toEqual({ ok: true, changed: true });
		expect(await db.withWriteLock((c) => saveChecklist(c, strict, actor))).toEqual({ ok: true, changed: false });
		const all = await db.withConnection(readChecklists);
		expect(all.map((c) => [c.effectiveFrom, c.passLine])).toEqual([
			['1970-01-01', 80],
			['2025-03-01', 95]
		]);
		expect(await count(db, 'audit_log', "action = 'settings_changed' AND target = 'inspections:checklist:2025-03-01'")).toBe(1);
		const after = await page();
		expect(after.current.passLine).toBe(95);
		// March is scored with the stricter pass line; February still with 80
		expect(after.figures.passRate.value!).toBeLessThan(before);
		const feb = await page({ month: '2025-02' });
		const [r] = await rows<{ passed: number }>(
			db,
			"SELECT count(*) FILTER (WHERE NOT fatal AND total >= 80)::INTEGER AS passed FROM inspections WHERE strftime(inspected_at, '%Y-%m') = '2025-02'"
		);
		expect(Math.round((feb.figures.passRate.value! * feb.figures.passRate.n) / 100)).toBe(r!.passed);
	});
});
