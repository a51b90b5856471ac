import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/lib/server/core/db';
import { count, load, rows, tableCounts, tempDatabase } from '../helpers/db';

let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => close());

let n = 0;
const file = (content: string) => {
	const p = join(dir, `f${n++}.csv`);
	writeFileSync(p, content);
	return p;
};

const H = '投诉编号,投诉时间,门店,投诉渠道,联系电话,内容摘要';

describe('duplicate keys inside one file', () => {
	const content = [
		H,
		'A1,2025/3/1 9:00,南京新街口店,电话,13812345678,第一条', // row 2
		'A2,2025/3/1 9:10,南京新街口店,电话,13812345679,第二条', // row 3: identical to rows 4 and 6
		'A2,2025/3/1 9:10,南京新街口店,电话,13812345679,第二条', // row 4
		'A3,2025/3/1 9:20,上海徐家汇店,现场,138-1234-5670,第三条', // row 5: same complaint, other phone spelling (row 7)
		'A2,2025/3/1 9:10,南京新街口店,电话,13812345679,第二条', // row 6
		'A3,2025-03-01 09:20,上海徐家汇店,现场,+86 13812345670,第三条', // row 7
		'A4,2025/3/1 9:30,杭州湖滨店,在线,,原来的内容', // row 8: conflicts with row 9
		'A4,2025/3/1 9:30,杭州湖滨店,在线,,改过的内容' // row 9
	].join('\n');

	it('identical rows collapse; conflicting rows are rejected, naming every row', async () => {
		const s = await load(db, 'complaints', file(content));
		expect(s).toMatchObject({ status: 'rejected', rows_read: 8, rows_loaded: 0, rows_rejected: 2, rows_collapsed: 3 });
		expect(s.errors.map((e) => [e.row, e.code, e.value])).toEqual([
			[8, 'duplicate_key_conflict', 'A4'],
			[9, 'duplicate_key_conflict', 'A4']
		]);
		expect(s.errors[0]!.reason).toContain('8、9');
		expect(await count(db, 'complaints')).toBe(0);
	});

	it('with acceptPartial: one row per key, the conflicting key left out', async () => {
		const s = await load(db, 'complaints', file(content), { acceptPartial: true });
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 3, rows_rejected: 2, rows_collapsed: 3 });
		const ids = await rows<{ complaint_id: string; customer_phone: string | null }>(
			db,
			'SELECT complaint_id, customer_phone FROM complaints ORDER BY 1'
		);
		expect(ids).toEqual([
			{ complaint_id: 'A1', customer_phone: '13812345678' },
			{ complaint_id: 'A2', customer_phone: '13812345679' },
			{ complaint_id: 'A3', customer_phone: '13812345670' }
		]);
		expect(await count(db, 'rejected_rows', "batch_id = $1 AND reason_code = 'duplicate_key_conflict'", [s.batch_id])).toBe(2);
		expect(s.warnings.join(' ')).toContain('3');
	});
});

describe('explicit mapping (--map)', () => {
	const mapped = [
		'单号,登记日期,来源,情况说明,进度,Remark',
		'W-1,2025年3月5日 10:30,官方APP,空调不制冷,已回复,x',
		'W-2,2025/3/6 9:05,热线,服务态度差,已完结 ,y',
		'W-3,2025.3.7,现场,价格不符,待处理,z'
	].join('\n');
	const mapping = {
		columns: { 单号: 'complaint_id', 登记日期: 'received_at', 情况说明: 'summary', 进度: 'status', remark: 'ignore' },
		constants: { store: '杭州湖滨店', department: '客服中心' },
		values: { 来源: { 官方APP: '在线' }, 进度: { 已回复: '处理中', 已完结: '已办结' } }
	};

	it('maps columns, fills constants, translates values and ignores what it is told to', async () => {
		const s = await load(db, 'complaints', file(mapped), { mapping });
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 3, rows_rejected: 0 });
		expect(s.warnings).toEqual([]);
		const r = await rows(
			db,
			"SELECT complaint_id, strftime(received_at, '%Y-%m-%d %H:%M') AS t, store, department, channel::VARCHAR AS ch, summary, status::VARCHAR AS st FROM complaints ORDER BY 1"
		);
		expect(r).toEqual([
			{
				complaint_id: 'W-1',
				t: '2025-03-05 10:30',
				store: '杭州湖滨店',
				department: '客服中心',
				ch: '在线',
				summary: '空调不制冷',
				st: '处理中'
			},
			{
				complaint_id: 'W-2',
				t: '2025-03-06 09:05',
				store: '杭州湖滨店',
				department: '客服中心',
				ch: '电话',
				summary: '服务态度差',
				st: '已办结'
			},
			{
				complaint_id: 'W-3',
				t: '2025-03-07 00:00',
				store: '杭州湖滨店',
				department: '客服中心',
				ch: '现场',
				summary: '价格不符',
				st: '待处理'
			}
		]);
		const [b] = await rows<{ mapping: string }>(db, 'SELECT mapping::VARCHAR AS mapping FROM batches WHERE batch_id = $1', [s.batch_id]);
		expect(JSON.parse(b!.mapping).mapping).toEqual(mapping);
	});

	it('a value neither mapped nor allowed is a row error with the raw value', async () => {
		const s = await load(db, 'complaints', file(mapped + '\nW-4,2025/3/8,微信,太吵,已归档,w'), { mapping });
		expect(s.status).toBe('rejected');
		expect(s.errors.map((e) => [e.row, e.column, e.value, e.code])).toEqual([[5, '进度', '已归档', 'enum_invalid']]);
		expect(s.errors[0]!.reason).toContain('待处理、处理中、已办结');
	});

	it('a bad constant rejects every row and shows the constant as the value', async () => {
		const s = await load(db, 'complaints', file(mapped), {
			mapping: { ...mapping, constants: { store: '杭州湖滨店', channel: '飞鸽传书' } }
		});
		expect(s).toMatchObject({ status: 'rejected', rows_rejected: 3 });
		expect(s.errors.every((e) => e.code === 'enum_invalid' && e.column === 'channel' && e.value === '飞鸽传书')).toBe(true);
		expect(s.errors[0]!.reason).toContain('飞鸽传书');
	});

	it('the flat form {source: canonical} works as --map', async () => {
		const s = await load(db, 'traffic', file('营业日,分店,人数,单数\n2025-03-01,A店,100,30\n'), {
			mapping: { 营业日: 'date', 分店: 'store', 人数: 'visitors', 单数: 'transactions' }
		});
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 1 });
		expect(await rows(db, 'SELECT store, visitors, transactions FROM traffic')).toEqual([
			{ store: 'A店', visitors: 100, transactions: 30 }
		]);
	});

	it('date_order in the mapping settles D/M/Y files; without it they are rejected as ambiguous', async () => {
		const content = '日期,门店,交易笔数\n1/2/2025,A店,1\n3/2/2025,A店,2\n';
		const ambiguous = await load(db, 'traffic', file(content), { dryRun: true });
		expect(ambiguous.errors.map((e) => e.code)).toEqual(['date_ambiguous', 'date_ambiguous']);
		const s = await load(db, 'traffic', file(content), { mapping: { date_order: 'dmy' } });
		expect(s.status).toBe('committed');
		expect(await rows(db, "SELECT strftime(date, '%Y-%m-%d') AS d FROM traffic ORDER BY 1")).toEqual([
			{ d: '2025-02-01' },
			{ d: '2025-02-03' }
		]);
	});

	it('the day/month order is read from the file when one value settles it', async () => {
		await load(db, 'traffic', file('日期,门店,交易笔数\n13/2/2025,A店,1\n3/2/2025,A店,2\n'));
		await load(db, 'traffic', file('日期,门店,交易笔数\n2/13/2025,B店,1\n3/2/2025,B店,2\n'));
		expect(await rows(db, "SELECT store, strftime(date, '%Y-%m-%d') AS d FROM traffic ORDER BY 1, 2")).toEqual([
			{ store: 'A店', d: '2025-02-03' },
			{ store: 'A店', d: '2025-02-13' },
			{ store: 'B店', d: '2025-02-13' },
			{ store: 'B店', d: '2025-03-02' }
		]);
	});

	it('generate_key: surveys without ids get stable keys from the file hash and row number', async () => {
		const content = '评分,推荐,留言,Q7\n5,9,很好,3\n2,3,太慢,\n4,8,,5\n';
		const m = {
			columns: { 评分: 'overall', 推荐: 'nps', 留言: 'comment' },
			constants: { store: '南京新街口店', submitted_at: '2025年3月5日', method: '问卷' },
			generate_key: true
		};
		const p = file(content);
		const s = await load(db, 'surveys', p, { mapping: m });
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 3 });
		expect(s.warnings.join()).toContain('Q7');
		const r = await rows<{ response_id: string; overall: number; d: string; method: string; q7: number | null }>(
			db,
			"SELECT response_id, overall, strftime(submitted_at, '%Y-%m-%d') AS d, method::VARCHAR AS method, extra_answers['Q7'] AS q7 FROM surveys ORDER BY response_id"
		);
		const prefix = s.sha256!.slice(0, 12);
		expect(r).toEqual([
			{ response_id: `${prefix}-2`, overall: 5, d: '2025-03-05', method: '问卷', q7: 3 },
			{ response_id: `${prefix}-3`, overall: 2, d: '2025-03-05', method: '问卷', q7: null },
			{ response_id: `${prefix}-4`, overall: 4, d: '2025-03-05', method: '问卷', q7: 5 }
		]);
		// the same file again is a duplicate, not three more responses
		expect((await load(db, 'surveys', p, { mapping: m })).status).toBe('duplicate');
		expect(await count(db, 'surveys')).toBe(3);
	});

	it('value maps match the source header like column mappings do (case, spaces) and trimmed cells', async () => {
		const content = 'Date,Store,Sales,Flag\n2025-03-01,  north ,12,x\n2025-03-02,north,13,x\n';
		const s = await load(db, 'traffic', file(content), {
			mapping: {
				columns: { date: 'date', store: 'store', sales: 'transactions', flag: 'ignore' },
				values: { STORE: { north: '南京新街口店' } }
			}
		});
		expect(s.status).toBe('committed');
		expect(await rows(db, 'SELECT DISTINCT store FROM traffic')).toEqual([{ store: '南京新街口店' }]);
	});

	it('an invalid mapping is a clear file-level rejection that loads nothing', async () => {
		const before = await tableCounts(db);
		const s = await load(db, 'traffic', file('a,b\n1,2\n'), { mapping: { columns: { a: 'no_such_column' } } });
		expect(s.status).toBe('rejected');
		expect(s.errors[0]).toMatchObject({ row: null, code: 'mapping_unknown_column' });
		expect(s.errors[0]!.reason).toContain('no_such_column');
		expect((await tableCounts(db)).traffic).toBe(before.traffic);
	});
});
