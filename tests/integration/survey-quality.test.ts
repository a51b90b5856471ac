import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/lib/server/core/db';
import { count, load, tempDatabase } from '../helpers/db';
import { batchDetail } from '../../src/lib/server/features/upload/batches';

/** Survey quality checks are warnings in the summary (rows still load); out-of-scale answers stay errors. */

let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => close());

const H = '问卷编号,调查日期,调查批次,门店,总体满意度,推荐意愿,商场环境,商品质量,服务质量,价格,意见建议';
const file = (lines: string[]) => {
	const p = join(dir, 'survey.csv');
	writeFileSync(p, [H, ...lines].join('\n') + '\n');
	return p;
};

describe('survey quality warnings', () => {
	const content = [
		'S1,2025-03-01,2025Q1,杭州湖滨店,4,8,5,3,4,4,', // row 2: fine
		'S2,2025-03-01,2025Q1,杭州湖滨店,3,5,3,3,3,3,', // row 3: straight-lining (all 3)
		'S3,2025-03-02,2025Q1,杭州湖滨店,,,,,,,', // row 4: all blank
		'S4,2025-03-02,2025Q1,杭州湖滨店,5,9,4,4,5,4,很好', // row 5: duplicate of row 6 except the id
		'S5,2025-03-02,2025Q1,杭州湖滨店,5,9,4,4,5,4,很好', // row 6
		'S6,2025-03-02,2025Q2,杭州湖滨店,5,9,4,4,5,4,很好' // row 7: same answers, another wave: not a duplicate
	];

	it('reports straight-lining, blank responses and duplicate respondents as warnings, and loads every row', async () => {
		const s = await load(db, 'surveys', file(content));
		expect(s).toMatchObject({ status: 'committed', rows_read: 6, rows_loaded: 6, rows_rejected: 0, errors: [] });
		expect(s.warnings).toHaveLength(3);
		expect(s.warnings[0]).toMatch(/^1 份答卷每道题答案都相同.*第 3 行$/u);
		expect(s.warnings[1]).toMatch(/^1 份答卷没有任何评分.*第 4 行$/u);
		expect(s.warnings[2]).toMatch(/^2 份答卷与同一批次的另一份.*第 5\/6 行$/u);
		expect(await count(db, 'surveys')).toBe(6);
	});

	it('are the same in a dry run, in English on request', async () => {
		const s = await load(db, 'surveys', file(content), { dryRun: true, locale: 'en' });
		expect(s.status).toBe('dry-run');
		expect(s.warnings.map((w) => w.split(' ').slice(1, 3).join(' '))).toEqual([
			'response(s) gave',
			'response(s) with',
			'response(s) identical'
		]);
		expect(await count(db, 'surveys')).toBe(0);
	});

	it("are kept as notices: the batch page shows them in its reader's language, whoever loaded the file", async () => {
		// a second group of duplicates and a straight-liner with the "more rows" ending nested in a list
		const lines = [...content, ...Array.from({ length: 12 }, (_, i) => `L${i},2025-03-03,2025Q1,杭州湖滨店,2,5,2,2,2,2,`)];
		const english = await load(db, 'surveys', file(lines), { dryRun: true, locale: 'en' });
		const loaded = await load(db, 'surveys', file(lines));
		expect(loaded.warnings).toHaveLength(3);
		const shown = (locale: 'en' | 'zh-CN') => db.withConnection((conn) => batchDetail(conn, loaded.batch_id!, locale));
		expect((await shown('en'))!.warnings).toEqual(english.warnings);
		expect((await shown('zh-CN'))!.warnings).toEqual(loaded.warnings);
		expect(english.warnings[0]).toMatch(/^13 response\(s\) gave .*row\(s\) 3、8、9、10、11、12、13、14、15、16, …$/u);
		// a batch recorded while warnings were stored as text shows that text
		await db.withWriteLock((conn) =>
			conn.run(`UPDATE batches SET warnings = '["一条旧警告"]'::JSON WHERE batch_id = $1`, [loaded.batch_id!])
		);
		expect((await shown('en'))!.warnings).toEqual(['一条旧警告']);
	});

	it('counts every duplicate and lists the rows of the first ten groups, by their first row', async () => {
		// 13 groups: each first row in rows 2-14, its twin in rows 15-27, and group 0's third in row 28
		const line = (id: number, g: number) => `D${id},2025-03-02,2025Q1,杭州湖滨店,4,8,5,3,4,4,意见${g}`;
		const groups = Array.from({ length: 13 }, (_, g) => g);
		const lines = [...groups.map((g) => line(g, g)), ...groups.map((g) => line(100 + g, g)), line(200, 0)];
		const s = await load(db, 'surveys', file(lines), { dryRun: true });
		const listed = ['2/15/28', ...groups.slice(1, 10).map((g) => `${2 + g}/${15 + g}`)].join('、');
		expect(s.warnings).toEqual([`27 份答卷与同一批次的另一份除编号外完全相同（疑似重复提交）：第 ${listed}…… 行`]);
	});

	it('names the first 20 rows of a group of 25 identical responses, and says there are more', async () => {
		const lines = Array.from({ length: 25 }, (_, i) => `D${i},2025-03-02,2025Q1,杭州湖滨店,4,8,5,3,4,4,同一条意见`);
		const s = await load(db, 'surveys', file(lines), { dryRun: true });
		const first20 = Array.from({ length: 20 }, (_, i) => i + 2).join('/');
		expect(s.warnings).toEqual([`25 份答卷与同一批次的另一份除编号外完全相同（疑似重复提交）：第 ${first20}…… 行`]);
	});

	it('a file with an extra question reports its bad rows too (the error report binds the question names)', async () => {
		const p = join(dir, 'extra.csv');
		writeFileSync(
			p,
			[`${H},停车便利`, 'S1,2025-03-01,2025Q1,杭州湖滨店,4,8,5,3,4,4,,5', 'S2,2025-03-01,2025Q1,杭州湖滨店,7,8,5,3,4,4,,4'].join('\n') +
				'\n'
		);
		const s = await load(db, 'surveys', p);
		expect(s).toMatchObject({ status: 'rejected', rows_rejected: 1 });
		expect(s.errors[0]).toMatchObject({ row: 3, column: '总体满意度', code: 'out_of_range' });
	});

	it('an out-of-scale answer stays an error that rejects the file', async () => {
		const s = await load(db, 'surveys', file(['S1,2025-03-01,2025Q1,杭州湖滨店,6,8,5,3,4,4,']));
		expect(s).toMatchObject({ status: 'rejected', rows_rejected: 1 });
		expect(s.errors[0]).toMatchObject({ row: 2, column: '总体满意度', code: 'out_of_range' });
	});
});
