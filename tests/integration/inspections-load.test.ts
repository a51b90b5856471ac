import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/lib/server/core/db';
import { rollbackBatch } from '../../pipelines/batches';
import { count, load, rows, sample, tempDatabase } from '../helpers/db';

/**
 * The inspections kind (质检记录) through the one engine: item columns kept by name like a survey's extra
 * questions, checked against the checklist in force on each row's date; a given total checked as a warning.
 */

let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => close());

const H =
	'质检编号,质检日期,质检员,被检员工工号,门店,渠道,会话编号,服务用语,业务准确,流程完整,服务态度,问题解决,信息安全,致命错误,致命错误类型,总分';
const file = (lines: string[], header = H, name = 'inspections.csv') => {
	const p = join(dir, name);
	writeFileSync(p, [header, ...lines].join('\n') + '\n');
	return p;
};
const GOOD = 'Q1,2025-03-03,刘芳,S002,南京新街口店,电话,C1,14,23,18,14,13,10,否,,92';

describe('loading inspections', () => {
	it('loads the sample file: every row, its items by name, no warning', async () => {
		const s = await load(db, 'inspections', sample('inspections.csv'));
		expect(s).toMatchObject({ status: 'committed', rows_read: 96, rows_loaded: 96, rows_rejected: 0, errors: [] });
		expect(s.warnings).toEqual([]);
		const [first] = await rows<{ id: string; items: string; fatal: boolean; total: number }>(
			db,
			"SELECT inspection_id AS id, to_json(map_from_entries(list_transform(map_entries(item_points), e -> {'k': e.key, 'v': e.value::INTEGER})))::VARCHAR AS items, fatal, total::DOUBLE AS total FROM inspections WHERE inspection_id = 'ZJ20250015'"
		);
		expect(first).toEqual({
			id: 'ZJ20250015',
			items: JSON.stringify({ 服务用语: 12, 业务准确: 19, 流程完整: 17, 服务态度: 14, 问题解决: 13, 信息安全: 9 }),
			fatal: false,
			total: 84
		});
		expect(await count(db, 'inspections', 'fatal')).toBe(2);
		expect(await count(db, 'inspections', "fatal_type = '泄露客户信息' AND item_points['信息安全'] = 0")).toBe(1);
	});

	it('refuses a row missing an item of the checklist, or with points over an item maximum, in the user language', async () => {
		const bad = [
			GOOD,
			'Q2,2025-03-03,刘芳,S002,南京新街口店,电话,C2,14,26,18,14,13,10,否,,95', // 业务准确 26 > 25
			'Q3,2025-03-03,刘芳,S002,南京新街口店,电话,C3,14,23,,14,13,10,否,,', // 流程完整 missing
			'Q4,2025-03-03,刘芳,S002,南京新街口店,电话,C4,14,23,18,14,13,10,否,辱骂客户,0' // a fatal type, but 致命错误 否
		];
		const zh = await load(db, 'inspections', file(bad));
		expect(zh).toMatchObject({ status: 'rejected', rows_read: 4, rows_rejected: 3 });
		expect(zh.errors.map((e) => [e.row, e.code])).toEqual([
			[3, 'inspection_item_range'],
			[4, 'inspection_items_missing'],
			[5, 'inspection_fatal_type']
		]);
		expect(zh.errors[0]!.reason).toBe('评分项超出该日质检评分表的分值范围：业务准确（0-25.0）');
		expect(zh.errors[1]!.reason).toBe('该日质检评分表的评分项缺失：流程完整（0-20.0）');
		expect(await count(db, 'inspections')).toBe(0);

		const en = await load(db, 'inspections', file(bad, H, 'en.csv'), { locale: 'en' });
		expect(en.errors[1]!.reason).toBe('Items of the checklist in force on that day are missing: 流程完整（0-20.0）');
		expect(en.errors[2]!.reason).toBe('"致命错误类型" says "辱骂客户" but the fatal-error column says no');
	});

	it('warns of a total that is not the computed score and of columns of no checklist, and loads the rows', async () => {
		const s = await load(
			db,
			'inspections',
			file([`${GOOD},`, 'Q2,2025-03-04,张伟,S003,南京新街口店,在线,C2,10,20,15,12,10,8,否,,80,3'], `${H},礼貌用语`)
		);
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 2 });
		expect(s.warnings).toEqual([
			'以下列不是任何质检评分表的评分项，已保存但不计分：礼貌用语',
			'1 条质检的总分与按质检评分表计算的得分不一致（以计算得分为准）：第 3 行',
			'1 条质检带有不属于该日质检评分表的评分项（已保存、不计分）：礼貌用语'
		]);
		expect(await count(db, 'inspections', "item_points['礼貌用语'] = 3")).toBe(1);
	});

	it('a fatal error scores 0: a total of 0 on a fatal row is no mismatch', async () => {
		const s = await load(db, 'inspections', file(['Q1,2025-03-03,刘芳,S002,南京新街口店,电话,C1,14,23,18,14,13,0,是,泄露客户信息,0']));
		expect(s).toMatchObject({ status: 'committed', warnings: [] });
	});

	it('checks each row against the checklist in force on its date (two versions)', async () => {
		await db.withConnection((c) =>
			c.run(
				`INSERT INTO qa_checklists VALUES (DATE '2025-03-01', [{'item': '服务用语', 'max_points': 50}, {'item': '问题解决', 'max_points': 50}], 60, false, 'test', now())`
			)
		);
		const header = '质检编号,质检日期,质检员,被检员工工号,门店,会话编号,服务用语,业务准确,流程完整,服务态度,问题解决,信息安全,致命错误';
		const s = await load(
			db,
			'inspections',
			file(
				[
					'Q1,2025-02-28,刘芳,S002,南京新街口店,C1,14,23,18,14,13,10,否', // old checklist: all six items
					'Q2,2025-03-01,刘芳,S002,南京新街口店,C2,45,,,,40,,否', // new checklist: two items of 50
					'Q3,2025-03-02,刘芳,S002,南京新街口店,C3,14,23,18,14,13,10,否', // new checklist: fine, four items outside
					'Q4,2025-02-27,刘芳,S002,南京新街口店,C4,45,,,,40,,否' // old checklist: 服务用语 over 15, items missing
				],
				header
			)
		);
		expect(s.errors.map((e) => [e.row, e.code])).toEqual([
			[5, 'inspection_items_missing'],
			[5, 'inspection_item_range']
		]);
		expect(s.warnings).toEqual(['1 条质检带有不属于该日质检评分表的评分项（已保存、不计分）：业务准确、信息安全、服务态度、流程完整']);
	});

	it('a second load of the same file is a duplicate; rollback removes the rows', async () => {
		const first = await load(db, 'inspections', sample('inspections.csv'));
		const again = await load(db, 'inspections', sample('inspections.csv'));
		expect(again.status).toBe('duplicate');
		expect(await count(db, 'inspections')).toBe(96);
		const r = await rollbackBatch(db, first.batch_id!, 'test');
		expect(r.ok).toBe(true);
		expect(await count(db, 'inspections')).toBe(0);
	});
});
