import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/lib/server/core/db';
import { IngestFailure } from '../../src/lib/shared/schema/errors';
import { reason } from '../../pipelines/messages';
import { count, load, rows, tableCounts, tempDatabase } from '../helpers/db';

let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => close());

let n = 0;
const file = (content: string | Buffer, name = `f${n++}.csv`) => {
	const p = join(dir, name);
	writeFileSync(p, content);
	return p;
};

const CJK = /[\u4e00-\u9fff]/;
const H = '日期,门店,客流量,交易笔数';

describe('file-level rejections: a clear reason in the user language, nothing loaded', () => {
	const cases: [string, string | Buffer, string, RegExp, RegExp][] = [
		[
			'missing required column',
			'日期,门店,客流量\n2025-01-01,A店,100\n',
			'columns_missing',
			/缺少必填列：交易笔数 \(transactions\)/,
			/Required columns are missing: 交易笔数/
		],
		['header only', `${H}\n`, 'file_header_only', /只有表头/, /header but no data rows/],
		['header only, no line break, blank lines after', `${H}\n,,,\n\n`, 'file_header_only', /只有表头/, /no data rows/],
		['empty file', '', 'file_empty', /文件是空的/, /empty/],
		['whitespace only', ' \r\n \n', 'file_empty', /文件是空的/, /empty/],
		[
			'duplicate header',
			'日期,门店,客流量,交易笔数,门店\n2025-01-01,A店,1,1,B\n',
			'header_duplicate',
			/表头「门店」出现了两次（第 2 列和第 5 列）/,
			/twice|two|duplicate/i
		],
		[
			'row with two fields more than the header',
			`${H}\n2025-01-01,A店,1,1\n2025-01-02,A店,1,1,x,y\n`,
			'file_malformed_columns',
			/文件格式有误：第 3 行有 6 列，而表头只有 4 列/,
			/not well-formed CSV: line 3 has 6 fields but the header has 4/
		],
		[
			'unterminated quote',
			`${H}\n2025-01-01,"A店,1,1\n2025-01-02,A店,1,1\n`,
			'file_malformed_line',
			/文件格式有误：第 2 行无法按 CSV 解析/,
			/not well-formed CSV: line 2 cannot be read/
		]
	];

	it.each(cases)('%s', async (_name, content, code, zh, en) => {
		const p = file(content);
		const before = await tableCounts(db);
		const s = await load(db, 'traffic', p);
		expect(s).toMatchObject({ status: 'rejected', rows_loaded: 0 });
		expect(s.errors).toHaveLength(1);
		expect(s.errors[0]).toMatchObject({ row: null, code });
		expect(s.errors[0]!.reason).toMatch(zh);
		expect(s.errors[0]!.reason).toMatch(CJK);
		expect(s.message).toBe(s.errors[0]!.reason);
		const after = await tableCounts(db);
		expect(after.traffic).toBe(before.traffic);
		const english = await load(db, 'traffic', p, { locale: 'en', dryRun: true });
		expect(english.errors[0]!.code).toBe(code);
		expect(english.errors[0]!.reason).toMatch(en);
		expect(english.errors[0]!.reason).not.toMatch(/[，。：]|文件|缺少|表头/);
	});

	it('a readable but refused file is recorded as a rejected batch with its reason', async () => {
		const s = await load(db, 'traffic', file('日期,门店\n2025-01-01,A店\n'));
		const [b] = await rows(db, 'SELECT status, rows_read FROM batches WHERE batch_id = $1', [s.batch_id]);
		expect(b).toEqual({ status: 'rejected', rows_read: 0 });
		const [r] = await rows(db, 'SELECT row_number, reason_code, reason FROM rejected_rows WHERE batch_id = $1', [s.batch_id]);
		expect(r).toMatchObject({ row_number: null, reason_code: 'columns_missing' });
	});

	it.each([
		[
			'a binary file',
			Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
			'file_binary',
			/不是文本格式的 CSV/,
			/not a text CSV/
		],
		[
			// read as the workbook it is (tests/integration/workbook.test.ts); this one is cut short
			'a damaged .xlsx renamed .csv',
			Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0, 8, 0]), Buffer.from('[Content_Types].xml'), Buffer.alloc(64)]),
			'workbook_damaged',
			/Excel 工作簿已损坏.*另存为/,
			/workbook is damaged.*Save As/
		],
		[
			'an old .xls renamed .csv',
			Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(64)]),
			'workbook_xls',
			/\.xls.*另存为」\.xlsx 或 CSV/,
			/\.xls.*Save As → \.xlsx or CSV/
		]
	])('%s cannot be read: an IngestFailure (exit 2) with a reason in both languages', async (_name, content, code, zh, en) => {
		const before = await tableCounts(db);
		const err = await load(db, 'traffic', file(content)).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(IngestFailure);
		const f = err as IngestFailure;
		expect(f.code).toBe(code);
		expect(f.unreadable).toBe(true);
		expect(reason(f.code, f.params, 'zh-CN')).toMatch(zh);
		expect(reason(f.code, f.params, 'en')).toMatch(en);
		expect(await tableCounts(db)).toEqual(before);
	});
});

describe('a file with several misshapen rows names every one of them', () => {
	it('a short row, a quoted line break, a blank line and two over-long rows: each listed with its row number', async () => {
		const content = [
			H,
			'2025-01-01,A店,1,1',
			'2025-01-02,A店,1', // row 3: one field short
			'2025-01-03,"A\n店",1,1', // row 4, over two lines: well-formed
			'',
			'2025-01-04,A店,1,1,x,y', // row 6 (the blank line counts): two fields more
			'2025-01-05,A店,1,1,x', // row 7: one more
			''
		].join('\n');
		const s = await load(db, 'traffic', file(content), { dryRun: true });
		expect(s.status).toBe('rejected');
		expect(s.errors[0]).toMatchObject({ row: null, code: 'file_malformed_rows', params: { count: 3, expected: 4 } });
		expect(s.errors[0]!.reason).toMatch(/3 行的列数与表头（4 列）不符/);
		expect(s.errors.slice(1).map((e) => [e.row, e.code, e.value])).toEqual([
			[3, 'row_fields', '3'],
			[6, 'row_fields', '6'],
			[7, 'row_fields', '5']
		]);
		expect(s.errors[2]!.reason).toBe('这一行有 6 列，而表头有 4 列');
		const english = await load(db, 'traffic', file(content), { locale: 'en', dryRun: true });
		expect(english.errors[0]!.reason).toMatch(/3 rows have another number of fields than the header \(4\)/);
	});

	it('lists the first 100 and counts them all; the rejected batch keeps the listed rows', async () => {
		const body = Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? `2025-01-01,A店,1,1,x,y` : `2025-01-01,A店,${i},1`));
		const s = await load(db, 'traffic', file([H, ...body, ''].join('\n')));
		expect(s.errors[0]).toMatchObject({ code: 'file_malformed_rows', params: { count: 75 } });
		expect(s.errors).toHaveLength(76);
		expect(s.errors.slice(1).map((e) => e.row)).toEqual(Array.from({ length: 75 }, (_, i) => 2 + 2 * i));
		const many = Array.from({ length: 250 }, () => '2025-01-01,A店');
		const t = await load(db, 'traffic', file([H, '2025-01-01,A店,1,1,x,y', ...many, ''].join('\n')));
		expect(t.errors[0]).toMatchObject({ params: { count: 251 } });
		expect(t.errors).toHaveLength(101);
		expect(await count(db, 'rejected_rows', 'batch_id = $1', [t.batch_id])).toBe(101);
	});
});

describe('encodings, delimiters, line endings and quoting', () => {
	it('UTF-16LE with BOM', async () => {
		const body = `${H}\r\n2025-01-01,南京新街口店,100,30\r\n2025-01-02,南京新街口店,110,31\r\n`;
		const s = await load(db, 'traffic', file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')])));
		expect(s).toMatchObject({ status: 'committed', encoding: 'utf-16le', rows_loaded: 2 });
		expect(await rows(db, 'SELECT store, visitors FROM traffic ORDER BY date')).toEqual([
			{ store: '南京新街口店', visitors: 100 },
			{ store: '南京新街口店', visitors: 110 }
		]);
	});

	it.each([
		[';', '日期;门店;客流量;交易笔数\n2025-01-01;A店;1,200;30\n2025-01-02;A店;1 100;31\n'],
		['\t', '日期\t门店\t客流量\t交易笔数\n2025-01-01\tA店\t1,200\t30\n2025-01-02\tA店\t1100\t31\n']
	])('delimiter %j', async (delim, content) => {
		const s = await load(db, 'traffic', file(content), { acceptPartial: true });
		expect(s.delimiter).toBe(delim);
		expect(s.rows_read).toBe(2);
		expect(await rows(db, 'SELECT store, visitors FROM traffic ORDER BY date LIMIT 1')).toEqual([{ store: 'A店', visitors: 1200 }]);
	});

	it.each([
		['CRLF', `${H}\r\n2025-01-01,A店,1,1\r\n2025-01-02,A店,2,2\r\n2025-01-03,A店,3,3\r\n`],
		['LF without a final line break', `${H}\n2025-01-01,A店,1,1\n2025-01-02,A店,2,2\n2025-01-03,A店,3,3`],
		['mixed CRLF and LF', `${H}\r\n2025-01-01,A店,1,1\n2025-01-02,A店,2,2\r\n2025-01-03,A店,3,3\n`],
		['mixed LF then CRLF', `${H}\n2025-01-01,A店,1,1\r\n2025-01-02,A店,2,2\n2025-01-03,A店,3,3\r\n`],
		['classic Mac CR', `${H}\r2025-01-01,A店,1,1\r2025-01-02,A店,2,2\r2025-01-03,A店,3,3\r`]
	])('line endings: %s', async (_name, content) => {
		const s = await load(db, 'traffic', file(content));
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 3 });
		expect(await rows(db, 'SELECT sum(visitors)::INTEGER AS v, max(length(store)) AS l FROM traffic')).toEqual([{ v: 6, l: 2 }]);
	});

	it('quoted fields with commas, doubled quotes and line breaks (LF and CRLF) stay one cell', async () => {
		const content =
			'投诉编号,投诉时间,门店,内容摘要\r\n' +
			'Q1,2025/3/1 9:00,A店,"第一行\r\n第二行, 还有逗号"\r\n' +
			'Q2,2025/3/1 9:05,A店,"他说""退货""不行"\r\n' +
			'Q3,2025/3/1 9:10,A店,"换行\n只有LF"\r\n' +
			'Q4,2025/3/1 9:15,A店,普通\r\n' +
			'Q5,2025/3/1 9:15,A店,bad\r\n';
		const s = await load(db, 'complaints', file(content));
		expect(s).toMatchObject({ status: 'committed', rows_read: 5, rows_loaded: 5 });
		const r = await rows<{ complaint_id: string; summary: string }>(db, 'SELECT complaint_id, summary FROM complaints ORDER BY 1');
		// CRLF rows with an LF inside a cell count as mixed line endings: the file is read with LF only,
		// so the line break inside the first cell is stored as LF too.
		expect(r.map((x) => x.summary)).toEqual(['第一行\n第二行, 还有逗号', '他说"退货"不行', '换行\n只有LF', '普通', 'bad']);
	});

	it('quoted line breaks in an LF file: row numbers count records, as a spreadsheet does', async () => {
		const content = '投诉编号,投诉时间,门店,内容摘要\nQ1,2025/3/1 9:00,A店,"多\n行\n文本"\nQ2,not a date,A店,x\n';
		const s = await load(db, 'complaints', file(content), { dryRun: true });
		expect(s.errors.map((e) => [e.row, e.column, e.value, e.code])).toEqual([[3, '投诉时间', 'not a date', 'date_invalid']]);
	});

	it('a row with one field more or fewer than the header is a row error; blank rows are skipped', async () => {
		const content = `${H}\n2025-01-01,A店,1,1\n2025-01-02,A店,2,2,surplus\n2025-01-03,A店\n,,,\n2025-01-04,A店,4,4\n`;
		const s = await load(db, 'traffic', file(content), { acceptPartial: true });
		expect(s).toMatchObject({ status: 'committed', rows_read: 4, rows_loaded: 2, rows_rejected: 2, rows_blank: 1 });
		const codes = s.errors.map((e) => [e.row, e.code]);
		expect(codes).toContainEqual([3, 'row_long']);
		expect(codes).toContainEqual([4, 'row_short']);
		expect(s.errors.find((e) => e.code === 'row_long')!.reason).toBe('这一行的列数多于表头（表头有 4 列），多出的内容：surplus');
		expect(s.warnings).toContain('跳过了 1 个空行');
	});

	it('full-width digits, ideographic spaces, NBSP and zero-width characters are cleaned before parsing', async () => {
		const content = `${H}\n２０２５－０１－０１,A店\u00A0,１，２００,３０\n2025\u200B-01-02,\u3000A店,１１０,３１\n`;
		const s = await load(db, 'traffic', file(content));
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 2 });
		expect(await rows(db, "SELECT strftime(date, '%Y-%m-%d') AS d, store, visitors, transactions FROM traffic ORDER BY 1")).toEqual([
			{ d: '2025-01-01', store: 'A店', visitors: 1200, transactions: 30 },
			{ d: '2025-01-02', store: 'A店', visitors: 110, transactions: 31 }
		]);
	});

	it('an Excel phone in scientific notation that lost digits is rejected with a reason that says so', async () => {
		const content = '投诉编号,投诉时间,门店,联系电话\nP1,2025/3/1 9:00,A店,1.3812345678E+10\nP2,2025/3/1 9:00,A店,1.38E+10\n';
		const s = await load(db, 'complaints', file(content), { acceptPartial: true });
		expect(s.rows_loaded).toBe(1);
		expect(s.errors.map((e) => [e.row, e.code])).toEqual([[3, 'phone_scientific']]);
		expect(s.errors[0]!.reason).toMatch(/科学计数法/);
		expect(await rows(db, 'SELECT customer_phone FROM complaints')).toEqual([{ customer_phone: '13812345678' }]);
	});

	it('checks across columns: a response before the complaint was received is rejected', async () => {
		const content = '投诉编号,投诉时间,门店,首次响应时间\nT1,2025/3/2 9:00,A店,2025/3/1 9:00\nT2,2025/3/2 9:00,A店,2025/3/2 9:30\n';
		const s = await load(db, 'complaints', file(content), { dryRun: true });
		expect(s.errors.map((e) => [e.row, e.column, e.code])).toEqual([[2, '首次响应时间', 'time_before']]);
		expect(s.errors[0]!.reason).toContain('投诉时间');
	});

	it('appraisals: a total that does not match the dimension scores is rejected; a missing total is computed', async () => {
		const head = '工号,考核周期,业务能力,沟通能力,团队协作,服务态度,工作纪律,总分';
		const content = `${head}\nS001,2025-03,80,90,70,60,100,80\nS002,2025年3月,80,90,70,60,100,95\nS003,2025Q1,90,90,90,90,90,\n`;
		const s = await load(db, 'appraisals', file(content), { acceptPartial: true });
		expect(s.errors.map((e) => [e.row, e.code])).toEqual([[3, 'total_mismatch']]);
		expect(s.errors[0]!.reason).toContain('80.00');
		expect(
			await rows(
				db,
				'SELECT staff_id, period, period_type::VARCHAR AS t, total_score::DOUBLE AS total, grade::VARCHAR AS g FROM appraisals ORDER BY 1'
			)
		).toEqual([
			{ staff_id: 'S001', period: '2025-03', t: 'month', total: 80, g: 'B' },
			{ staff_id: 'S003', period: '2025-Q1', t: 'quarter', total: 90, g: 'A' }
		]);
		expect(await count(db, 'rejected_rows', "reason_code = 'total_mismatch'")).toBe(1);
	});
});
