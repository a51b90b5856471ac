import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { FILES, generate } from '../../pipelines/generate';
import { rollbackBatch } from '../../pipelines/batches';
import { runCommand } from '../../pipelines/commands';
import { rebuildLeftKinds, rollupState } from '../../pipelines/rollups/maintain';
import { tempDatabase, tempDir } from '../helpers/db';
import { checkStep, loaded as loadedInto, readCsv, sameRows, writeCsv, COMPLAINT_MATRIX, RANGES } from '../helpers/golden';

// Before any module reads the settings: a write of 1,000 rows or more is "big" here.
vi.hoisted(() => {
	process.env.ROLLUP_AFTER_ROWS = '1000';
});

/**
 * A big write (ROLLUP_AFTER_ROWS rows or more of a kind, and at least half of it) commits without its kind's rollups and names the kind
 * to be rebuilt after the commit: until then that kind's metrics read raw rows (the same answers), the other
 * kinds' rollups are kept as usual, `npm run rollups -- verify` says they are not current, and the rebuild
 * (`rebuildLeftKinds`, run by the server after every write and by the command line before it closes the file)
 * brings them back, equal to the raw rows.
 */

let db: Database;
let close: () => void;
let cleanup: () => void;
let data: string;
const AS_OF = '2025-05-09 12:00:00';
const MATRIX = COMPLAINT_MATRIX;
const loaded = (kind: Parameters<typeof loadedInto>[2], file: string) => loadedInto(db, data, kind, file);
const stale = async () => (await db.withConnection(rollupState)).stale;
const ask = (metric: string) => ({ metric, from: RANGES[0].from, to: RANGES[0].to, grain: 'month' as const, scope: null });

beforeAll(async () => {
	({ dir: data, cleanup } = tempDir('sqa-rollups-after-'));
	await generate({ outDir: data, scale: 3000, seed: 11, from: '2025-01-01', days: 120, contactsPerComplaint: 0, log: () => undefined });
	const complaints = readCsv(join(data, FILES.complaints));
	writeCsv(join(data, 'complaints-a.csv'), complaints.slice(0, 500));
	writeCsv(join(data, 'complaints-b.csv'), complaints.slice(500, 2990));
	writeCsv(join(data, 'complaints-c.csv'), complaints.slice(2990));
	// 1,000 more complaints (new numbers): big, but a third of the table they go into
	writeCsv(
		join(data, 'complaints-d.csv'),
		complaints.slice(0, 1000).map((r) => ({ ...r, 投诉编号: `D${r['投诉编号']}` }))
	);
	writeCsv(join(data, 'surveys-a.csv'), readCsv(join(data, FILES.surveys)).slice(0, 500));
	({ db, close } = await tempDatabase());
	for (const kind of ['staff', 'traffic'] as const) await loaded(kind, FILES[kind]);
}, 120_000);

afterAll(() => {
	close?.();
	cleanup?.();
});

describe('a big write leaves its kind to a rebuild after its commit', () => {
	let big: number;

	it('a small write keeps the rollups current inside it', async () => {
		await loaded('complaints', 'complaints-a.csv');
		expect(await stale()).toEqual([]);
		await checkStep(db, MATRIX, AS_OF, 'after 500 complaints');
	});

	it('a big load commits and names its kind; raw rows answer that kind, the same numbers', async () => {
		big = await loaded('complaints', 'complaints-b.csv');
		expect(await stale()).toEqual(['complaints']);
		const [viaPlanner, viaRaw] = await Promise.all([
			queryMetric(db, ask('complaint_count'), { asOf: AS_OF }),
			queryMetric(db, ask('complaint_count'), { asOf: AS_OF, path: 'raw' })
		]);
		expect(viaPlanner.path).toBe('raw');
		sameRows(viaPlanner, viaRaw, 'complaint_count while left to a rebuild');
		expect(viaPlanner.rows.reduce((n, r) => n + Number(r.value), 0)).toBeGreaterThan(2000);
		const verify = await runCommand(db, { command: 'rollups', action: 'verify', locale: 'en' });
		expect(verify.exitCode).toBe(1);
		expect(verify.text).toMatch(/not current/iu);
	});

	it('meanwhile another kind keeps its rollups, and a small load of the left kind goes in without them', async () => {
		await loaded('surveys', 'surveys-a.csv');
		expect((await queryMetric(db, ask('csat'), { asOf: AS_OF })).path).toBe('rollup');
		await loaded('complaints', 'complaints-c.csv');
		expect(await stale()).toEqual(['complaints']);
	});

	it('the rebuild after the commit brings the kind back, equal to the raw rows', async () => {
		const built = await rebuildLeftKinds(db);
		expect(built?.tables).toHaveProperty('complaint_daily');
		expect(built?.tables).not.toHaveProperty('survey_daily');
		expect(await stale()).toEqual([]);
		await checkStep(db, MATRIX, AS_OF, 'after the rebuild');
		// nothing left: no second rebuild
		expect(await rebuildLeftKinds(db)).toBeNull();
	});

	it('a big load into a table three times its size keeps its upkeep inside it', async () => {
		await loaded('complaints', 'complaints-d.csv');
		expect(await stale()).toEqual([]);
		await checkStep(db, MATRIX, AS_OF, 'after 1,000 complaints into 3,000');
	});

	it('a big rollback does the same', async () => {
		expect((await rollbackBatch(db, big, 'vitest')).ok).toBe(true);
		expect(await stale()).toEqual(['complaints']);
		expect((await queryMetric(db, ask('complaint_count'), { asOf: AS_OF })).path).toBe('raw');
		await rebuildLeftKinds(db);
		expect(await stale()).toEqual([]);
		await checkStep(db, MATRIX, AS_OF, 'after the rollback and its rebuild');
	});
});
