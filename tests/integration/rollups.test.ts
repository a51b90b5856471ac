import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { METRICS, ROLLUP_SOURCES, SOURCES, type Dimension } from '../../src/lib/server/metrics/catalog';
import { metricLoader, queryMetric, queryMetrics, rollupsReady } from '../../src/lib/server/metrics/query';
import { compileBundles } from '../../src/lib/server/metrics/bundle';
import { FILES, generate } from '../../pipelines/generate';
import { rollbackBatch } from '../../pipelines/batches';
import { runCommand } from '../../pipelines/commands';
import { ensureRollups, rollupsCurrent, verifyRollups } from '../../pipelines/rollups/maintain';
import { applyRetention } from '../../src/lib/server/features/admin/retention';
import { saveSla, slaRollupsSettled } from '../../src/lib/server/metrics/sla';
import { DEFAULT_SLA } from '../../src/lib/shared/sla';
import type { KindId } from '../../src/lib/shared/schema';
import { rows, tempDatabase, tempDir } from '../helpers/db';
import {
	compare,
	compareTogether,
	fullMatrix,
	unfiltered,
	readCsv,
	sameRows,
	shiftDays,
	writeCsv,
	checkStep as checkStepOf,
	FILTER_VALUES,
	RANGES,
	PART_MONTH_RANGES,
	SCOPE,
	loaded as loadedInto
} from '../helpers/golden';

/**
 * The rollups give the raw rows' answers: every metric a rollup serves, by every cut it keeps, over
 * every grain, with and without filters, for every store and for a scope, over two ranges — the rollup
 * path and the raw path return the same rows (counts and ratios exactly, means to 1e-9). Checked on
 * generated data after loads, a replacing load, rollbacks and a retention run; `npm run rollups --
 * verify` (the same comparison on the tables) agrees at every step, and finds a corrupted rollup.
 */

let db: Database;
let close: () => void;
let cleanup: () => void;
let data: string;
/** late enough that every complaint of the ranges still without a response or resolution is past its limit (SLA counts hold) */
const AS_OF = '2025-05-09 12:00:00';
/** the metrics complaint and survey rollups serve (contact-rollups.test.ts compares the contact rollups) */
const ROLLED = METRICS.filter((m) => m.rollup && !m.rollup.from.some((id) => ROLLUP_SOURCES[id].kind === 'contacts'));
const MATRIX = { metrics: ROLLED, ranges: RANGES, scope: SCOPE, filterValues: FILTER_VALUES };
/** the percentiles (per month: whole months from the counts, the days of part-months from raw rows) */
const PERCENTILES = { ...MATRIX, metrics: ROLLED.filter((m) => m.rollup?.from.includes('complaint_times')), ranges: PART_MONTH_RANGES };

const loaded = (kind: KindId, file: string) => loadedInto(db, data, kind, file);
const checkStep = async (step: string, percentiles: 'unfiltered' | 'all' = 'unfiltered') => {
	await checkStepOf(db, MATRIX, AS_OF, step);
	const all = fullMatrix(PERCENTILES);
	expect(all.length, step).toBeGreaterThan(200);
	const cases = percentiles === 'all' ? all : unfiltered(all);
	expect(cases.length, step).toBeGreaterThan(percentiles === 'all' ? 200 : 40);
	expect(await compare(db, cases, AS_OF), step).toBeGreaterThan(cases.length / 2);
};

/** the keys of complaint_time_cuts, complaint_daily and complaint_cuts that stand in more than one row */
const splitKeys = async () => {
	const split = async (table: string, keys: string) =>
		(await rows<{ n: number }>(db, `SELECT count(*) AS n FROM (SELECT ${keys} FROM ${table} GROUP BY ALL HAVING count(*) > 1)`))[0]!.n;
	return {
		times: await split('complaint_time_cuts', 'd, clock, cut, member, us'),
		daily: await split('complaint_daily', 'd, store, department, channel, category, severity'),
		cuts: await split('complaint_cuts', 'd, store, cut, member')
	};
};
/** The period rollups' counts: per key, the sum of its rows (`growsByRows`: a write's change is a row of its own, below 0 where rows left) */
const PERIOD_KEYS = `SELECT sum(n) AS n FROM complaint_times GROUP BY d, store, clock, us
	UNION ALL SELECT sum(n) FROM complaint_time_cuts GROUP BY d, clock, cut, member, us
	UNION ALL SELECT sum(n) FROM complaint_time_weeks GROUP BY d, clock, us`;
/**
 * Counts of the complaints' rollups that are not the counts of a set of complaints (there must be none): a period
 * rollup's key whose rows sum below 0; a daily row with no complaint, a count above its complaints or below 0, or more
 * repeats than complaints with a phone (`repeat_complaint_rate` keeps the rows with a phone).
 */
const countsBelowOne = async () => {
	const counts = ['closed', 'open', 'escalated', 'escalation_known', 'out_of_scope', 'scope_known', 'followed_up', 'with_phone', 'repeats'];
	const notASet = `n < 1 OR repeats > with_phone OR ${counts.map((c) => `${c} < 0 OR ${c} > n`).join(' OR ')}`;
	return rows<{ n: number }>(
		db,
		`SELECT count(*) AS n FROM (${PERIOD_KEYS}) WHERE n < 0
		 UNION ALL SELECT count(*) FROM complaint_daily WHERE ${notASet}
		 UNION ALL SELECT count(*) FROM complaint_cuts WHERE ${notASet}`
	);
};
const NONE = [{ n: 0 }, { n: 0 }, { n: 0 }];
/** The period rollups' rows below 1 (what writes took from their keys), and their keys whose rows sum to 0 (all left) */
const takenRows = async () => ({
	rows: (
		await rows<{ n: number }>(
			db,
			`SELECT count(*) AS n FROM (SELECT n FROM complaint_times UNION ALL SELECT n FROM complaint_time_cuts UNION ALL SELECT n FROM complaint_time_weeks) WHERE n < 1`
		)
	)[0]!.n,
	emptied: (await rows<{ n: number }>(db, `SELECT count(*) AS n FROM (${PERIOD_KEYS}) WHERE n = 0`))[0]!.n
});

let batchB: number;
let replacing: number;
let surveyReplacing: number;

beforeAll(async () => {
	({ dir: data, cleanup } = tempDir('sqa-rollups-'));
	await generate({ outDir: data, scale: 3000, seed: 7, from: '2025-01-01', days: 120, log: () => undefined });
	const complaints = readCsv(join(data, FILES.complaints));
	writeCsv(join(data, 'complaints-a.csv'), complaints.slice(0, 2000));
	writeCsv(join(data, 'complaints-b.csv'), complaints.slice(2000));
	// A replacing load: every 7th complaint again, moved to another store, category, status and day, with
	// the phone of the complaint after it (new repeats, and old ones gone).
	const stores = [...new Set(complaints.map((r) => r['门店']!))];
	const categories = ['商品质量', '服务态度', '价格', '售后服务'];
	const moved = (shift: number) =>
		complaints
			.map((r, i) => ({ r, i }))
			.filter(({ i }) => i % 7 === 3)
			.map(({ r, i }) => ({
				...r,
				门店: stores[(stores.indexOf(r['门店']!) + 1 + (i % 3)) % stores.length]!,
				投诉类别: categories[i % categories.length]!,
				处理状态: i % 2 ? '已办结' : '处理中',
				联系电话: complaints[i + 1]?.['联系电话'] ?? r['联系电话']!,
				投诉时间: shiftDays(r['投诉时间']!, shift),
				首次响应时间: r['首次响应时间'] ? shiftDays(r['首次响应时间'], shift) : '',
				办结时间: r['办结时间'] ? shiftDays(r['办结时间'], shift) : '',
				回访时间: r['回访时间'] ? shiftDays(r['回访时间'], shift) : ''
			}));
	writeCsv(join(data, 'complaints-r.csv'), moved(2));
	writeCsv(join(data, 'complaints-r2.csv'), moved(-3));
	const surveys = readCsv(join(data, FILES.surveys));
	writeCsv(
		join(data, 'surveys-r.csv'),
		surveys
			.filter((_, i) => i % 11 === 5)
			.map((r, i) => ({ ...r, 总体满意度: String(1 + (i % 5)), 推荐意愿: String(i % 11), 服务渠道: i % 2 ? '电话' : '在线' }))
	);
	// extra questions (survey_answer_daily)
	writeCsv(
		join(data, 'extra.csv'),
		surveys
			.slice(0, 500)
			.map((r, i) => ({ ...r, 问卷编号: `WX${i}`, 停车便利: String(1 + (i % 5)), 等候时间: i % 4 ? String((i % 7) / 2 + 1) : '' }))
	);
	({ db, close } = await tempDatabase());
}, 120_000);

afterAll(() => {
	close?.();
	cleanup?.();
});

describe('rollups kept current by every write', () => {
	it('a fresh database starts with current, empty rollups', async () => {
		expect(await db.withConnection(rollupsCurrent)).toBe(true);
		expect(await rows(db, 'SELECT count(*) AS n FROM complaint_daily')).toEqual([{ n: 0 }]);
	});

	it('after loads', async () => {
		for (const kind of ['staff', 'traffic', 'appraisals'] as const) await loaded(kind, FILES[kind]);
		await loaded('complaints', 'complaints-a.csv');
		batchB = await loaded('complaints', 'complaints-b.csv');
		await loaded('surveys', FILES.surveys);
		await loaded('surveys', 'extra.csv');
		await checkStep('loads');
		// the second batch added to keys the first had counted (its times repeat the first's to the second): in rows of
		// their own, which the percentiles above read as one count
		const split = await splitKeys();
		expect(split.times).toBeGreaterThan(50);
		expect(split.cuts).toBeGreaterThan(10);
		expect(await countsBelowOne()).toEqual(NONE);
	}, 300_000);

	it('after a replacing load', async () => {
		replacing = await loaded('complaints', 'complaints-r.csv');
		surveyReplacing = await loaded('surveys', 'surveys-r.csv');
		expect(
			(await rows<{ n: number }>(db, 'SELECT rows_replaced AS n FROM batches WHERE batch_id = $1', [replacing]))[0]!.n
		).toBeGreaterThan(300);
		await checkStep('replacing load');
		expect(await countsBelowOne()).toEqual(NONE);
		// the replaced complaints' times left as rows below 0, some keys emptied (the compaction folds them: rollups-compact.test.ts)
		const taken = await takenRows();
		expect(taken.rows).toBeGreaterThan(100);
		expect(taken.emptied).toBeGreaterThan(10);
	}, 300_000);

	it('after rollbacks', async () => {
		const before = await splitKeys();
		for (const id of [replacing, surveyReplacing, batchB]) expect((await rollbackBatch(db, id, 'vitest')).ok, `rollback ${id}`).toBe(true);
		await checkStep('rollbacks');
		// the period rollups' keys the rollbacks changed have rows of their own for it, below 0 where rows left
		const after = await splitKeys();
		expect(after.times).toBeGreaterThan(before.times);
		expect((await takenRows()).rows).toBeGreaterThan(100);
		// and the daily counts of complaints a rollback restored grew by rows of their own
		expect(after.daily).toBeGreaterThan(0);
		expect(after.cuts).toBeGreaterThan(100);
		expect(await countsBelowOne()).toEqual(NONE);
		await loaded('complaints', 'complaints-r2.csv');
		await checkStep('a second replacing load');
	}, 300_000);

	it('after a retention run, over the whole matrix', async () => {
		const r = await applyRetention(db, { months: 12, actor: { name: 'vitest', ip: null }, trigger: 'manual' });
		expect(r.ok && r.applied.complaints).toBeGreaterThan(0);
		await checkStep('retention', 'all');
		const cases = fullMatrix(MATRIX);
		expect(cases.length).toBeGreaterThan(1000);
		expect(await compareTogether(db, cases, AS_OF)).toBeGreaterThan(cases.length / 2);
	}, 900_000);

	it('reads raw rows where no rollup covers the request', async () => {
		const base = { filters: {}, scope: null, ...RANGES[0]! };
		for (const input of [
			{ metric: 'complaint_count', by: 'response_bucket', grain: 'week' },
			{ metric: 'csat', by: 'staff', filters: { channel: ['在线'] } },
			// a percentile by week within a store scope (the counts per week are over every store), and one over days of one month only
			{ metric: 'first_response_median_h', grain: 'week', scope: SCOPE },
			{ metric: 'first_response_median_h', from: '2025-02-03', to: '2025-02-27' },
			{ metric: 'appraisal_mean' }
		])
			expect((await queryMetric(db, { ...base, ...input }, { asOf: AS_OF })).path, input.metric).toBe('raw');
	});

	it('SLA compliance reads raw rows for the days whose complaints may still be within their limit', async () => {
		const asked = (metric: string, range: { from: string; to: string }, by?: Dimension, filters = {}) => ({
			metric,
			grain: 'week',
			by,
			filters,
			scope: SCOPE,
			...range
		});
		// at 04-30 18:00, complaints of 04-23 on may be within the 168 h (重大) limit: the rollup through 04-22, raw rows
		// after — where complaints still open are within their limits, or past them, or received after "now"
		const asOf = '2025-04-30 18:00:00';
		for (const metric of ['sla_response_compliance', 'sla_resolution_compliance'])
			for (const by of [undefined, 'severity', 'category'] as const)
				for (const filters of [{}, { channel: ['电话', '在线'] }]) {
					const input = asked(metric, RANGES[0]!, by, filters);
					const [rolled, raw] = await Promise.all([queryMetric(db, input, { asOf }), queryMetric(db, input, { asOf, path: 'raw' })]);
					expect(rolled.path, JSON.stringify(input)).toBe('rollup');
					sameRows(rolled, raw, JSON.stringify(input));
				}
		// a range no day of which is past every limit yet
		const recent = asked('sla_resolution_compliance', { from: '2025-04-28', to: '2025-04-30' });
		expect((await queryMetric(db, recent, { asOf })).path).toBe('raw');
	});

	it('new SLA limits: raw rows answer until the complaint rollups are rebuilt with them, then the rollups again', async () => {
		const inputs = ['sla_response_compliance', 'sla_resolution_compliance'].flatMap((metric) =>
			[undefined, 'category', 'severity'].map((by) => ({ metric, grain: 'month', by, filters: {}, scope: null, ...RANGES[1]! }))
		);
		const limits = {
			response: { default: 12, bySeverity: { 重大: 4 }, byCategory: { 价格: 30 } },
			resolution: { default: 48, bySeverity: { 重大: 120 }, byCategory: { 商品质量: 36.5 } }
		};
		const before = await Promise.all(inputs.map((i) => queryMetric(db, i, { asOf: AS_OF })));
		// hold the write lock, so the rebuild the new limits start waits behind it
		let release!: () => void;
		const held = db.withWriteLock(() => new Promise<void>((r) => (release = r)), 'keeps');
		try {
			expect(await saveSla(db, limits, { name: 'vitest', ip: null })).toEqual({ ok: true, changed: true });
			for (const [i, input] of inputs.entries()) {
				const stale = await queryMetric(db, input, { asOf: AS_OF });
				expect(stale.path, JSON.stringify(input)).toBe('raw');
				if (i === 0) expect(stale.rows).not.toEqual(before[i]!.rows);
			}
		} finally {
			release();
		}
		await held;
		await slaRollupsSettled(db);
		expect(await db.withConnection((c) => verifyRollups(c))).toEqual([]);
		for (const input of inputs) {
			const [rolled, raw] = await Promise.all([
				queryMetric(db, input, { asOf: AS_OF }),
				queryMetric(db, input, { asOf: AS_OF, path: 'raw' })
			]);
			expect(rolled.path, JSON.stringify(input)).toBe('rollup');
			sameRows(rolled, raw, JSON.stringify(input));
		}
		// back to the defaults: the same again, and the first numbers return
		expect((await saveSla(db, DEFAULT_SLA, { name: 'vitest', ip: null })).ok).toBe(true);
		await slaRollupsSettled(db);
		for (const [i, input] of inputs.entries()) {
			const again = await queryMetric(db, input, { asOf: AS_OF });
			expect(again.path).toBe('rollup');
			expect(again.rows).toEqual(before[i]!.rows);
		}
	}, 120_000);
});

describe('several measures in one query', () => {
	it('answers each request as if asked alone, on both paths, in fewer queries', async () => {
		const inputs = [undefined, 'store', 'channel'].flatMap((by) =>
			METRICS.filter((m) => !by || m.dimensions.includes(by as Dimension)).flatMap((m) =>
				[{}, { channel: ['电话', '在线'] }].map((filters) => ({
					metric: m.id,
					grain: 'month',
					...(by ? { by } : {}),
					filters: SOURCES[m.source].filters.includes('channel') ? filters : {},
					scope: SCOPE,
					...RANGES[1]!
				}))
			)
		);
		expect(compileBundles(inputs, { asOf: AS_OF, rollups: true }).length).toBeLessThan(inputs.length / 3);
		for (const path of [undefined, 'raw'] as const) {
			const together = await queryMetrics(db, inputs, { asOf: AS_OF, ...(path ? { path } : {}) });
			expect(together).toHaveLength(inputs.length);
			for (const [i, input] of inputs.entries()) {
				const alone = await queryMetric(db, input, { asOf: AS_OF, ...(path ? { path } : {}) });
				expect(together[i]!.columns, JSON.stringify(input)).toEqual(alone.columns);
				expect(together[i]!.path).toBe(alone.path);
				sameRows(together[i]!, alone, `${path ?? 'planned'} ${JSON.stringify(input)}`);
			}
		}
	}, 300_000);

	it('a loader answers the requests of one turn together, and a bad one alone', async () => {
		const ask = metricLoader(db, { asOf: AS_OF });
		const base = { grain: 'all', filters: {}, scope: null, ...RANGES[0]! };
		const [count, closure, bad] = await Promise.allSettled([
			ask({ ...base, metric: 'complaint_count' }),
			ask({ ...base, metric: 'closure_rate' }),
			ask({ ...base, metric: 'csat', by: 'severity' })
		]);
		expect(count.status === 'fulfilled' && count.value.rows).toEqual(
			(await queryMetric(db, { ...base, metric: 'complaint_count' }, { asOf: AS_OF })).rows
		);
		expect(closure.status === 'fulfilled' && closure.value.rows).toEqual(
			(await queryMetric(db, { ...base, metric: 'closure_rate' }, { asOf: AS_OF })).rows
		);
		expect(bad.status).toBe('rejected');
	});
});

describe('npm run rollups', () => {
	it('verify finds a rollup that differs from the raw rows, and rebuild mends it', async () => {
		await db.withWriteLock(
			(c) => c.run('UPDATE complaint_daily SET n = n + 1 WHERE rowid = (SELECT min(rowid) FROM complaint_daily)'),
			'keeps'
		);
		const bad = await runCommand(db, { command: 'rollups', action: 'verify', locale: 'en' });
		expect(bad.exitCode).toBe(1);
		expect(bad.text).toMatch(/complaint_daily .* n: /u);
		const rebuilt = await runCommand(db, { command: 'rollups', action: 'rebuild', locale: 'en' });
		expect(rebuilt.exitCode).toBe(0);
	});

	it('verify sums the rows of a period rollup per key: a count split over two rows matches, a wrong split does not', async () => {
		const split = async (sql: string) => db.withWriteLock((c) => c.run(sql), 'keeps');
		const one = `(SELECT min(rowid) FROM complaint_times WHERE n > 1)`;
		await split(
			`INSERT INTO complaint_times SELECT d, store, clock, us, 1 FROM complaint_times WHERE rowid = ${one};
			 UPDATE complaint_times SET n = n - 1 WHERE rowid = ${one}`
		);
		expect(await db.withConnection((c) => verifyRollups(c))).toEqual([]);
		await split(
			`INSERT INTO complaint_times SELECT d, store, clock, us, 1 FROM complaint_times WHERE rowid = (SELECT min(rowid) FROM complaint_times)`
		);
		const bad = await db.withConnection((c) => verifyRollups(c));
		expect(bad.map((d) => `${d.table} ${d.column}`)).toEqual(['complaint_times n']);
		expect(Number(bad[0]!.rollup) - Number(bad[0]!.raw)).toBe(1);
		expect((await runCommand(db, { command: 'rollups', action: 'rebuild', locale: 'en' })).exitCode).toBe(0);
		expect(await db.withConnection((c) => verifyRollups(c))).toEqual([]);
	});

	it('without a current state, metrics read raw rows until the start-up rebuild', async () => {
		await db.withWriteLock((c) => c.run('DELETE FROM complaint_cuts; DELETE FROM rollup_state'), 'keeps');
		expect(await rollupsReady(db)).toBe(false);
		const input = { metric: 'complaint_count', filters: {}, scope: null, ...RANGES[0]! };
		const raw = await queryMetric(db, input, { asOf: AS_OF });
		expect(raw.path).toBe('raw');
		expect((await runCommand(db, { command: 'rollups', action: 'verify', locale: 'en' })).exitCode).toBe(1);
		expect((await ensureRollups(db))?.tables.complaint_cuts).toBeGreaterThan(0);
		expect(await ensureRollups(db)).toBeNull();
		const rolled = await queryMetric(db, input, { asOf: AS_OF });
		expect(rolled.path).toBe('rollup');
		expect(rolled.rows).toEqual(raw.rows);
	});

	it('a write that does not say it keeps the rollups makes the process read raw rows until a rebuild', async () => {
		const input = { metric: 'complaint_count', filters: {}, scope: null, ...RANGES[0]! };
		await db.withWriteLock(async () => undefined);
		expect((await queryMetric(db, input, { asOf: AS_OF })).path).toBe('raw');
		expect((await runCommand(db, { command: 'rollups', action: 'rebuild', locale: 'en' })).exitCode).toBe(0);
		expect((await queryMetric(db, input, { asOf: AS_OF })).path).toBe('rollup');
	});

	it('verify passes at the end', async () => {
		const r = await runCommand(db, { command: 'rollups', action: 'verify', locale: 'en' });
		expect(r.text).toMatch(/match/u);
		expect(r.exitCode).toBe(0);
	});
});
