import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/lib/server/core/db';
import { migrations } from '../../src/lib/server/core/db/migrations';
import { listBatches, rollbackBatch } from '../../pipelines/batches';
import { load, rows, snapshot, tempDatabase } from '../helpers/db';

/**
 * Store scope in the engine (docs/decisions.md, "Store scope of writes"): the stores a batch touches are
 * recorded, a limited loader is refused rows and keys of other stores, the operator (no scope) is not.
 */
let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => close());

const SZ = '深圳福田店';
const NJ = '南京新街口店';
let n = 0;
const file = (...lines: string[]) => {
	const path = join(dir, `f${++n}.csv`);
	writeFileSync(path, `投诉编号,投诉时间,门店,投诉渠道,内容摘要\n${lines.join('\n')}\n`);
	return path;
};
const storesOf = async (id: number | null) =>
	(await rows<{ stores: string[] | null }>(db, 'SELECT stores FROM batches WHERE batch_id = $1', [id]))[0]?.stores ?? null;

describe('store scope of loads', () => {
	it('records the stores a batch names and replaces, and refuses a limited loader other stores’ rows and keys', async () => {
		const nj = await load(db, 'complaints', file(`K-1,2025/3/1 9:00,${NJ},电话,南京`));
		expect(await storesOf(nj.batch_id)).toEqual([NJ]);
		const before = await snapshot(db, 'complaints');

		const foreign = await load(db, 'complaints', file(`K-2,2025/3/1 9:00,${SZ},电话,a`, `K-3,2025/3/1 9:00,${NJ},电话,b`), {
			stores: [SZ],
			acceptPartial: true
		});
		expect(foreign.status).toBe('rejected');
		expect(foreign.errors[0]!.code).toBe('store_out_of_scope');
		expect(foreign.message).toContain(NJ);
		expect(await storesOf(foreign.batch_id)).toEqual([SZ]);

		const takeover = await load(db, 'complaints', file(`K-1,2025/3/1 9:00,${SZ},电话,深圳`), { stores: [SZ], locale: 'en' });
		expect(takeover.errors[0]!.code).toBe('store_key_out_of_scope');
		expect(takeover.message).toContain('K-1');
		expect(await snapshot(db, 'complaints')).toEqual(before);

		// the operator moves the record; the batch then touches both stores
		const moved = await load(db, 'complaints', file(`K-1,2025/3/1 9:00,${SZ},电话,深圳`));
		expect(moved.status).toBe('committed');
		expect(await storesOf(moved.batch_id)).toEqual([SZ, NJ].sort());
		expect((await listBatches(db, 10, [SZ])).map((b) => b.batch_id)).toEqual([takeover.batch_id, foreign.batch_id]);
		expect((await rollbackBatch(db, moved.batch_id!, 'qc', 'zh-CN', [SZ])).code).toBe('store');
		expect((await rollbackBatch(db, moved.batch_id!, 'ops', 'zh-CN', null)).ok).toBe(true);
		expect(await snapshot(db, 'complaints')).toEqual(before);
	});

	it('refuses rows without a store to a limited loader of the roster, and records such a batch as unknown', async () => {
		const path = join(dir, 'staff.csv');
		writeFileSync(path, `工号,姓名,门店\nS1,王一,${SZ}\nS2,李二,\n`);
		const scoped = await load(db, 'staff', path, { stores: [SZ] });
		expect(scoped.errors[0]!.code).toBe('store_out_of_scope');
		expect(scoped.message).toContain('未填门店');
		const ops = await load(db, 'staff', path);
		expect(ops.status).toBe('committed');
		expect(await storesOf(ops.batch_id)).toBeNull();
		expect((await listBatches(db, 10, [SZ])).map((b) => b.batch_id)).not.toContain(ops.batch_id);
	});

	it('migration 7 gives earlier batches the stores of their rows, or none when it cannot tell', async () => {
		const a = await load(db, 'complaints', file(`M-1,2025/3/1 9:00,${NJ},电话,x`, `M-2,2025/3/1 9:00,${SZ},电话,y`));
		const b = await load(db, 'complaints', file(`M-1,2025/3/1 9:00,${NJ},电话,z`));
		const bad = await load(db, 'complaints', file(`M-3,2025/3/1 9:00,${NJ},电话,x`, `M-4,not a date,${NJ},电话,y`), {
			acceptPartial: true
		});
		await db.withConnection((c) => c.run('UPDATE batches SET stores = NULL'));
		const backfill = migrations
			.find((m) => m.version === 7)!
			.sql.split(';')
			.filter((s) => s.includes('UPDATE'))
			.join(';');
		await db.withConnection((c) => c.run(backfill));
		expect(await storesOf(a.batch_id)).toEqual([NJ, SZ].sort());
		expect(await storesOf(b.batch_id)).toEqual([NJ]);
		expect(await storesOf(bad.batch_id)).toBeNull();
	});
});
