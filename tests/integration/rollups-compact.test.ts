import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { FILES, generate } from '../../pipelines/generate';
import { rollbackBatch } from '../../pipelines/batches';
import { compactAfterWrites } from '../../pipelines/rollups/maintain';
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
});
