import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Database } from '../../src/lib/server/core/db';
import { listBatches, rollbackBatch } from '../../pipelines/batches';
import { count, load, rows, sample, snapshot, tableCounts, tempDatabase } from '../helpers/db';
import { readCsv, writeCsv } from '../helpers/csv';

let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => close());

const register = () => readCsv(sample('complaints_gbk.csv'), 'gbk');

/**
 * An updated export of the register: `n` of the complaints still 处理中 are now 已办结 (with a
 * resolution time and result), plus `added` new complaints.
 */
function updatedRegister(
	name: string,
	n: number,
	added: number,
	result = '已退款'
): { path: string; updatedIds: string[]; newIds: string[] } {
	const { header, rows: all } = register();
	const col = (h: string) => header.indexOf(h);
	const open = all.filter((r) => r[col('处理状态')] === '处理中').slice(0, n);
	const updated = open.map((r) => {
		const c = [...r];
		c[col('处理状态')] = '已办结';
		c[col('办结时间')] = '2025/4/1 10:00';
		c[col('处理结果')] = result;
		return c;
	});
	const fresh = all.slice(0, added).map((r, i) => {
		const c = [...r];
		c[col('投诉编号')] = `TS20250401${String(i + 1).padStart(4, '0')}`;
		c[col('受理时间')] = '2025/4/1 9:00';
		c[col('首次响应时间')] = '';
		c[col('办结时间')] = '';
		c[col('回访时间')] = '';
		c[col('回访满意度')] = '';
		c[col('处理状态')] = '待处理';
		return c;
	});
	const path = join(dir, name);
	writeCsv(path, header, [...updated, ...fresh], '\r\n');
	return { path, updatedIds: updated.map((r) => r[col('投诉编号')]!), newIds: fresh.map((r) => r[col('投诉编号')]!) };
}

const duplicateKeys = () => rows(db, 'SELECT complaint_id FROM complaints GROUP BY 1 HAVING count(*) > 1');

async function state() {
	return { complaints: await snapshot(db, 'complaints'), replaced: await snapshot(db, 'complaints_replaced') };
}

describe('upsert by natural key', () => {
	it('an updated register replaces the rows it repeats, adds the new ones, and never duplicates a key', async () => {
		const b1 = await load(db, 'complaints', sample('complaints_gbk.csv'));
		const { path, updatedIds, newIds } = updatedRegister('update.csv', 5, 2);
		const b2 = await load(db, 'complaints', path);
		expect(b2).toMatchObject({ status: 'committed', rows_read: 7, rows_loaded: 7, rows_replaced: 5 });
		expect(await count(db, 'complaints')).toBe(302);
		expect(await duplicateKeys()).toEqual([]);
		for (const id of updatedIds) {
			const [r] = await rows(
				db,
				"SELECT status::VARCHAR AS s, resolution, strftime(resolved_at, '%Y-%m-%d %H:%M') AS t, batch_id FROM complaints WHERE complaint_id = $1",
				[id]
			);
			expect(r).toEqual({ s: '已办结', resolution: '已退款', t: '2025-04-01 10:00', batch_id: b2.batch_id });
		}
		expect(await count(db, 'complaints', 'complaint_id IN ($1, $2) AND batch_id = $3', [...newIds, b2.batch_id])).toBe(2);
		// the previous versions are kept for rollback
		expect(await count(db, 'complaints_replaced', 'replaced_by = $1 AND batch_id = $2', [b2.batch_id, b1.batch_id])).toBe(5);
		expect(await count(db, 'complaints', "status = '处理中'")).toBe(16);
	});

	it('a second update of the same keys replaces the replacement, still one row per key', async () => {
		await load(db, 'complaints', sample('complaints_gbk.csv'));
		await load(db, 'complaints', updatedRegister('u1.csv', 3, 0, '换货').path);
		const b3 = await load(db, 'complaints', updatedRegister('u2.csv', 3, 0, '退款并道歉').path);
		expect(b3.rows_replaced).toBe(3);
		expect(await count(db, 'complaints')).toBe(300);
		expect(await duplicateKeys()).toEqual([]);
		expect(await count(db, 'complaints', "resolution = '退款并道歉'")).toBe(3);
		expect(await count(db, 'complaints', "resolution = '换货' AND resolved_at = TIMESTAMP '2025-04-01 10:00'")).toBe(0);
	});
});

describe('rollback', () => {
	it('restores the exact previous state, including the rows the batch replaced', async () => {
		const b1 = await load(db, 'complaints', sample('complaints_gbk.csv'));
		const before = await state();
		const { path } = updatedRegister('update.csv', 5, 2);
		const b2 = await load(db, 'complaints', path);
		expect(await state()).not.toEqual(before);

		const r = await rollbackBatch(db, b2.batch_id!, 'quality-officer');
		expect(r).toMatchObject({ ok: true, removed: 7, restored: 5 });
		expect(r.message).toContain(String(b2.batch_id));
		expect(await state()).toEqual(before);
		const [b] = await rows(db, 'SELECT status, rolled_back_by, rolled_back_at IS NOT NULL AS at FROM batches WHERE batch_id = $1', [
			b2.batch_id
		]);
		expect(b).toEqual({ status: 'rolled_back', rolled_back_by: 'quality-officer', at: true });

		// the first batch can now be rolled back too: back to an empty table
		expect((await rollbackBatch(db, b1.batch_id!, 'quality-officer')).ok).toBe(true);
		expect(await count(db, 'complaints')).toBe(0);
		expect(await count(db, 'complaints_replaced')).toBe(0);
	});

	it('is refused for a batch whose rows a later batch replaced, and changes nothing', async () => {
		const b1 = await load(db, 'complaints', sample('complaints_gbk.csv'));
		const b2 = await load(db, 'complaints', updatedRegister('update.csv', 5, 0).path);
		const before = { ...(await state()), counts: await tableCounts(db) };
		const r = await rollbackBatch(db, b1.batch_id!, 'x');
		expect(r).toMatchObject({ ok: false, code: 'blocked', removed: 0, restored: 0 });
		expect(r.message).toContain(String(b2.batch_id));
		expect({ ...(await state()), counts: await tableCounts(db) }).toEqual(before);
		const [b] = await rows(db, 'SELECT status FROM batches WHERE batch_id = $1', [b1.batch_id]);
		expect(b).toEqual({ status: 'committed' });
	});

	it('unwinds a chain of replacements in reverse order, each step exact', async () => {
		await load(db, 'complaints', sample('complaints_gbk.csv'));
		const s1 = await state();
		const b2 = await load(db, 'complaints', updatedRegister('u1.csv', 4, 1, '换货').path);
		const s2 = await state();
		const b3 = await load(db, 'complaints', updatedRegister('u2.csv', 4, 1, '退款').path);
		expect((await rollbackBatch(db, b2.batch_id!, 'x')).code).toBe('blocked');
		expect(await rollbackBatch(db, b3.batch_id!, 'x')).toMatchObject({ ok: true, removed: 5, restored: 5 });
		expect(await state()).toEqual(s2);
		expect(await rollbackBatch(db, b2.batch_id!, 'x')).toMatchObject({ ok: true, removed: 5, restored: 4 });
		expect(await state()).toEqual(s1);
	});

	it('is refused for unknown, rejected and already rolled-back batches', async () => {
		expect((await rollbackBatch(db, 999, 'x')).code).toBe('not_found');
		const rejected = await load(db, 'surveys', sample('surveys_with_errors.csv'));
		const r = await rollbackBatch(db, rejected.batch_id!, 'x');
		expect(r.code).toBe('not_committed');
		expect(r.message).toMatch(/已拒绝/);
		const ok = await load(db, 'staff', sample('staff.csv'));
		expect((await rollbackBatch(db, ok.batch_id!, 'x')).ok).toBe(true);
		expect((await rollbackBatch(db, ok.batch_id!, 'x')).code).toBe('not_committed');
	});

	it('after a rollback the same file can be loaded again (it is no longer a duplicate)', async () => {
		const first = await load(db, 'traffic', sample('traffic.csv'));
		await rollbackBatch(db, first.batch_id!, 'x');
		const again = await load(db, 'traffic', sample('traffic.csv'));
		expect(again.status).toBe('committed');
		expect(await count(db, 'traffic')).toBe(270);
		const batches = await listBatches(db);
		expect(batches.map((b) => [b.batch_id, b.status])).toEqual([
			[again.batch_id, 'committed'],
			[first.batch_id, 'rolled_back']
		]);
	});

	it('traffic (composite key store + date) upserts and rolls back by both columns', async () => {
		await load(db, 'traffic', sample('traffic.csv'));
		const before = await snapshot(db, 'traffic');
		const path = join(dir, 't.csv');
		writeCsv(
			path,
			['日期', '门店', '客流量', '交易笔数'],
			[
				['2025-01-01', '南京新街口店', '1', '1'],
				['2025/1/1', '上海徐家汇店', '2', '2'],
				['2025-04-01', '南京新街口店', '3', '3']
			]
		);
		const b = await load(db, 'traffic', path);
		expect(b).toMatchObject({ rows_loaded: 3, rows_replaced: 2 });
		expect(await count(db, 'traffic')).toBe(271);
		expect(await rows(db, 'SELECT store, date FROM traffic GROUP BY ALL HAVING count(*) > 1')).toEqual([]);
		await rollbackBatch(db, b.batch_id!, 'x');
		expect(await snapshot(db, 'traffic')).toEqual(before);
	});
});
