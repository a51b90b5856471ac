import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../../pipelines/generate/index';
import { ingest } from '../../pipelines/engine';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { metricById } from '../../src/lib/server/metrics/catalog';
import { listAudit } from '../../src/lib/server/core/db/audit';
import { controlCharts } from '../../src/lib/server/features/quality/charts';
import { whatChanged } from '../../src/lib/server/features/quality/causes';
import {
	evaluateAlerts,
	evaluationSettled,
	getAlert,
	listAlerts,
	scheduleEvaluation,
	updateAlert
} from '../../src/lib/server/features/quality/alerts';
import { saveBaseline } from '../../src/lib/server/features/quality/baselines';
import { followUp } from '../../src/lib/server/features/quality/followup';
import type { AlertRow } from '../../src/lib/server/features/quality/alerts';
import { saveScopedTarget } from '../../src/lib/server/metrics/targets';
import { tempDir } from '../helpers/db';

/**
 * Quality control on generated data (pipelines/generate plants 武汉光谷店's complaint rate × 2.3 from
 * 2025-03-03, see truth.json): the p-chart flags it at once, stable stores stay near the false-alarm rate
 * Shewhart limits promise, the decomposition names it first, and alerts are raised once and kept.
 */
const PLANTED = '武汉光谷店';
let dir: { dir: string; cleanup: () => void };
let dbPath: string;
let db: Database;
let truth: { plants: { deteriorating_store: { store: string; from: string } } } & Record<string, unknown>;

beforeAll(async () => {
	dir = tempDir('sqa-qc-');
	await generate({ outDir: dir.dir, scale: 30_000, seed: 1 });
	truth = JSON.parse(readFileSync(join(dir.dir, 'truth.json'), 'utf8'));
	dbPath = join(dir.dir, 'q.duckdb');
	db = await Database.open(dbPath);
	for (const kind of ['traffic', 'complaints', 'surveys'] as const) {
		const s = await ingest(db, { kind, filePath: join(dir.dir, `${kind}.csv`), source: 'cli', createdBy: 'test' });
		expect(s.status).toBe('committed');
	}
}, 300_000);

afterAll(() => {
	db?.close();
	dir?.cleanup();
});

const RANGE = { from: '2024-01-01', to: '2025-12-31' };

describe('p-chart of the complaint proportion on generated data', () => {
	it('the truth file plants the store and date the test expects', () => {
		expect(JSON.stringify(truth)).toContain(PLANTED);
		expect(JSON.stringify(truth)).toContain('2025-03-03');
	});

	it('flags the planted store in the first month after the planted date (rule 1, above the limit)', async () => {
		const set = await controlCharts(db, {
			chart: 'complaint_p',
			grain: 'month',
			range: RANGE,
			scope: null,
			rules: [1, 2, 3, 4],
			laney: 'auto'
		});
		const store = set.charts.find((c) => c.store === PLANTED)!;
		expect(store.chart.verdict).toBe('signal');
		const first = store.chart.signals.map((s) => set.periods[s.index]!).sort()[0];
		expect(first).toBe('2025-03-01');
		expect(store.chart.signals.find((s) => set.periods[s.index] === '2025-03-01')).toMatchObject({ rule: 1, side: 'above' });
		// no signal before the change
		expect(store.chart.signals.every((s) => set.periods[s.index]! >= '2025-03-01')).toBe(true);
	});

	it('weekly: flags it within three weeks of 2025-03-03', async () => {
		const set = await controlCharts(db, {
			chart: 'complaint_p',
			grain: 'week',
			range: { from: '2024-09-02', to: '2025-06-29' },
			scope: null,
			rules: [1],
			laney: 'auto'
		});
		const store = set.charts.find((c) => c.store === PLANTED)!;
		const first = store.chart.signals
			.map((s) => set.periods[s.index]!)
			.filter((p) => p >= '2025-03-03')
			.sort()[0];
		expect(first! <= '2025-03-17').toBe(true);
	});

	it('stable stores: beyond-limit points (rule 1) after the baseline stay within the Shewhart false-alarm rate', async () => {
		const set = await controlCharts(db, { chart: 'complaint_p', grain: 'month', range: RANGE, scope: null, rules: [1], laney: 'auto' });
		const stable = set.charts.filter((c) => c.store !== null && c.store !== PLANTED);
		expect(stable.length).toBe(11);
		const monitored = stable.reduce((n, c) => n + c.chart.points.filter((p, i) => p.value !== null && i > c.chart.baseline!.end).length, 0);
		const alarms = stable.reduce((n, c) => n + c.chart.signals.filter((s) => s.index > c.chart.baseline!.end).length, 0);
		// 3σ limits: P(beyond) = 0.0027 a point → expected 0.0027 × 132 ≈ 0.36; P(Poisson(0.36) ≥ 3) ≈ 0.6%
		expect(monitored).toBe(132);
		expect(alarms).toBeLessThanOrEqual(2);
	});

	// Week to week the chain's rate moves with holidays and seasons far more than the binomial model allows
	// (σz ≈ 2.2); month to month it sits at the threshold (σz ≈ 1.5), too close to assert either way.
	it('the chain as a whole is over-dispersed at weekly grain; Laney p′ is used and says so', async () => {
		const set = await controlCharts(db, { chart: 'complaint_p', grain: 'week', range: RANGE, scope: null, rules: [1], laney: 'auto' });
		const all = set.charts[0]!;
		expect(all.store).toBeNull();
		expect(all.chart.overdispersed).toBe(true);
		expect(all.chart.laney).toBe(true);
		const plain = await controlCharts(db, { chart: 'complaint_p', grain: 'week', range: RANGE, scope: null, rules: [1], laney: 'off' });
		expect(plain.charts[0]!.chart.signals.length).toBeGreaterThan(all.chart.signals.length);
	});

	it('store scope is bound: a user of two stores gets those two (and their total) only', async () => {
		const set = await controlCharts(db, {
			chart: 'complaint_p',
			grain: 'month',
			range: RANGE,
			scope: [PLANTED, '杭州湖滨店'],
			rules: [1],
			laney: 'auto'
		});
		expect(set.charts.map((c) => c.store)).toEqual([null, '杭州湖滨店', PLANTED]);
	});

	it('a saved baseline moves the limits (after a confirmed change, the new level is the norm)', async () => {
		await db.withConnection((c) =>
			saveBaseline(
				c,
				{ chart: 'complaint_p', scope: PLANTED, grain: 'month', start: '2025-03-01', end: '2025-12-01', reason: '测试：确认门店流程变化' },
				{ name: 'qc' }
			)
		);
		const set = await controlCharts(db, { chart: 'complaint_p', grain: 'month', range: RANGE, scope: null, rules: [1], laney: 'auto' });
		const store = set.charts.find((c) => c.store === PLANTED)!;
		expect(store.saved?.reason).toBe('测试：确认门店流程变化');
		expect(store.chart.baseline).toEqual({ start: 14, end: 23 });
		expect(store.chart.centre!).toBeGreaterThan(1.4);
		const entries = await db.withConnection((c) => listAudit(c, { action: 'qc_baseline_set', page: 1, pageSize: 5 }));
		expect(entries.rows).toHaveLength(1);
		// put it back for the other tests
		await db.withConnection((c) => c.run('DELETE FROM qc_baselines'));
	});
});

describe('what changed', () => {
	it('names the planted store first, significant after Benjamini-Hochberg', async () => {
		const r = await whatChanged(db, {
			metric: 'complaint_rate',
			by: 'store',
			current: { from: '2025-03-03', to: '2025-04-27' },
			previous: { from: '2025-01-06', to: '2025-03-02' },
			scope: null
		});
		expect(r.rows[0]!.group).toBe(PLANTED);
		expect(r.rows[0]!.significant).toBe(true);
		expect(r.rows[0]!.contribution).toBeGreaterThan(0);
		// contributions add up to the overall change
		const sum = r.rows.reduce((s, x) => s + x.contribution, 0);
		expect(sum).toBeCloseTo(r.after! - r.before!, 9);
		for (const x of r.rows)
			if (x.rateEffect !== null && x.mixEffect !== null) expect(x.rateEffect + x.mixEffect).toBeCloseTo(x.contribution, 9);
	});
	it('by category: the improving 物流配送 falls after 2024-11-01', async () => {
		const r = await whatChanged(db, {
			metric: 'complaint_rate',
			by: 'category',
			current: { from: '2024-11-01', to: '2024-12-31' },
			previous: { from: '2024-09-01', to: '2024-10-31' },
			scope: null
		});
		const logistics = r.rows.find((x) => x.group === '物流配送')!;
		expect(logistics.contribution).toBeLessThan(0);
		expect(logistics.significant).toBe(true);
	});
});

describe('alerts', () => {
	it('are created once per signal, survive a restart, and close only with a note', async () => {
		const first = await evaluateAlerts(db, 1_000);
		expect(first.created).toBeGreaterThan(0);
		const again = await evaluateAlerts(db, 2_000);
		expect(again.created).toBe(0);
		const rows = await db.withConnection((c) => listAlerts(c, { stores: null }));
		expect(rows.length).toBe(first.created);
		const planted = rows.find((a) => a.kind === 'signal' && a.chart === 'complaint_p' && a.scope === PLANTED && a.rule === 1)!;
		expect(planted).toBeDefined();
		expect(planted.message_zh).toMatch(/^武汉光谷店 · 2025年12月 投诉率（每千笔交易）超出控制上限：上限 \d\.\d{2,6}‰，本期 \d\.\d{2,6}‰$/u);
		expect(planted.message_en).toMatch(
			/^武汉光谷店 · Dec 2025 · Complaint rate \(per 1,000 transactions\): above the upper control limit \(upper limit \d\.\d{2,6}‰, this period \d\.\d{2,6}‰\)$/u
		);
		expect(planted.severity).toBe('high');
		expect(planted.status).toBe('new');

		// a scoped user sees only their stores' alerts
		const scoped = await db.withConnection((c) => listAlerts(c, { stores: ['杭州湖滨店'] }));
		expect(scoped.every((a) => a.scope === '杭州湖滨店')).toBe(true);

		// restart: close and reopen the file
		db.close();
		db = await Database.open(dbPath);
		const after = await db.withConnection((c) => listAlerts(c, { stores: null }));
		expect(after.map((a) => a.alert_id)).toEqual(rows.map((a) => a.alert_id));
		expect((await evaluateAlerts(db, 3_000)).created).toBe(0);

		const actor = { name: 'qc', ip: '127.0.0.1', stores: null };
		await db.withConnection(async (c) => {
			expect(await updateAlert(c, planted.alert_id, { status: 'closed', owner: '林晓燕', note: '' }, actor)).toEqual({
				ok: false,
				error: 'note_required'
			});
			expect(await updateAlert(c, planted.alert_id, { status: 'in_progress', owner: '林晓燕', note: '' }, actor)).toEqual({ ok: true });
			expect(
				await updateAlert(c, planted.alert_id, { status: 'closed', owner: '林晓燕', note: '门店服务流程培训，增加高峰期人手' }, actor)
			).toEqual({ ok: true });
			expect(await updateAlert(c, 999_999, { status: 'closed', owner: '', note: 'x' }, actor)).toEqual({ ok: false, error: 'not_found' });
			expect(await updateAlert(c, planted.alert_id, { status: 'new', owner: '', note: 'x' }, { ...actor, stores: ['杭州湖滨店'] })).toEqual(
				{ ok: false, error: 'not_found' }
			);
		});
		const closed = (await db.withConnection((c) => listAlerts(c, { stores: null, status: 'closed' })))[0]!;
		expect(closed).toMatchObject({
			alert_id: planted.alert_id,
			status: 'closed',
			owner: '林晓燕',
			note: '门店服务流程培训，增加高峰期人手'
		});
		expect(closed.closed_ms).not.toBeNull();
		const audited = await db.withConnection((c) => listAudit(c, { action: 'qc_alert_updated', page: 1, pageSize: 10 }));
		expect(audited.rows.length).toBe(2);
	});

	it('a missed target raises one alert for its scope; a committed batch triggers the evaluation', async () => {
		await db.withConnection((c) =>
			saveScopedTarget(c, { metric: 'complaint_rate', scope: { kind: 'store', name: PLANTED }, value: 1, warn: 0.8 }, { name: 'qc' })
		);
		const unsubscribe = db.onWritesDone(() => scheduleEvaluation(db));
		// any write under the lock (here an empty one) stands for a committed batch
		await db.withWriteLock(async () => undefined);
		unsubscribe();
		await evaluationSettled(db);
		const targets = (await db.withConnection((c) => listAlerts(c, { stores: null }))).filter((a) => a.kind === 'target');
		expect(targets).toHaveLength(1);
		expect(targets[0]!.message_zh).toMatch(
			/^武汉光谷店 · 2025年12月 投诉率（每千笔交易）未达目标：目标 ≤ 1\.\d{2,6}‰，本期 \d\.\d{2,6}‰$/u
		);
		expect((await evaluateAlerts(db)).created).toBe(0);
	});

	it('every alert names its metric and unit, its two numbers never read equal, and no two alerts read alike', async () => {
		const rows = await db.withConnection((c) => listAlerts(c, { stores: null }));
		expect(rows.length).toBeGreaterThan(3);
		for (const lang of ['message_zh', 'message_en'] as const) {
			const texts = rows.map((a) => a[lang]);
			expect(new Set(texts).size).toBe(texts.length);
			for (const t of texts) {
				// "… 中心线 0.721‰，本期 0.724‰": the last two numbers, each with its unit unless a score
				const [, a, b] = /([\d.,]+)[^\d，,]*[，,] ?(?:本期|this period) ?([\d.,]+)/u.exec(t) ?? [];
				expect(a, t).toBeDefined();
				expect(a === b).toBe(false);
			}
		}
		for (const a of rows) {
			const label = metricById(a.metric)!.label;
			expect(a.message_zh).toContain(label.zh);
			expect(a.message_en).toContain(label.en);
		}
	});

	it('re-writes an old alert’s text from its stored numbers when it is read (the stored text stays as it was)', async () => {
		await db.withConnection((c) =>
			c.run(
				`INSERT INTO qc_alerts (alert_id, alert_key, kind, chart, metric, scope_kind, scope, grain, period, rule, value, limit_value, message_zh, message_en, status, created_at, updated_at)
				 VALUES (90001, 'old|1', 'signal', 'complaint_p', 'complaint_rate', 'store', '杭州湖滨店', 'month', '2024-06-01', 2, 0.7243, 0.7212,
				         '杭州湖滨店 · 2024年6月：连续 9 个点在中心线上方（中心线 0.72‰，本期 0.72‰）', 'old', 'new', now(), now())`
			)
		);
		const old = await db.withConnection((c) => getAlert(c, 90001, null));
		expect(old!.message_zh).toBe('杭州湖滨店 · 2024年6月 投诉率（每千笔交易）连续 9 个点在中心线上方：中心线 0.721‰，本期 0.724‰');
		expect(old!.message_en).toBe(
			'杭州湖滨店 · Jun 2024 · Complaint rate (per 1,000 transactions): nine points in a row above the centre line (centre line 0.721‰, this period 0.724‰)'
		);
		expect(old!.severity).toBe('medium');
		const [stored] = await db.withConnection((c) =>
			queryRows<{ message_en: string }>(c, `SELECT message_en FROM qc_alerts WHERE alert_id = 90001`)
		);
		expect(stored!.message_en).toBe('old');
		await db.withConnection((c) => c.run(`DELETE FROM qc_alerts WHERE alert_id = 90001`));
	});

	it('before/after: an action in March 2025 on 武汉光谷店 is followed by a significantly worse rate (the planted change)', async () => {
		const alert = {
			alert_id: 0,
			kind: 'signal',
			chart: 'complaint_p',
			metric: 'complaint_rate',
			scope_kind: 'store',
			scope: PLANTED,
			grain: 'month',
			period: '2025-02-01',
			rule: 1,
			value: null,
			limit_value: null,
			message_zh: '',
			message_en: '',
			severity: 'high',
			status: 'closed',
			owner: null,
			note: 'x',
			created_ms: Date.UTC(2025, 2, 1),
			updated_ms: Date.UTC(2025, 2, 5),
			closed_ms: Date.UTC(2025, 2, 5)
		} satisfies AlertRow;
		const f = (await followUp(db, alert, '2025-12-31'))!;
		expect(f.actionPeriod).toBe('2025-04-01');
		expect(f.before).toMatchObject({ from: '2024-09-01', to: '2025-02-28' });
		expect(f.after).toMatchObject({ from: '2025-04-01', to: '2025-12-31' });
		expect(f.after!.value! / f.before.value!).toBeGreaterThan(1.8);
		expect(f.outcome).toBe('worse');
		expect(f.p!).toBeLessThan(0.001);
		expect(await followUp(db, { ...alert, status: 'new' }, '2025-12-31')).toBeNull();
	});
});
