import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '$lib/server/core/db';
import { ingest } from '../../pipelines/engine';
import { departmentChoices, lastComplaintDay, storeChoices } from '$lib/server/features/overview/dashboard';
import { lastDataDay } from '$lib/server/features/quality/page';
import { sample, tempDatabase } from '../helpers/db';

/**
 * The reads pages make beside their metrics (the last day with data in the user's stores, the stores and departments
 * to pick from) are kept until write work finishes: asked again they open no connection, in any order of the
 * scope's stores, and after a load they are read again.
 */
describe('reads kept until the next write', () => {
	let db: Database;
	let dir: string;
	let close: () => void;
	beforeAll(async () => {
		({ db, dir, close } = await tempDatabase());
		for (const [kind, file] of [
			['staff', 'staff.csv'],
			['complaints', 'complaints_gbk.csv']
		] as const) {
			const s = await ingest(db, { kind, filePath: sample(file), source: 'cli', createdBy: 'test' });
			expect(s.status).toBe('committed');
		}
	}, 120_000);
	afterAll(() => close());

	/** what `read` returns, and the connections it opened */
	async function counted<T>(read: () => Promise<T>): Promise<{ value: T; connections: number }> {
		const spy = vi.spyOn(db, 'withConnection');
		try {
			return { value: await read(), connections: spy.mock.calls.length };
		} finally {
			spy.mockRestore();
		}
	}

	it('answers a second time without a query, for the same scope in any order', async () => {
		const first = await counted(() => lastComplaintDay(db, null));
		expect(first).toEqual({ value: '2025-03-31', connections: 1 });
		expect(await counted(() => lastComplaintDay(db, null))).toEqual({ value: '2025-03-31', connections: 0 });

		const scope = ['南京新街口店', '上海徐家汇店'];
		const departments = await counted(() => departmentChoices(db, scope));
		expect(departments.connections).toBe(1);
		expect(departments.value).toContain('家电部');
		expect(await counted(() => departmentChoices(db, [...scope].reverse()))).toEqual({ value: departments.value, connections: 0 });
		// another scope is another read
		expect((await counted(() => departmentChoices(db, ['南京新街口店']))).connections).toBe(1);

		const stores = await counted(() => storeChoices(db, null));
		expect(stores.connections).toBe(1);
		expect((await counted(() => storeChoices(db, null))).connections).toBe(0);
		expect((await counted(() => lastDataDay(db, scope))).connections).toBe(1);
		expect((await counted(() => lastDataDay(db, scope))).connections).toBe(0);
	});

	it('reads again after a load commits', async () => {
		const file = join(dir, 'later.csv');
		writeFileSync(
			file,
			'投诉编号,受理时间,投诉渠道,门店,涉及部门,投诉类别,投诉等级,内容摘要,处理状态\n' +
				'TS209901010001,2025/5/6 10:00,电话,南京新街口店,新开部门,服务态度,一般,等候过久,处理中\n'
		);
		const s = await ingest(db, { kind: 'complaints', filePath: file, source: 'cli', createdBy: 'test' });
		expect(s.status).toBe('committed');
		expect(await counted(() => lastComplaintDay(db, null))).toEqual({ value: '2025-05-06', connections: 1 });
		expect((await departmentChoices(db, ['南京新街口店'])).includes('新开部门')).toBe(true);
		expect((await storeChoices(db, null)).includes('南京新街口店')).toBe(true);
	});

	it('does not keep a read that failed', async () => {
		await expect(db.keptUntilWrite('failing', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
		expect(await db.keptUntilWrite('failing', () => Promise.resolve(7))).toBe(7);
		expect(await db.keptUntilWrite('failing', () => Promise.resolve(8))).toBe(7);
	});
});
