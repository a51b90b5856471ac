import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { rollupsCurrent, verifyRollups } from '../../pipelines/rollups/maintain';
import { rows, tempDatabase, tempDir } from './db';
import { loaded as loadedInto, writeCsv } from './golden';

/**
 * Rows of one phone at one time, kept current in the order by id: every pair of a batch shares its phone and time,
 * written with the later id first, so that ordered by time alone they would take each other's stored values. Run by
 * rollup-ties.test.ts (the upkeep orders by time alone first, and again by time and id where rows share a time) and
 * rollup-ties-exact.test.ts (ROLLUP_EXACT_ORDER_FROM=1: by time and id at once, as for a big write).
 */
export function tiesSuite(title: string): void {
	let db: Database;
	let close: () => void;
	let cleanup: () => void;
	let data: string;
	const PAIRS = 20;
	const loaded = (kind: 'complaints' | 'contacts', file: string) => loadedInto(db, data, kind, file);

	beforeAll(async () => {
		({ dir: data, cleanup } = tempDir('sqa-rollup-ties-'));
		({ db, close } = await tempDatabase());
	});

	afterAll(() => {
		close?.();
		cleanup?.();
	});

	const complaint = (id: string, at: string, store: string, phone: string) => ({
		投诉编号: id,
		投诉时间: at,
		投诉渠道: '电话',
		门店: store,
		涉及部门: '服装部',
		投诉类别: '服务态度',
		投诉等级: '一般',
		内容摘要: '排队时间过长',
		投诉人: '王先生',
		联系电话: phone,
		处理人工号: 'S0001',
		被投诉员工工号: '',
		是否职责范围内: '是',
		是否上报: '否',
		首次响应时间: at.replace('09:00', '09:30'),
		办结时间: '',
		处理状态: '处理中',
		处理结果: '',
		回访时间: '',
		回访满意度: '',
		赔偿金额: ''
	});

	const contact = (id: string, at: string, phone: string) => ({
		会话编号: id,
		渠道: '电话',
		门店: '北京西单店',
		坐席工号: 'S0003',
		进线时间: at,
		接起时间: at.replace(':00:00', ':00:10'),
		结束时间: at.replace(':00:00', ':05:00'),
		通话时长: '290',
		保持时长: '',
		话后处理时长: '',
		客户电话: phone,
		是否解决: '是',
		业务类型: '咨询',
		回拨时间: '',
		呼叫方向: '呼入'
	});

	const pairs = Array.from({ length: PAIRS }, (_, k) => k);

	describe(title, () => {
		it('complaints: of two at one time, the first by id is measured from the previous complaint, the other from it', async () => {
			const phone = (k: number) => `1390000${String(1000 + k)}`;
			// 40 days before the pairs: outside the 30-day repeat window
			writeCsv(
				join(data, 'c-earlier.csv'),
				pairs.map((k) => complaint(`E-${k}`, '2025/1/1 09:00', '北京西单店', phone(k)))
			);
			writeCsv(
				join(data, 'c-pairs.csv'),
				pairs.flatMap((k) => [
					complaint(`T-${k}-B`, '2025/2/10 09:00', '上海五角场店', phone(k)),
					complaint(`T-${k}-A`, '2025/2/10 09:00', '广州天河店', phone(k))
				])
			);
			await loaded('complaints', 'c-earlier.csv');
			await loaded('complaints', 'c-pairs.csv');
			expect(await db.withConnection(rollupsCurrent)).toBe(true);
			const gaps = await rows<{ id: string; gap: number | null }>(
				db,
				`SELECT complaint_id AS id, repeat_gap_us AS gap FROM complaints WHERE complaint_id LIKE 'T-%' ORDER BY complaint_id`
			);
			expect(gaps).toHaveLength(2 * PAIRS);
			for (const g of gaps) expect([g.id, g.gap === null ? null : Number(g.gap)]).toEqual([g.id, g.id.endsWith('-A') ? null : 0]);
			expect(await db.withConnection((c) => verifyRollups(c))).toEqual([]);
		});

		it('contacts: of two at one time, the first by id has the other as its next contact, the other the next one after', async () => {
			const phone = (k: number) => `1380000${String(1000 + k)}`;
			writeCsv(
				join(data, 'k-earlier.csv'),
				pairs.map((k) => contact(`KE-${k}`, '2025-01-01 10:00:00', phone(k)))
			);
			writeCsv(
				join(data, 'k-pairs.csv'),
				pairs.flatMap((k) => [
					contact(`KT-${k}-B`, '2025-01-05 10:00:00', phone(k)),
					contact(`KT-${k}-A`, '2025-01-05 10:00:00', phone(k)),
					contact(`KT-${k}-N`, '2025-01-06 10:00:00', phone(k))
				])
			);
			await loaded('contacts', 'k-earlier.csv');
			await loaded('contacts', 'k-pairs.csv');
			const next = await rows<{ id: string; next: string | null }>(
				db,
				`SELECT contact_id AS id, strftime(stored_next_inbound_at, '%Y-%m-%d %H:%M') AS next FROM contacts
				 WHERE contact_id LIKE 'KT-%' AND contact_id NOT LIKE '%-N' ORDER BY contact_id`
			);
			expect(next).toHaveLength(2 * PAIRS);
			for (const r of next) expect(r).toEqual({ id: r.id, next: r.id.endsWith('-A') ? '2025-01-05 10:00' : '2025-01-06 10:00' });
			expect(await db.withConnection((c) => verifyRollups(c))).toEqual([]);
		});
	});
}
