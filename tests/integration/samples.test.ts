import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { count, load, rows, sample, tableCounts, tempDatabase } from '../helpers/db';

let db: Database;
let close: () => void;
beforeEach(async () => ({ db, close } = await tempDatabase()));
afterEach(() => close());

/** The 7 deliberate errors of surveys_with_errors.csv (data/samples/README.md): row, header, raw value, reason code. */
const DOCUMENTED_ERRORS = [
	[5, '总体满意度', '6', 'out_of_range'],
	[9, '推荐意愿', '11', 'out_of_range'],
	[13, '调查日期', '2025-02-30', 'date_impossible'],
	[16, '问卷编号', '', 'required'],
	[20, '商场环境', '五', 'integer_invalid'],
	[24, '调查方式', '电话回访', 'enum_invalid'],
	[28, '服务质量', 'abc', 'integer_invalid']
] as const;

describe('each kind loads from data/samples', () => {
	it.each([
		['staff', 'staff.csv', 36, 'utf-8'],
		['traffic', 'traffic.csv', 270, 'utf-8'],
		['complaints', 'complaints_gbk.csv', 300, 'gbk'],
		['surveys', 'surveys.csv', 300, 'utf-8-bom'],
		['appraisals', 'appraisals.csv', 104, 'utf-8'],
		['contacts', 'contacts.csv', 913, 'utf-8']
	] as const)('%s from %s: %i rows (%s)', async (kind, file, n, encoding) => {
		const s = await load(db, kind, sample(file));
		expect(s).toMatchObject({
			status: 'committed',
			kind,
			rows_read: n,
			rows_loaded: n,
			rows_rejected: 0,
			rows_replaced: 0,
			encoding,
			errors: []
		});
		// surveys.csv has flat responses (all items alike), reported as a quality warning only
		expect(s.warnings.filter((w) => !(kind === 'surveys' && w.includes('答案都相同')))).toEqual([]);
		expect(await count(db, kind)).toBe(n);
		expect(await count(db, kind, 'batch_id = $1', [s.batch_id])).toBe(n);
		const [b] = await rows(db, 'SELECT status, rows_read, rows_loaded, rows_rejected, encoding, sha256 FROM batches WHERE batch_id = $1', [
			s.batch_id
		]);
		expect(b).toMatchObject({ status: 'committed', rows_read: n, rows_loaded: n, rows_rejected: 0, encoding, sha256: s.sha256 });
	});

	it('complaints_gbk.csv: values decoded and normalised as the sample README describes', async () => {
		await load(db, 'complaints', sample('complaints_gbk.csv'));
		const cats = await rows<{ category: string; n: number }>(
			db,
			'SELECT category::VARCHAR AS category, count(*) AS n FROM complaints GROUP BY 1 ORDER BY 2 DESC, 1'
		);
		expect(Object.fromEntries(cats.map((c) => [c.category, c.n]))).toEqual({
			商品质量: 100,
			服务态度: 85,
			售后服务: 37,
			价格: 22,
			环境设施: 18,
			物流配送: 17,
			会员积分: 14,
			其他: 7
		});
		const status = await rows<{ status: string; n: number }>(
			db,
			'SELECT status::VARCHAR AS status, count(*) AS n FROM complaints GROUP BY 1'
		);
		expect(Object.fromEntries(status.map((c) => [c.status, c.n]))).toEqual({ 已办结: 270, 处理中: 21, 待处理: 9 });
		const [first] = await rows(
			db,
			"SELECT strftime(received_at, '%Y-%m-%d %H:%M') AS t, customer_phone, follow_up_satisfaction AS f FROM complaints WHERE complaint_id = 'TS202501010001'"
		);
		expect(first).toEqual({ t: '2025-01-01 12:27', customer_phone: '13247281910', f: 4 });
		// phones are stored as digits only: no separators or +86 survive
		expect(await count(db, 'complaints', "customer_phone IS NOT NULL AND NOT regexp_full_match(customer_phone, '[0-9]{7,12}')")).toBe(0);
		expect(await count(db, 'complaints', 'customer_phone IS NULL')).toBe(6);
		expect(await count(db, 'complaints', "severity = '重大'")).toBe(23);
		expect(await count(db, 'complaints', 'compensation IS NOT NULL')).toBe(25);
		expect(await count(db, 'complaints', "summary LIKE '%\"%'")).toBe(2);
	});

	it('appraisals.csv: 2025年2月 is the same period as 2025-02', async () => {
		await load(db, 'appraisals', sample('appraisals.csv'));
		const periods = await rows<{ period: string; n: number }>(db, 'SELECT period, count(*) AS n FROM appraisals GROUP BY 1 ORDER BY 1');
		expect(periods.map((p) => p.period)).toEqual(['2025-01', '2025-02', '2025-03']);
		expect(await count(db, 'appraisals', "period_type = 'month' AND period_start = DATE '2025-02-01'")).toBe(periods[1]!.n);
		const [s007] = await rows(
			db,
			"SELECT total_score::DOUBLE AS t, grade::VARCHAR AS g FROM appraisals WHERE staff_id = 'S007' AND period = '2025-01'"
		);
		expect(s007).toEqual({ t: 71.6, g: 'C' });
	});

	it('surveys.csv: Chinese dates and the wave are canonical', async () => {
		await load(db, 'surveys', sample('surveys.csv'));
		expect(await count(db, 'surveys', "wave = '2025-Q1'")).toBe(300);
		expect(await count(db, 'surveys', "submitted_at BETWEEN DATE '2025-01-01' AND DATE '2025-03-31'")).toBe(300);
		const methods = await rows<{ m: string; n: number }>(db, 'SELECT method::VARCHAR AS m, count(*) AS n FROM surveys GROUP BY 1');
		expect(Object.fromEntries(methods.map((c) => [c.m, c.n]))).toEqual({ 问卷: 241, 访谈: 35, 神秘顾客: 24 });
	});
});

describe('surveys_with_errors.csv', () => {
	it('is rejected with exactly the 7 documented rows and columns, and loads nothing', async () => {
		await load(db, 'surveys', sample('surveys.csv'));
		const before = await tableCounts(db);
		const s = await load(db, 'surveys', sample('surveys_with_errors.csv'));
		expect(s).toMatchObject({ status: 'rejected', rows_read: 30, rows_loaded: 0, rows_rejected: 7 });
		expect(s.errors.map((e) => [e.row, e.column, e.value ?? '', e.code])).toEqual(DOCUMENTED_ERRORS.map((e) => [...e]));
		for (const e of s.errors) expect(e.reason).toMatch(/[\u4e00-\u9fff]/);
		expect(s.errors[0]!.reason).toBe('「总体满意度」的值「6」超出范围（应在 1 到 5 之间）');
		const after = await tableCounts(db);
		expect(after).toEqual({ ...before, batches: before.batches + 1, rejected_rows: before.rejected_rows + 7 });
		const [b] = await rows(db, 'SELECT status, rows_loaded, rows_rejected FROM batches WHERE batch_id = $1', [s.batch_id]);
		expect(b).toEqual({ status: 'rejected', rows_loaded: 0, rows_rejected: 7 });
	});

	it('gives the reasons in English with locale en', async () => {
		const s = await load(db, 'surveys', sample('surveys_with_errors.csv'), { locale: 'en' });
		expect(s.errors).toHaveLength(7);
		for (const e of s.errors) expect(e.reason).not.toMatch(/[\u3002\uff0c]|不|超出|值/);
		expect(s.errors.find((e) => e.row === 13)!.reason).toMatch(/2025-02-30/);
	});

	it('acceptPartial loads the 23 good rows and keeps the 7 rejected rows with their raw values', async () => {
		const s = await load(db, 'surveys', sample('surveys_with_errors.csv'), { acceptPartial: true });
		expect(s).toMatchObject({ status: 'committed', rows_read: 30, rows_loaded: 23, rows_rejected: 7 });
		expect(await count(db, 'surveys')).toBe(23);
		for (const id of ['WJ2025Q1-E004', 'WJ2025Q1-E008', 'WJ2025Q1-E012', 'WJ2025Q1-E019', 'WJ2025Q1-E023', 'WJ2025Q1-E027']) {
			expect(await count(db, 'surveys', 'response_id = $1', [id])).toBe(0);
		}
		expect(await count(db, 'surveys', "response_id = 'WJ2025Q1-E001'")).toBe(1);
		const rejected = await rows<{
			row_number: number;
			column_name: string;
			raw_value: string | null;
			reason_code: string;
			reason: string;
			raw_row: string;
		}>(
			db,
			'SELECT row_number, column_name, raw_value, reason_code, reason, raw_row FROM rejected_rows WHERE batch_id = $1 ORDER BY row_number',
			[s.batch_id]
		);
		expect(rejected.map((r) => [r.row_number, r.column_name, r.raw_value ?? '', r.reason_code])).toEqual(
			DOCUMENTED_ERRORS.map((e) => [...e])
		);
		// the whole raw row is kept, so nothing the user gave is lost
		const r13 = JSON.parse(rejected[2]!.raw_row) as string[];
		expect(r13).toHaveLength(14);
		expect(r13[0]).toBe('WJ2025Q1-E012');
		expect(r13[1]).toBe('2025-02-30');
		const r16 = JSON.parse(rejected[3]!.raw_row) as string[];
		expect(r16[0]).toBe('');
		expect(r16[1]).toBe('2025年2月1日');
	});

	it('dry run validates and reports but writes nothing', async () => {
		const before = await tableCounts(db);
		const s = await load(db, 'surveys', sample('surveys_with_errors.csv'), { dryRun: true, acceptPartial: true });
		expect(s).toMatchObject({ status: 'dry-run', batch_id: null, rows_read: 30, rows_loaded: 23, rows_rejected: 7 });
		expect(s.errors).toHaveLength(7);
		const plain = await load(db, 'surveys', sample('surveys.csv'), { dryRun: true });
		expect(plain).toMatchObject({ status: 'dry-run', rows_loaded: 300 });
		expect(await tableCounts(db)).toEqual(before);
		// a dry run does not make the real load a duplicate
		expect((await load(db, 'surveys', sample('surveys.csv'))).status).toBe('committed');
	});
});

describe('loading the same file again', () => {
	it('is reported as a duplicate and changes nothing', async () => {
		const first = await load(db, 'complaints', sample('complaints_gbk.csv'));
		const before = await tableCounts(db);
		const again = await load(db, 'complaints', sample('complaints_gbk.csv'), { fileName: 'renamed.csv' });
		expect(again).toMatchObject({ status: 'duplicate', batch_id: first.batch_id, rows_loaded: 0 });
		expect(again.duplicate_of?.batch_id).toBe(first.batch_id);
		expect(again.message).toContain(String(first.batch_id));
		expect(await tableCounts(db)).toEqual(before);
	});

	it('two loads of one file at the same time: one commits, the other is a duplicate', async () => {
		const [a, b] = await Promise.all([load(db, 'traffic', sample('traffic.csv')), load(db, 'traffic', sample('traffic.csv'))]);
		expect([a.status, b.status].sort()).toEqual(['committed', 'duplicate']);
		expect(await count(db, 'batches')).toBe(1);
		expect(await count(db, 'traffic')).toBe(270);
	});

	it('a rejected file is not a duplicate: it is checked again', async () => {
		const first = await load(db, 'surveys', sample('surveys_with_errors.csv'));
		const second = await load(db, 'surveys', sample('surveys_with_errors.csv'), { acceptPartial: true });
		expect(first.status).toBe('rejected');
		expect(second.status).toBe('committed');
	});
});

describe('batch times', () => {
	it('started_at and finished_at are in the same time zone (not UTC vs local)', async () => {
		await db.withConnection((conn) => conn.run("SET GLOBAL TimeZone = 'Asia/Shanghai'"));
		const s = await load(db, 'staff', sample('staff.csv'));
		const [b] = await rows<{ secs: number }>(
			db,
			"SELECT date_diff('second', started_at, finished_at) AS secs FROM batches WHERE batch_id = $1",
			[s.batch_id]
		);
		expect(b!.secs).toBeGreaterThanOrEqual(0);
		expect(b!.secs).toBeLessThan(120);
	});
});
