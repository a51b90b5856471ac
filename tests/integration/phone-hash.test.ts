import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryRows } from '../../src/lib/server/core/db';
import { phoneHasher } from '../../src/lib/server/core/db/phone-hash';
import { ingest } from '../../pipelines/engine';
import { rollbackBatch } from '../../pipelines/batches';
import { sample, tempDatabase } from '../helpers/db';

/** Repeat complaints are found by a keyed hash of the phone, computed at load, never by reading phones. */
describe('customer phone hash at ingest', () => {
	let t: Awaited<ReturnType<typeof tempDatabase>>;
	beforeAll(async () => {
		t = await tempDatabase();
		const s = await ingest(t.db, { kind: 'complaints', filePath: sample('complaints_gbk.csv'), source: 'cli', createdBy: 'test' });
		expect(s.status).toBe('committed');
	});
	afterAll(() => t.close());

	const rows = <T>(sql: string, params: unknown[] = []) => t.db.withConnection((c) => queryRows<T>(c, sql, params));

	it('every complaint with a phone gets a hash, and one without gets none', async () => {
		const [r] = await rows<{ with_phone: number; hashed: number; stray: number }>(
			`SELECT count(customer_phone) AS with_phone, count(customer_phone_hash) AS hashed,
			        count(*) FILTER (WHERE customer_phone IS NULL AND customer_phone_hash IS NOT NULL) AS stray FROM complaints`
		);
		expect(r!.with_phone).toBeGreaterThan(250);
		expect(r!.hashed).toBe(r!.with_phone);
		expect(r!.stray).toBe(0);
	});

	it('finds the 15 repeat complainants of the samples, also those who wrote their number differently', async () => {
		const [r] = await rows<{ repeaters: number; by_phone: number }>(
			`SELECT (SELECT count(*) FROM (SELECT customer_phone_hash FROM complaints WHERE customer_phone_hash IS NOT NULL GROUP BY 1 HAVING count(*) >= 2)) AS repeaters,
			        (SELECT count(*) FROM (SELECT customer_phone FROM complaints WHERE customer_phone IS NOT NULL GROUP BY 1 HAVING count(*) >= 2)) AS by_phone`
		);
		expect(r!.repeaters).toBe(15);
		expect(r!.by_phone).toBe(15);
	});

	it('the hash in the database is the JS hasher’s, and the same for any way of writing the number', async () => {
		const hasher = await phoneHasher(t.db);
		const [r] = await rows<{ customer_phone: string; customer_phone_hash: bigint }>(
			`SELECT customer_phone, customer_phone_hash FROM complaints WHERE customer_phone LIKE '1%' LIMIT 1`
		);
		const digits = r!.customer_phone;
		expect(BigInt(r!.customer_phone_hash)).toBe(hasher.u64(digits));
		const pretty = `+86 ${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`;
		expect(hasher.u64(pretty)).toBe(hasher.u64(digits));
	});

	it('a replaced and a rolled-back complaint keep their hash through the history table', async () => {
		const [before] = await rows<{ complaint_id: string; customer_phone_hash: bigint }>(
			`SELECT complaint_id, customer_phone_hash FROM complaints WHERE customer_phone_hash IS NOT NULL ORDER BY complaint_id LIMIT 1`
		);
		const csv = join(t.dir, 'update.csv');
		writeFileSync(
			csv,
			`投诉编号,受理时间,门店,联系电话,处理状态\n${before!.complaint_id},2025/1/2 10:00,南京新街口店,13900001111,处理中\n`
		);
		const s = await ingest(t.db, { kind: 'complaints', filePath: csv, source: 'cli', createdBy: 'test' });
		expect(s.rows_replaced).toBe(1);
		const [changed] = await rows<{ customer_phone_hash: bigint }>(`SELECT customer_phone_hash FROM complaints WHERE complaint_id = $1`, [
			before!.complaint_id
		]);
		expect(changed!.customer_phone_hash).not.toBe(before!.customer_phone_hash);
		expect((await rollbackBatch(t.db, s.batch_id!, 'test')).ok).toBe(true);
		const [restored] = await rows<{ customer_phone_hash: bigint }>(`SELECT customer_phone_hash FROM complaints WHERE complaint_id = $1`, [
			before!.complaint_id
		]);
		expect(restored!.customer_phone_hash).toBe(before!.customer_phone_hash);
	});
});
