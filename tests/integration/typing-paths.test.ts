import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../../src/lib/server/core/db';
import type { IngestSummary } from '../../pipelines/engine';
import { encodeGbk } from '../../pipelines/generate/gbk';
import { load, rows, tempDatabase } from '../helpers/db';

/**
 * A file whose cells need no cleaning is typed straight from the file (read_csv); others go through the
 * staging table. Both must load exactly the same rows and reject the same rows with the same row
 * numbers and reasons. The SQL run on the connection shows which way a file went.
 */
const HEADER =
	'投诉编号,投诉时间,投诉渠道,门店,涉及部门,投诉类别,投诉等级,内容摘要,投诉人,联系电话,处理人工号,被投诉员工工号,是否职责范围内,是否上报,首次响应时间,办结时间,处理状态,处理结果,回访时间,回访满意度,赔偿金额,备注';
const ROWS = [
	'TS1,2025/1/1 12:27,电话,上海店,家电部,商品质量,一般,"冰箱异响, 要求换货",王女士,+86 13247281910,S014,S024,是,否,2025/1/1 20:36,2025/1/5 9:22,已办结,换货,2025/1/7 17:08,满意,,甲',
	'TS2,2025/2/30 10:00,电话,上海店,家电部,商品质量,一般,日期不存在,李先生,13851242268,S014,,是,否,,,,,,,,乙',
	'TS3,2025/1/2 9:00,在线,南京店,服装部,服务态度,重大,电话不对,赵女士,abc,S002,,否,是,,,处理中,,,,,丙',
	',,,,,,,,,,,,,,,,,,,,,',
	'TS4,2025/1/3 9:00,现场,南京店,服装部,价格,一般,同一行两次,钱先生,13207827456,S002,,是,否,2025/1/3 10:00,,,,,,50.00,丁',
	'TS4,2025/1/3 9:00,现场,南京店,服装部,价格,一般,同一行两次,钱先生,13207827456,S002,,是,否,2025/1/3 10:00,,,,,,50.00,丁',
	'TS5,2025/1/4 9:00,邮件,杭州店,食品部,其他,一般,第一种说法,孙女士,18580862784,S003,,是,否,,,,,,,,戊',
	'TS5,2025/1/4 9:00,邮件,杭州店,食品部,其他,一般,第二种说法,孙女士,18580862784,S003,,是,否,,,,,,,,己',
	'TS6,2025/1/5 9:00,电话,杭州店,食品部,物流配送,一般,"第一行\n第二行，""引号""",周先生,0571-87654321,S003,,是,否,,,,,,基本满意,"￥1,200",庚',
	'TS7,2025/1/5 9:00',
	'TS8,2025/1/6 9:00,电话,上海店,家电部,售后服务,一般,满意度超出范围,吴女士,13912345678,S014,,是,否,,,,,,6,,辛',
	'TS9,2025年1月7日 9:30,微信,上海店,家电部,售后服务,一般,日期写法不同,郑先生,13912345679,S014,,Y,N,,,,,,4,,壬'
];
const MAPPING = { columns: { 备注: 'ignore' } };

let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => {
	close();
	vi.restoreAllMocks();
});

let n = 0;
const file = (content: string | Buffer) => {
	const p = join(dir, `f${n++}.csv`);
	writeFileSync(p, content);
	return p;
};

/** One load on a fresh database: its summary, its rows, its rejected rows, and the SQL it ran. */
async function loadFresh(content: string | Buffer, acceptPartial: boolean) {
	const fresh = await tempDatabase();
	const path = join(fresh.dir, 'complaints.csv');
	writeFileSync(path, content);
	const spy = vi.spyOn(DuckDBConnection.prototype, 'run');
	try {
		const summary = await load(fresh.db, 'complaints', path, { mapping: MAPPING, acceptPartial });
		const sql = spy.mock.calls.map(([s]) => String(s));
		spy.mockRestore();
		// each database has its own phone hash key: whether a row has a hash is what can be compared
		const loaded = await rows(
			fresh.db,
			'SELECT * EXCLUDE (customer_phone_hash), customer_phone_hash IS NOT NULL AS hashed FROM complaints ORDER BY complaint_id'
		);
		const rejected = await rows(fresh.db, 'SELECT * FROM rejected_rows ORDER BY row_number, column_name');
		return { summary: comparable(summary), loaded: json(loaded), rejected: json(rejected), sql };
	} finally {
		spy.mockRestore();
		fresh.close();
	}
}

const comparable = (s: IngestSummary) => {
	const { sha256: _sha, encoding: _enc, file_name: _name, ...rest } = s;
	return rest;
};
const json = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
const typedFromFile = (sql: string[]) =>
	sql.some((s) => s.includes('TEMP TABLE typed_file AS')) && !sql.some((s) => s.includes('TEMP TABLE typed AS'));
const typedFromStage = (sql: string[]) => sql.some((s) => s.includes('TEMP TABLE typed AS'));

describe('typing straight from the file and through the staging table', () => {
	const clean = `${HEADER}\n${ROWS.join('\n')}\n`;
	// NBSP in a cell of the ignored column: the byte scan sees something to clean, no mapped column changes
	const needsCleaning = clean.replace(',甲\n', ',甲\u00a0\n');

	it.each([false, true])('give the same summary, rows and rejections (accept partial: %s)', async (acceptPartial) => {
		const direct = await loadFresh(clean, acceptPartial);
		const staged = await loadFresh(needsCleaning, acceptPartial);
		expect(typedFromFile(direct.sql)).toBe(true);
		expect(typedFromStage(staged.sql)).toBe(true);
		// rows typed from the file before the byte scan said "clean first" are dropped, not kept beside the stage's
		if (staged.sql.some((s) => s.includes('TEMP TABLE typed_file AS')))
			expect(staged.sql.some((s) => s.includes('DROP TABLE IF EXISTS typed_file'))).toBe(true);
		// the rejected rows' raw text comes from a staging table made only because some rows failed
		expect(direct.sql.some((s) => s.includes('TEMP TABLE stage AS'))).toBe(true);

		expect(direct.summary).toEqual(staged.summary);
		expect(direct.loaded).toEqual(staged.loaded);
		expect(direct.rejected).toEqual(staged.rejected);
		expect(direct.summary).toMatchObject({ rows_read: 11, rows_rejected: 6, rows_collapsed: 1, rows_blank: 1 });
		expect(direct.summary.errors.map((e) => [e.row, e.code])).toEqual([
			[3, 'date_impossible'],
			[4, 'phone_invalid'],
			[8, 'duplicate_key_conflict'],
			[9, 'duplicate_key_conflict'],
			[11, 'row_short'],
			[11, 'required'],
			[12, 'out_of_range']
		]);
		expect(direct.loaded).toHaveLength(acceptPartial ? 4 : 0);
	});

	it('GBK files and files with mixed line endings are typed from their UTF-8 copy, with the same result', async () => {
		const direct = await loadFresh(clean, true);
		const mixedText = clean.replace('壬\n', '壬\r\n').replace('甲\n', '甲\r\n');
		const gbk = await loadFresh(encodeGbk(clean), true);
		const mixed = await loadFresh(mixedText, true);
		// GBK is transcoded before hashing; with mixed line endings that copy is not kept, and the file is
		// transcoded again with LF only
		const gbkMixed = await loadFresh(encodeGbk(mixedText), true);
		for (const other of [gbk, mixed, gbkMixed]) {
			expect(typedFromFile(other.sql)).toBe(true);
			expect(other.summary).toEqual(direct.summary);
			expect(other.loaded).toEqual(direct.loaded);
			expect(other.rejected).toEqual(direct.rejected);
		}
	});

	it('a clean file without bad rows is loaded without any staging table', async () => {
		const good = `${HEADER}\n${[ROWS[0], ROWS[4], ROWS[8], ROWS[11]].join('\n')}\n`;
		const direct = await loadFresh(good, false);
		const staged = await loadFresh(good.replace(',甲\n', ',甲\u00a0\n'), false);
		expect(typedFromFile(direct.sql)).toBe(true);
		expect(direct.sql.some((s) => s.includes('TEMP TABLE stage AS'))).toBe(false);
		expect(direct.summary).toMatchObject({ status: 'committed', rows_read: 4, rows_loaded: 4, rows_rejected: 0 });
		expect(direct.summary).toEqual(staged.summary);
		expect(direct.loaded).toEqual(staged.loaded);
	});

	it('a mapping with constants or generated keys goes through the staging table', async () => {
		const p = file(`投诉时间,门店,内容摘要\n2025/1/1 12:27,上海店,无编号\n`);
		const spy = vi.spyOn(DuckDBConnection.prototype, 'run');
		const s = await load(db, 'complaints', p, { mapping: { generate_key: true, constants: { channel: '电话' } } });
		const sql = spy.mock.calls.map(([x]) => String(x));
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 1 });
		expect(typedFromStage(sql)).toBe(true);
		expect(sql.some((x) => x.includes('TEMP TABLE typed_file AS'))).toBe(false);
	});
});

describe('date columns typed with their usual format alone when it reads every cell', () => {
	const typedSql = (sql: string[]) => sql.find((s) => s.includes('TEMP TABLE typed_file AS')) ?? '';
	const loadSpied = async (content: string) => {
		const spy = vi.spyOn(DuckDBConnection.prototype, 'run');
		const s = await load(db, 'complaints', file(content), { acceptPartial: true });
		const sql = typedSql(spy.mock.calls.map(([x]) => String(x)));
		spy.mockRestore();
		return { s, sql };
	};

	it('a small file: the whole column read by one format needs no general parser, a mixed one keeps it, an absent one none', async () => {
		const { s, sql } = await loadSpied(
			[
				'投诉编号,投诉时间,门店,首次响应时间',
				'D1,2025/1/1 12:27,上海店,2025/1/1 20:36',
				'D2,2025/1/2 9:05,上海店,2025年1月3日 9:30',
				'D3,2025/1/3 10:00,上海店,45660.5'
			].join('\n') + '\n'
		);
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 3, rows_rejected: 0 });
		// 投诉时间: one strptime; 首次响应时间: its usual format, then the general parser for the other two; 办结时间: absent
		expect(sql).toContain(`try_strptime(r_received_at, '%Y/%m/%d %H:%M')`);
		expect(sql).not.toContain('coalesce(try_strptime(r_received_at');
		expect(sql).toContain(`coalesce(try_strptime(r_first_response_at, '%Y/%m/%d %H:%M'), sq_ts_no_dmy(r_first_response_at))`);
		expect(sql).not.toContain('sq_ts_no_dmy(r_resolved_at)');
		expect(
			await rows(
				db,
				`SELECT complaint_id, strftime(received_at, '%Y-%m-%d %H:%M') AS r, strftime(first_response_at, '%Y-%m-%d %H:%M') AS f,
					resolved_at FROM complaints WHERE starts_with(complaint_id, 'D') ORDER BY 1`
			)
		).toEqual([
			{ complaint_id: 'D1', r: '2025-01-01 12:27', f: '2025-01-01 20:36', resolved_at: null },
			{ complaint_id: 'D2', r: '2025-01-02 09:05', f: '2025-01-03 09:30', resolved_at: null },
			{ complaint_id: 'D3', r: '2025-01-03 10:00', f: '2025-01-03 12:00', resolved_at: null }
		]);
	});

	it('a file longer than the sample keeps the general parser for the cells after it (one there is read by it)', async () => {
		const lines = Array.from({ length: 2001 }, (_, i) => `L${i},2025/1/${1 + (i % 28)} 9:00,上海店`);
		lines.push('L2001,2025年2月1日 9:00,上海店');
		const { s, sql } = await loadSpied(`投诉编号,投诉时间,门店\n${lines.join('\n')}\n`);
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 2002, rows_rejected: 0 });
		expect(sql).toContain(`coalesce(try_strptime(r_received_at, '%Y/%m/%d %H:%M'), sq_ts_no_dmy(r_received_at))`);
		expect(await rows(db, `SELECT strftime(received_at, '%Y-%m-%d %H:%M') AS t FROM complaints WHERE complaint_id = 'L2001'`)).toEqual([
			{ t: '2025-02-01 09:00' }
		]);
	});
});
