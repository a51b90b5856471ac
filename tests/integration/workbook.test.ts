/**
 * Excel workbooks through the one engine: fixture workbooks made here with exceljs, shaped the way
 * registers are kept (title rows, merged cells, hidden rows and sheets, totals rows, formulas, dates as
 * date cells and as serials, ids stored as numbers, rich text), loaded to the rows the CSV path gives.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type ExcelJS from 'exceljs';
import { rollbackBatch } from '../../pipelines/batches';
import { csvToXlsx } from '../../pipelines/generate/xlsx';
import type { Database } from '../../src/lib/server/core/db';
import { load, rows, tempDatabase } from '../helpers/db';
import { CAR_COMPLAINTS_MAPPING, real, SOMERVILLE_MAPPING, WAIMAI_MAPPING } from '../helpers/realdata';
import { workbookBytes } from '../helpers/xlsx';

let db: Database;
let dir: string;
let close: () => void;
beforeEach(async () => ({ db, dir, close } = await tempDatabase()));
afterEach(() => close());

const HEADER = ['投诉编号', '投诉时间', '门店', '投诉类别', '联系电话', '被投诉员工工号', '赔偿金额'];

/** A March register as a service centre keeps it: a merged title, a 门店 merged down its block, a hidden row, a totals row. */
function register(wb: ExcelJS.Workbook) {
	const ws = wb.addWorksheet('3月登记');
	ws.addRow(['2025年3月客户投诉登记表']);
	ws.mergeCells('A1:G1');
	ws.addRow(['制表：质量部']);
	ws.addRow(HEADER);
	// a typed date cell shown as 3月3日, a General-format serial, a formula's cached date, rich text
	ws.addRow(['C-001', new Date(Date.UTC(2025, 2, 3, 9, 30)), '杭州湖滨店', '服务态度', 13812345678, 1001, 20]);
	ws.getCell('B4').numFmt = 'm"月"d"日"';
	ws.addRow(['C-002', 45721, null, '商品质量', '13912345678', { richText: [{ text: '00' }, { text: '42', font: { bold: true } }] }, 0]);
	ws.addRow(['C-003', { formula: 'B5+1', result: 45722 }, null, '环境设施', 13700000000, 7, { formula: 'G4*2', result: 40 }]);
	ws.getCell('B6').numFmt = 'yyyy/m/d';
	ws.mergeCells('C4:C6');
	ws.getRow(5).hidden = true;
	ws.getCell('F6').numFmt = '00000';
	ws.addRow([]);
	ws.addRow(['合计', null, null, null, null, null, { formula: 'SUM(G4:G6)', result: 60 }]);
}

async function file(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
	const path = join(dir, name);
	writeFileSync(path, await workbookBytes(build));
	return path;
}

const loaded = () =>
	rows(
		db,
		`SELECT complaint_id, strftime(received_at, '%Y-%m-%d %H:%M') AS received_at, store, category::VARCHAR AS category,
		        subject_staff_id, compensation::DOUBLE AS compensation FROM complaints ORDER BY complaint_id`
	);

describe('a register workbook', () => {
	it('loads the rows below the header, merged cells repeated, dates as dates, ids with their digits; says what it left out', async () => {
		const s = await load(db, 'complaints', await file('3月.xlsx', register));
		expect(s).toMatchObject({ status: 'committed', rows_read: 3, rows_loaded: 3, rows_rejected: 0, encoding: 'xlsx', sheet: '3月登记' });
		expect(await loaded()).toEqual([
			{
				complaint_id: 'C-001',
				received_at: '2025-03-03 09:30',
				store: '杭州湖滨店',
				category: '服务态度',
				subject_staff_id: '1001',
				compensation: 20
			},
			{
				complaint_id: 'C-002',
				received_at: '2025-03-05 00:00',
				store: '杭州湖滨店',
				category: '商品质量',
				subject_staff_id: '0042',
				compensation: 0
			},
			{
				complaint_id: 'C-003',
				received_at: '2025-03-06 00:00',
				store: '杭州湖滨店',
				category: '环境设施',
				subject_staff_id: '00007',
				compensation: 40
			}
		]);
		const said = s.warnings.join('\n');
		expect(said).toMatch(/唯一的工作表/u);
		expect(said).toMatch(/2 行标题已跳过，表头在第 3 行/u);
		expect(said).toMatch(/1 个隐藏行/u);
		expect(said).toMatch(/合计行（第 8 行）/u);
		const [batch] = await rows<{ sheet: string; encoding: string; delimiter: string | null }>(
			db,
			'SELECT sheet, encoding, delimiter FROM batches WHERE batch_id = $1',
			[s.batch_id]
		);
		expect(batch).toEqual({ sheet: '3月登记', encoding: 'xlsx', delimiter: null });
	});

	it('names the sheet row of a bad cell; a 1.38E+10 phone is refused with the reason; nothing loads', async () => {
		const path = await file('bad.xlsx', (wb) => {
			register(wb);
			const ws = wb.getWorksheet('3月登记')!;
			ws.getCell('E5').value = '1.38123E+10';
			ws.getCell('D6').value = '不存在的类别';
		});
		const s = await load(db, 'complaints', path);
		expect(s.status).toBe('rejected');
		expect(s.errors.map((e) => [e.row, e.column, e.code])).toEqual([
			[5, '联系电话', 'phone_scientific'],
			[6, '投诉类别', 'enum_invalid']
		]);
		expect(s.errors[0]!.reason).toMatch(/科学计数法/u);
		expect(await rows(db, 'SELECT * FROM complaints')).toEqual([]);
	});

	it('chooses the visible sheet whose header fits best, or the one asked for; another sheet of the file is not a duplicate', async () => {
		const path = await file('book.xlsx', (wb) => {
			wb.addWorksheet('说明').addRow(['本工作簿为投诉登记']);
			register(wb);
			const hidden = wb.addWorksheet('旧表', { state: 'hidden' });
			hidden.addRow([...HEADER, '处理状态', '投诉人']);
			hidden.addRow(['H-001', '2025-02-01 10:00', '南京新街口店', '服务态度', '', '', '']);
		});
		const first = await load(db, 'complaints', path, { dryRun: true });
		expect(first).toMatchObject({ status: 'dry-run', sheet: '3月登记', rows_read: 3 });
		expect(first.warnings[0]).toMatch(
			/读取了工作表「3月登记」：它的表头与本类数据的列最吻合（认出 7 列）；其他工作表：说明（0）、旧表（9）/u
		);

		const byNumber = await load(db, 'complaints', path, { sheet: '3' });
		expect(byNumber).toMatchObject({ status: 'committed', sheet: '旧表', rows_loaded: 1 });
		expect(byNumber.warnings.join('\n')).toMatch(/隐藏的/u);
		const byName = await load(db, 'complaints', path, { sheet: '3月登记' });
		expect(byName).toMatchObject({ status: 'committed', sheet: '3月登记', rows_loaded: 3 });
		const again = await load(db, 'complaints', path, { sheet: '3月登记' });
		expect(again).toMatchObject({ status: 'duplicate', duplicate_of: { batch_id: byName.batch_id } });

		const unknown = await load(db, 'complaints', path, { sheet: '4月' });
		expect(unknown).toMatchObject({ status: 'rejected', batch_id: null, rows_loaded: 0 });
		expect(unknown.errors).toMatchObject([
			{ row: null, code: 'workbook_sheet_unknown', params: { sheet: '4月', sheets: '说明、3月登记、旧表' } }
		]);

		// rolled back like any batch
		const r = await rollbackBatch(db, byName.batch_id!, 'vitest', 'zh-CN', null);
		expect(r.ok).toBe(true);
		expect(await rows(db, 'SELECT complaint_id FROM complaints ORDER BY 1')).toEqual([{ complaint_id: 'H-001' }]);
	});

	it('numbers kept as text and text kept as numbers read the same', async () => {
		const path = await file('mixed.xlsx', (wb) => {
			const ws = wb.addWorksheet('Sheet1');
			ws.addRow(HEADER);
			ws.addRow([1, '45721', '南京新街口店', '服务态度', '13812345678', '1001', '12.5']);
			ws.addRow(['2', 45722.5, '南京新街口店', '服务态度', 13812345679, 1002, 12.5]);
		});
		const s = await load(db, 'complaints', path);
		expect(s).toMatchObject({ status: 'committed', rows_loaded: 2 });
		expect(await loaded()).toEqual([
			{
				complaint_id: '1',
				received_at: expect.any(String),
				store: '南京新街口店',
				category: '服务态度',
				subject_staff_id: '1001',
				compensation: 12.5
			},
			{
				complaint_id: '2',
				received_at: '2025-03-06 12:00',
				store: '南京新街口店',
				category: '服务态度',
				subject_staff_id: '1002',
				compensation: 12.5
			}
		]);
	});
});

/** The public real-data CSVs as workbooks load to the same rows as the CSVs. */
/** `exclude`: columns that differ by design (keys generated from the file's hash) */
const REAL: { file: string; kind: 'complaints' | 'surveys'; mapping: unknown; table: string; exclude: string }[] = [
	{
		file: 'complaints_cn_12365auto_car_gbk.csv',
		kind: 'complaints',
		table: 'complaints',
		exclude: 'batch_id',
		mapping: CAR_COMPLAINTS_MAPPING
	},
	{
		file: 'satisfaction_us_somerville_happiness_2015.csv',
		kind: 'surveys',
		table: 'surveys',
		exclude: 'batch_id, response_id',
		mapping: SOMERVILLE_MAPPING
	},
	{
		file: 'satisfaction_cn_waimai_10k.csv',
		kind: 'surveys',
		// one review holds a backspace (U+0008): XML cannot, and exceljs drops it when writing the workbook
		table: "(SELECT * REPLACE (regexp_replace(comment, '[\\x00-\\x08]', '', 'g') AS comment) FROM surveys)",
		exclude: 'batch_id, response_id',
		mapping: WAIMAI_MAPPING
	}
];

// the real files sit beside the project (../shared/realdata); a checkout without them skips this, cleanly
const PRESENT = REAL.filter((r) => existsSync(real(r.file)));

describe.skipIf(PRESENT.length === 0)('real-data CSVs converted to workbooks', () => {
	it.each(PRESENT.map((r) => [r.file, r] as const))(
		'%s: the same rows as the CSV',
		async (_name, r) => {
			const csv = real(r.file);
			const xlsx = join(dir, 'real.xlsx');
			await csvToXlsx(csv, xlsx);
			const fromCsv = await load(db, r.kind, csv, { mapping: r.mapping });
			expect(fromCsv.status).toBe('committed');
			const table = `SELECT * EXCLUDE (${r.exclude}) FROM ${r.table} ORDER BY ALL`;
			const before = await rows(db, table);
			expect(before.length).toBeGreaterThan(0);
			await rollbackBatch(db, fromCsv.batch_id!, 'vitest', 'zh-CN', null);
			const fromXlsx = await load(db, r.kind, xlsx, { mapping: r.mapping });
			expect(fromXlsx).toMatchObject({
				status: 'committed',
				rows_read: fromCsv.rows_read,
				rows_loaded: fromCsv.rows_loaded,
				rows_collapsed: fromCsv.rows_collapsed,
				rows_rejected: fromCsv.rows_rejected
			});
			expect(await rows(db, table)).toEqual(before);
		},
		120_000
	);
});
