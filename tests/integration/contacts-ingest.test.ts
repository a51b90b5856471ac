import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/lib/server/core/db';
import { rollbackBatch } from '../../pipelines/batches';
import { count, load, rows, snapshot, tempDatabase } from '../helpers/db';

let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => close());

let n = 0;
const file = (content: string) => {
	const p = join(dir, `contacts-${++n}.csv`);
	writeFileSync(p, content);
	return p;
};

const HEADER = '会话编号,渠道,门店,坐席工号,进线时间,接起时间,结束时间,通话时长,保持时长,话后处理时长,客户电话,是否解决,业务类型,回拨时间';
const LOG = [
	HEADER,
	// durations in the three forms: seconds, mm:ss, hh:mm:ss
	'C1,电话,A店,E01,2025-03-01 10:00:00,2025-03-01 10:00:12,2025-03-01 10:05:00,240,0:30,0:00:18,13800138000,是,退换货,',
	'C2,在线,A店,E02,2025-03-01 10:01:00,2025-03-01 10:01:40,2025-03-01 10:10:00,8:00,20,1:00:00,13900139000,否,咨询,',
	// not answered: no agent, no answer time; called back later
	'C3,电话,B店,,2025-03-01 10:02:00,,2025-03-01 10:02:50,,,,13800138000,,,2025-03-01 10:10:00',
	''
].join('\n');

describe('the contacts kind through the one engine', () => {
	it('loads a contact log: durations in seconds, mm:ss and hh:mm:ss; phones kept and hashed as complaints', async () => {
		const s = await load(db, 'contacts', file(LOG));
		expect(s.status).toBe('committed');
		expect(s.rows_loaded).toBe(3);
		const got = await rows<Record<string, unknown>>(
			db,
			`SELECT contact_id, channel::VARCHAR AS channel, agent_id, talk_seconds, hold_seconds, wrap_seconds, resolved, direction::VARCHAR AS direction,
			   answered_at IS NULL AS unanswered, customer_phone, customer_phone_hash IS NOT NULL AS hashed
			 FROM contacts ORDER BY contact_id`
		);
		expect(got).toEqual([
			{
				contact_id: 'C1',
				channel: '电话',
				agent_id: 'E01',
				talk_seconds: 240,
				hold_seconds: 30,
				wrap_seconds: 18,
				resolved: true,
				direction: '呼入',
				unanswered: false,
				customer_phone: '13800138000',
				hashed: true
			},
			{
				contact_id: 'C2',
				channel: '在线',
				agent_id: 'E02',
				talk_seconds: 480,
				hold_seconds: 20,
				wrap_seconds: 3600,
				resolved: false,
				direction: '呼入',
				unanswered: false,
				customer_phone: '13900139000',
				hashed: true
			},
			{
				contact_id: 'C3',
				channel: '电话',
				agent_id: null,
				talk_seconds: null,
				hold_seconds: null,
				wrap_seconds: null,
				resolved: null,
				direction: '呼入',
				unanswered: true,
				customer_phone: '13800138000',
				hashed: true
			}
		]);
		// the same phone hashes alike in contacts and in complaints (one key): the join of repeat contacts to complaints
		await load(db, 'complaints', file('投诉编号,投诉时间,门店,联系电话\nT1,2025-03-02 09:00,A店,138-0013-8000\n'));
		const [link] = await rows<{ n: number }>(
			db,
			'SELECT count(*) AS n FROM contacts c JOIN complaints k ON k.customer_phone_hash = c.customer_phone_hash'
		);
		expect(Number(link!.n)).toBe(2);
	});

	it('refuses the whole file for one bad duration, naming row, column and value in Chinese and English', async () => {
		const bad = LOG.replace(',8:00,', ',8分钟,');
		const zh = await load(db, 'contacts', file(bad));
		expect(zh.status).toBe('rejected');
		expect(await count(db, 'contacts')).toBe(0);
		expect(zh.errors).toHaveLength(1);
		expect(zh.errors[0]).toMatchObject({ row: 3, code: 'duration_invalid', value: '8分钟' });
		expect(zh.errors[0]!.reason).toContain('不是时长');
		expect(zh.errors[0]!.reason).toContain('通话时长');
		const en = await load(db, 'contacts', file(bad), { locale: 'en', dryRun: true });
		expect(en.errors[0]!.reason).toContain('is not a duration');
	});

	it('refuses answer times before arrival and mm:ss with 60 seconds', async () => {
		const bad = LOG.replace('2025-03-01 10:00:12', '2025-03-01 09:59:00').replace(',0:30,', ',1:60,');
		const s = await load(db, 'contacts', file(bad));
		expect(s.status).toBe('rejected');
		expect(s.errors.map((e) => e.code).sort()).toEqual(['duration_invalid', 'time_before']);
	});

	it('a file loaded again is a duplicate; an updated export replaces by 会话编号; a rollback restores the rows it replaced', async () => {
		const first = await load(db, 'contacts', file(LOG));
		expect(first.status).toBe('committed');
		const again = await load(db, 'contacts', file(LOG));
		expect(again.status).toBe('duplicate');
		const before = await snapshot(db, 'contacts');
		const updated = [
			HEADER,
			'C3,电话,B店,E03,2025-03-01 10:02:00,2025-03-01 10:02:30,2025-03-01 10:06:00,200,,,13800138000,是,咨询,',
			''
		].join('\n');
		const second = await load(db, 'contacts', file(updated));
		expect(second.status).toBe('committed');
		expect(second.rows_replaced).toBe(1);
		expect(await count(db, 'contacts')).toBe(3);
		expect(await count(db, 'contacts', "contact_id = 'C3' AND agent_id = 'E03'")).toBe(1);
		await rollbackBatch(db, second.batch_id!, 'vitest');
		expect(await snapshot(db, 'contacts')).toEqual(before);
	});
});
