import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { FILES, generate } from '../../pipelines/generate';
import { rollbackBatch } from '../../pipelines/batches';
import { compactAfterWrites, verifyRollups } from '../../pipelines/rollups/maintain';
import { ROLLUP_TABLES } from '../../pipelines/rollups/tables';
import { rows, tempDatabase, tempDir } from '../helpers/db';
import { checkStep, loaded as loadedInto, readCsv, sameRows, writeCsv, COMPLAINT_MATRIX } from '../helpers/golden';

/**
 * A rollup that grows by rows keeps what each write adds to a key in a row of its own: writes into the same periods
 * (daily loads of one month) leave a key in several rows. The compaction after the commit (`compactAfterWrites`, run
 * by the server after every write and at start) folds each into one row, in the periods the writes recorded, without
 * changing any answer or the data version.
 */

let db: Database;
let close: () => void;
let cleanup: () => void;
let data: string;
const AS_OF = '2025-05-09 12:00:00';
const MATRIX = COMPLAINT_MATRIX;
const GROWING = ROLLUP_TABLES.filter((t) => t.growsByRows);
const BATCHES = 6;
const batches: number[] = [];

/** Per table that grows by rows: its rows, and its keys (a key in several rows counts once). */
const layout = async () =>
	Object.fromEntries(
		await Promise.all(
			GROWING.map(async (t) => {
				const [r] = await rows<{ rows: number; keys: number }>(
					db,
					`SELECT count(*) AS rows, count(DISTINCT (${['d', ...t.keys].join(', ')})) AS keys FROM ${t.table}`
				);
				return [t.table, { rows: Number(r!.rows), keys: Number(r!.keys) }] as const;
			})
		)
	);
const recorded = async () => Number((await rows<{ n: number }>(db, 'SELECT count(*) AS n FROM rollup_split'))[0]!.n);
/** Answers over whole months on the rollup path, with percentiles (which read the per-month times) */
const ASKED = ['complaint_count', 'first_response_median_h', 'resolution_p90_h', 'closure_rate'];
const asked = () =>
	Promise.all(
		ASKED.map((metric) =>
			queryMetric(db, { metric, from: '2025-01-01', to: '2025-04-30', grain: 'month', scope: null }, { asOf: AS_OF, keepPeriods: false })
		)
	);

beforeAll(async () => {
	({ dir: data, cleanup } = tempDir('sqa-rollups-compact-'));
	await generate({ outDir: data, scale: 3000, seed: 11, from: '2025-01-01', days: 120, contactsPerComplaint: 0, log: () => undefined });
	// six batches, each a row in six of every month: every period gets rows from each of them
	const complaints = readCsv(join(data, FILES.complaints));
	for (let b = 0; b < BATCHES; b++)
		writeCsv(
			join(data, `complaints-${b}.csv`),
			complaints.filter((_, i) => i % BATCHES === b)
		);
	({ db, close } = await tempDatabase());
	for (const kind of ['staff', 'traffic'] as const) await loadedInto(db, data, kind, FILES[kind]);
}, 120_000);

afterAll(() => {
	close?.();
	cleanup?.();
});

describe('the periods writes split are compacted after the commit', () => {
	it('writes into the same periods leave keys in several rows, recorded, with the same answers as the raw rows', async () => {
		for (let b = 0; b < BATCHES; b++) batches.push(await loadedInto(db, data, 'complaints', `complaints-${b}.csv`));
		const split = await layout();
		for (const t of ['complaint_daily', 'complaint_times', 'complaint_time_cuts', 'complaint_time_weeks'])
			expect(split[t]!.rows, t).toBeGreaterThan(split[t]!.keys);
		expect(await recorded()).toBeGreaterThan(0);
		await checkStep(db, MATRIX, AS_OF, 'split by six loads');
	}, 120_000);

	it('the compaction folds each key into one row, without changing an answer or the data version', async () => {
		const before = await asked();
		const version = db.dataVersion;
		const split = await layout();
		const removed = await compactAfterWrites(db);
		const after = await layout();
		for (const t of GROWING) {
			expect(after[t.table]!.rows, t.table).toBe(after[t.table]!.keys);
			expect(after[t.table]!.keys, t.table).toBe(split[t.table]!.keys);
			expect(removed?.[t.table] ?? 0, t.table).toBe(split[t.table]!.rows - after[t.table]!.rows);
		}
		expect(removed?.complaint_time_cuts).toBeGreaterThan(0);
		expect(await recorded()).toBe(0);
		expect(db.dataVersion).toBe(version);
		const now = await asked();
		now.forEach((r, i) => {
			expect(r.path).toBe('rollup');
			sameRows(r, before[i]!, ASKED[i]!);
		});
		await checkStep(db, MATRIX, AS_OF, 'compacted');
		// nothing recorded: nothing to do
		expect(await compactAfterWrites(db)).toBeNull();
	}, 120_000);

	it('a rollback splits the periods again (the rows it restores come back in rows of their own), and is compacted the same', async () => {
		expect((await rollbackBatch(db, batches[2]!, 'vitest')).ok).toBe(true);
		expect((await rollbackBatch(db, batches[4]!, 'vitest')).ok).toBe(true);
		batches.push(await loadedInto(db, data, 'complaints', 'complaints-2.csv'));
		expect(await recorded()).toBeGreaterThan(0);
		await compactAfterWrites(db);
		const after = await layout();
		for (const t of GROWING) expect(after[t.table]!.rows, t.table).toBe(after[t.table]!.keys);
		await checkStep(db, MATRIX, AS_OF, 'after rollbacks, a load and the compaction');
	}, 120_000);

	it("a write's rows that left stand as rows below 0 until the compaction: a group they empty is no group, on either path", async () => {
		// a month of three complaints of its own (the generated ones start in January): 价格 answered in 3 h 10 min, 服务态度
		// in 5 hours, and one by 邮件 in 1; then 价格's sent again as 服务态度 answered in 3 h 40 min (in the same hour as
		// the time it leaves, so the running total over that hour's rows must not count the one that came before the one
		// that left), and 邮件's without its answer
		const template = readCsv(join(data, FILES.complaints))[0]!;
		const complaint = (id: string, category: string, channel: string, at: string, answered: string) => ({
			...template,
			投诉编号: id,
			投诉时间: at,
			投诉渠道: channel,
			投诉类别: category,
			首次响应时间: answered,
			办结时间: '',
			处理状态: '处理中',
			回访时间: '',
			回访满意度: ''
		});
		writeCsv(join(data, 'december.csv'), [
			complaint('DEC-1', '价格', '电话', '2024/12/10 9:00', '2024/12/10 12:10'),
			complaint('DEC-2', '服务态度', '电话', '2024/12/11 9:00', '2024/12/11 14:00'),
			complaint('DEC-3', '服务态度', '邮件', '2024/12/12 9:00', '2024/12/12 10:00')
		]);
		writeCsv(join(data, 'december-again.csv'), [
			complaint('DEC-1', '服务态度', '电话', '2024/12/10 9:00', '2024/12/10 12:40'),
			complaint('DEC-3', '服务态度', '邮件', '2024/12/12 9:00', '')
		]);
		await loadedInto(db, data, 'complaints', 'december.csv');
		await compactAfterWrites(db);
		await loadedInto(db, data, 'complaints', 'december-again.csv');
		const below = async () =>
			Number((await rows<{ n: number }>(db, `SELECT count(*) AS n FROM complaint_time_cuts WHERE d = '2024-12-01' AND n < 1`))[0]!.n);
		// the keys the two complaints left: -1 rows beside their +1 rows
		expect(await below()).toBeGreaterThan(0);
		const december = { from: '2024-12-01', to: '2024-12-31', grain: 'month' as const, scope: null };
		const asks = [
			{ metric: 'first_response_median_h', by: 'category' },
			{ metric: 'first_response_median_h', by: 'channel' },
			{ metric: 'first_response_median_h' },
			{ metric: 'first_response_p90_h', by: 'category' },
			{ metric: 'complaint_count', by: 'response_bucket' },
			{ metric: 'complaint_count', by: 'category' }
		];
		const both = () =>
			Promise.all(
				asks.map(async (a) => {
					const input = { ...december, ...a };
					const [rolled, raw] = await Promise.all([
						queryMetric(db, input, { asOf: AS_OF, keepPeriods: false }),
						queryMetric(db, input, { asOf: AS_OF, keepPeriods: false, path: 'raw' })
					]);
					expect(rolled.path, JSON.stringify(a)).toBe('rollup');
					sameRows(rolled, raw, JSON.stringify(a));
					return rolled;
				})
			);
		const [byCategory, byChannel, all, , buckets] = await both();
		const value = (r: Awaited<ReturnType<typeof both>>[number]) => Object.fromEntries(r.rows.map((x) => [x.group ?? '', x.value]));
		// 价格 left December: no group; 邮件's one complaint has no answer: its group, without a median; the median of
		// the answers left, 3 h 40 min and 5 hours
		const median = (3 + 40 / 60 + 5) / 2;
		expect(Object.keys(value(byCategory!))).toEqual(['服务态度']);
		expect(value(byCategory!)['服务态度']).toBeCloseTo(median, 9);
		expect(value(byChannel!)['电话']).toBeCloseTo(median, 9);
		expect(value(byChannel!)['邮件']).toBeNull();
		expect(value(all!)['']).toBeCloseTo(median, 9);
		// three complaints in the buckets, the one of 1 hour gone
		expect(Object.values(value(buckets!)).reduce((a, b) => Number(a) + Number(b), 0)).toBe(3);
		expect(await db.withConnection((c) => verifyRollups(c))).toEqual([]);
		// folded by the compaction, with the same answers
		await compactAfterWrites(db);
		expect(await below()).toBe(0);
		await both();
	}, 120_000);

	it('a period is compacted once its writes may have added a tenth of its rows: a few rows more wait for more', async () => {
		expect(await recorded()).toBe(0);
		const template = readCsv(join(data, FILES.complaints))[0]!;
		const january = (n: number, from: number, day = 15) =>
			Array.from({ length: n }, (_, i) => ({
				...template,
				投诉编号: `JAN-${from + i}`,
				投诉时间: `2025/1/${day} ${8 + (i % 10)}:${String(i % 60).padStart(2, '0')}`,
				首次响应时间: `2025/1/${day} ${19 + (i % 4)}:00`,
				办结时间: '',
				处理状态: '处理中',
				回访时间: '',
				回访满意度: ''
			}));
		writeCsv(join(data, 'january-1.csv'), january(1, 0));
		writeCsv(join(data, 'january-1b.csv'), january(1, 100, 16));
		writeCsv(join(data, 'january-80.csv'), january(80, 1));
		// a complaint on each of two days into January's thousands of rows: recorded, left split (the record kept at one row
		// a period: the month and the week have two)
		await loadedInto(db, data, 'complaints', 'january-1.csv');
		await loadedInto(db, data, 'complaints', 'january-1b.csv');
		const periods = Number((await rows<{ n: number }>(db, 'SELECT count(*) AS n FROM (SELECT DISTINCT tbl, d FROM rollup_split)'))[0]!.n);
		expect(await recorded()).toBeGreaterThan(periods);
		expect(await compactAfterWrites(db)).toBeNull();
		expect(await recorded()).toBe(periods);
		const split = await layout();
		expect(split.complaint_time_cuts!.rows).toBeGreaterThan(split.complaint_time_cuts!.keys);
		await checkStep(db, MATRIX, AS_OF, 'a few rows more, not compacted');
		// eighty more into the first day: it, the month and the week are due, compacted and no longer recorded; the second
		// day, a complaint still, stays recorded
		await loadedInto(db, data, 'complaints', 'january-80.csv');
		expect(await compactAfterWrites(db)).not.toBeNull();
		const left = await rows<{ tbl: string; d: string }>(db, `SELECT tbl, strftime(d, '%Y-%m-%d') AS d FROM rollup_split ORDER BY 1`);
		expect(left).toEqual([
			{ tbl: 'complaint_cuts', d: '2025-01-16' },
			{ tbl: 'complaint_daily', d: '2025-01-16' }
		]);
		const after = await layout();
		for (const t of GROWING.filter((g) => g.period)) expect(after[t.table]!.rows, t.table).toBe(after[t.table]!.keys);
		await checkStep(db, MATRIX, AS_OF, 'compacted once due');
	}, 120_000);
});
