import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { ingest } from '../../pipelines/engine';
import { FILES, generate, type Truth } from '../../pipelines/generate';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { SOURCES } from '../../src/lib/server/metrics/catalog';
import { calibrate, type ScoredInspection } from '../../src/lib/server/features/inspections/calibration';
import { controlCharts } from '../../src/lib/server/features/quality/charts';
import { DEFAULT_RULES } from '../../src/lib/shared/quality/spc';

/**
 * The generated inspections carry three planted truths; the product finds each with its own tools: the harsh
 * inspector by the calibration, the agent with repeated 信息安全 fatal errors by the fatal-error metrics, and
 * 流程完整 losing points at one store from a date by the item score rate before and after.
 */
const work = mkdtempSync(join(tmpdir(), 'sqa-generate-inspections-'));
let truth: Truth;
let db: Database;

beforeAll(async () => {
	truth = await generate({ outDir: work, scale: 2000, seed: 7 });
	db = await Database.open(join(work, 'q.duckdb'));
	const s = await ingest(db, { kind: 'inspections', filePath: join(work, FILES.inspections), source: 'cli', createdBy: 'test' });
	expect(s).toMatchObject({ status: 'committed', rows_rejected: 0, warnings: [] });
	expect(s.rows_loaded).toBe(truth.files.inspections.rows);
}, 120_000);
afterAll(() => {
	db?.close();
	rmSync(work, { recursive: true, force: true });
});

const period = () => ({ from: truth.period.from, to: truth.period.to });
const q = (req: Record<string, unknown>) =>
	queryMetric(db, { filters: {}, scope: null, grain: 'all', ...period(), ...req }).then((r) => r.rows);

describe('planted inspection truths', () => {
	it('about 10% of the contacts are scored twice: the calibration sample', () => {
		const { contacts, double_scored_contacts: doubles } = truth.inspections;
		expect(doubles / contacts).toBeGreaterThan(0.07);
		expect(doubles / contacts).toBeLessThan(0.13);
	});

	it('finds the harsh inspector: lower than the others on shared contacts and overall, and the only one', async () => {
		const relation = SOURCES.inspections.relation({ from: '$1::DATE', to: '$2::DATE', conditions: () => [] });
		const rows = await db.withConnection((c) =>
			queryRows<ScoredInspection>(
				c,
				`SELECT inspection_id AS id, contact_id AS contact, inspector, strftime(d, '%Y-%m-%d') AS day, score::DOUBLE AS score, passed, fatal FROM ${relation}`,
				[truth.period.from, truth.period.to]
			)
		);
		const cal = calibrate(rows);
		expect(cal.contacts).toBe(truth.inspections.double_scored_contacts);
		const harsh = truth.planted.harsh_inspector.inspector;
		const lower = cal.inspectors.filter((i) => i.shared.verdict === 'lower').map((i) => i.inspector);
		expect(lower).toEqual([harsh]);
		expect(cal.inspectors.filter((i) => i.overall.verdict === 'lower').map((i) => i.inspector)).toEqual([harsh]);
		const h = cal.inspectors.find((i) => i.inspector === harsh)!;
		expect(h.shared.diff!).toBeLessThan(-5);
		// agreement on the total is real but the harsh inspector's offset keeps it from perfect
		expect(cal.icc!.icc).toBeGreaterThan(0.2);
		expect(cal.icc!.icc).toBeLessThan(0.95);
	});

	it('finds the agent with repeated 信息安全 fatal errors: most fatal errors, far above the rest', async () => {
		const planted = truth.planted.security_fatal_agent;
		const byStaff = (await q({ metric: 'qa_fatal_count', by: 'staff' })).sort((a, b) => Number(b.value) - Number(a.value));
		expect(byStaff[0]!.group).toBe(planted.staff_id);
		expect(byStaff[0]!.value).toBe(planted.fatal_errors);
		expect(Number(byStaff[0]!.value)).toBeGreaterThan(3 * Number(byStaff[1]!.value));
		const rate = (await q({ metric: 'qa_fatal_rate', by: 'staff' })).find((r) => r.group === planted.staff_id)!;
		// significantly above the chain: its interval stays clear of the chain-wide rate
		const [chain] = await q({ metric: 'qa_fatal_rate' });
		expect(Number(rate.ci_low)).toBeGreaterThan(Number(chain!.value));
		const types = await db.withConnection((c) =>
			queryRows<{ type: string; n: number }>(
				c,
				'SELECT fatal_type AS type, count(*)::INTEGER AS n FROM inspections WHERE staff_id = $1 AND fatal GROUP BY 1 ORDER BY 2 DESC',
				[planted.staff_id]
			)
		);
		expect(types[0]!.type).toBe('泄露客户信息');
	});

	it('finds 流程完整 losing points at one store from the planted date, and only that item', async () => {
		const { store, item, from_date } = truth.planted.process_slip;
		const dayBefore = new Date(Date.parse(`${from_date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
		const rates = async (from: string, to: string, stores: string[] | null) =>
			Object.fromEntries(
				(await q({ metric: 'qa_item_rate', by: 'item', from, to, ...(stores ? { filters: { store: stores } } : {}) })).map((r) => [
					String(r.group),
					Number(r.value)
				])
			);
		const before = await rates(truth.period.from, dayBefore, [store]);
		const after = await rates(from_date, truth.period.to, [store]);
		const drops = Object.keys(before).map((k) => [k, before[k]! - after[k]!] as const);
		const worst = drops.sort((a, b) => b[1] - a[1]);
		expect(worst[0]![0]).toBe(item);
		expect(worst[0]![1]).toBeGreaterThan(20);
		expect(worst[1]![1]).toBeLessThan(5);
		// the other stores' 流程完整 holds
		const othersBefore = await rates(truth.period.from, dayBefore, null);
		const othersAfter = await rates(from_date, truth.period.to, null);
		expect(othersBefore[item]! - othersAfter[item]!).toBeLessThan(worst[0]![1] / 3);
	});

	it("the quality module's pass-rate p-chart signals below the centre at the slipping store after the date, not before", async () => {
		const { store, from_date } = truth.planted.process_slip;
		const set = await controlCharts(db, {
			chart: 'qa_pass_p',
			grain: 'month',
			range: period(),
			scope: null,
			rules: DEFAULT_RULES,
			laney: 'auto'
		});
		const chart = set.charts.find((c) => c.store === store)!.chart;
		const month = (i: number) => set.periods[i]!;
		const below = chart.signals.filter((s) => s.side === 'below').map((s) => month(s.index));
		expect(below.length).toBeGreaterThan(0);
		expect(below.every((p) => p >= from_date.slice(0, 7))).toBe(true);
	});
});
