import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditCliCommand } from '../../pipelines/audit';
import { runCommand, type Command, type CommandResult } from '../../pipelines/commands';
import type { IngestSummary } from '../../pipelines/engine';
import type { KindId } from '../../src/lib/shared/schema';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { queryRows, type Database } from '../../src/lib/server/core/db';
import { localLog, localSums, serverState, type ServerState, type TableSums } from '../helpers/db-state';
import { tempDatabase } from '../helpers/db';
import {
	APPRAISALS_HEADER as AH,
	COMPLAINTS_HEADER as CH,
	SURVEYS_HEADER as SH,
	appraisal,
	complaint,
	gbk,
	survey,
	utf16be,
	utf16le,
	utf8,
	utf8Bom
} from '../helpers/hostile-bytes';
import { login, startServer, type RunningServer } from '../helpers/server';
import { compoundFile, minimalWorkbookParts, zipBytes } from '../helpers/xlsx';

/**
 * Hostile and broken input, one row per case: every file goes through the CLI's command
 * (`runCommand`, what `npm run ingest` runs on a database it opens itself) on one database file, and
 * through POST /api/ingest/<kind> on the built server with its own database file. Each path must give
 * the case's outcome, its message (Chinese by default) naming the row and column where there is one,
 * and leave the data tables exactly as before — or, with accept-partial, exactly plus the good rows.
 * A refused file is recorded as a rejected batch (with its reasons): the log grows, the data does not.
 */

type RowErr = [row: number | null, column: string | null, code: string];
/** a query over the kind's table, with the batch id as $1, and the rows it must return */
type Check = { sql: string; rows: Record<string, unknown>[] };

type Expect =
	| { status: 'committed'; loaded: number; encoding?: string; check?: Check; warning?: RegExp }
	/** `batches`: how many batches the refusal records (an empty file records none: there is nothing to keep) */
	| { status: 'rejected'; errors: RowErr[]; zh: RegExp; en?: RegExp; partial?: { loaded: number; check: Check }; batches?: 0 }
	| { status: 'unreadable'; code: string; http: number; zh: RegExp; en?: RegExp }
	| { status: 'duplicate'; first: Buffer };

interface Case {
	name: string;
	kind: KindId;
	bytes: Buffer;
	expect: Expect;
}

const lines = (...rows: string[]) => rows.join('\n') + '\n';
/** A CSV line widened to `n` fields with `extra(i)` for each added one. */
const wide = (line: string, n: number, extra: (i: number) => string) =>
	[line, ...Array.from({ length: n - line.split(',').length }, (_, i) => extra(i))].join(',');
const ids = (kind: KindId) =>
	({
		complaints: 'complaint_id',
		surveys: 'response_id',
		appraisals: 'staff_id',
		traffic: 'store',
		staff: 'staff_id',
		contacts: 'contact_id',
		inspections: 'inspection_id'
	})[kind];
const keysOf = (kind: KindId, keys: string[]): Check => ({
	sql: `SELECT ${ids(kind)} AS id FROM ${kind} WHERE batch_id = $1 ORDER BY 1`,
	rows: keys.map((id) => ({ id }))
});
const complaintRows = (cols: string) => `SELECT ${cols} FROM complaints WHERE batch_id = $1 ORDER BY complaint_id`;

/** A one-sheet workbook of complaints (the CSV cases' header and rows), its parts changed by `edit`. */
const complaintBook = (
	ids: string[],
	edit: (parts: Record<string, string | Buffer>) => void = () => {},
	opts: Parameters<typeof zipBytes>[1] = {}
) => {
	const parts: Record<string, string | Buffer> = minimalWorkbookParts([CH.split(','), ...ids.map((id) => complaint(id).split(','))]);
	edit(parts);
	return zipBytes(parts, opts);
};
const EXTERNAL_LINK =
	'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/>';

const CASES: Case[] = [
	{
		name: 'GBK file without BOM',
		kind: 'complaints',
		bytes: gbk(lines(CH, complaint('GBK-1', '2025-03-01 09:00', '收银员态度恶劣'), complaint('GBK-2'))),
		expect: {
			status: 'committed',
			loaded: 2,
			encoding: 'gbk',
			check: {
				sql: complaintRows('complaint_id, summary, store'),
				rows: [
					{ complaint_id: 'GBK-1', summary: '收银员态度恶劣', store: '南京新街口店' },
					{ complaint_id: 'GBK-2', summary: '店员态度差', store: '南京新街口店' }
				]
			}
		}
	},
	{
		name: 'UTF-8 with BOM',
		kind: 'surveys',
		bytes: utf8Bom(lines(SH, survey('BOM-1'), survey('BOM-2'))),
		expect: { status: 'committed', loaded: 2, encoding: 'utf-8-bom', check: keysOf('surveys', ['BOM-1', 'BOM-2']) }
	},
	{
		name: 'UTF-16 LE with BOM',
		kind: 'surveys',
		bytes: utf16le(SH + '\r\n' + survey('U16LE-1', '2025-03-01', '5', '10', '很好') + '\r\n'),
		expect: {
			status: 'committed',
			loaded: 1,
			encoding: 'utf-16le',
			check: {
				sql: 'SELECT response_id, overall, nps, comment FROM surveys WHERE batch_id = $1',
				rows: [{ response_id: 'U16LE-1', overall: 5, nps: 10, comment: '很好' }]
			}
		}
	},
	{
		name: 'UTF-16 BE with BOM',
		kind: 'surveys',
		bytes: utf16be(lines(SH, survey('U16BE-1', '2025-03-02', '3', '6', '一般'))),
		expect: {
			status: 'committed',
			loaded: 1,
			encoding: 'utf-16be',
			check: {
				sql: 'SELECT response_id, overall, comment FROM surveys WHERE batch_id = $1',
				rows: [{ response_id: 'U16BE-1', overall: 3, comment: '一般' }]
			}
		}
	},
	{
		name: 'UTF-16 LE without BOM',
		kind: 'surveys',
		bytes: utf16le(lines(SH, survey('U16NB-1', '2025-03-03', '2', '3', '差')), false),
		expect: {
			status: 'committed',
			loaded: 1,
			encoding: 'utf-16le',
			check: { sql: 'SELECT response_id, comment FROM surveys WHERE batch_id = $1', rows: [{ response_id: 'U16NB-1', comment: '差' }] }
		}
	},
	{
		name: 'mixed CRLF and LF',
		kind: 'surveys',
		bytes: utf8(`${SH}\r\n${survey('EOL-1')}\n${survey('EOL-2')}\r\n${survey('EOL-3', '2025-03-01', '4', '9', 'x')}\n`),
		expect: {
			status: 'committed',
			loaded: 3,
			check: {
				sql: "SELECT response_id AS id, comment FROM surveys WHERE batch_id = $1 AND (contains(comment, chr(13)) OR response_id = 'EOL-3')",
				rows: [{ id: 'EOL-3', comment: 'x' }]
			}
		}
	},
	{
		name: 'quoted line break inside a field',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('NL-1', '2025-03-01 09:00', '"第一行\n第二行，""引号"""'), complaint('NL-2'))),
		expect: {
			status: 'committed',
			loaded: 2,
			check: {
				sql: complaintRows('complaint_id, summary'),
				rows: [
					{ complaint_id: 'NL-1', summary: '第一行\n第二行，"引号"' },
					{ complaint_id: 'NL-2', summary: '店员态度差' }
				]
			}
		}
	},
	{
		name: 'unclosed quote',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('UQ-1'), complaint('UQ-2', '2025-03-01 09:00', '"没有闭合的引号'), complaint('UQ-3'))),
		expect: {
			status: 'rejected',
			errors: [[null, null, 'file_malformed_line']],
			zh: /第 3 行无法按 CSV 解析（可能有未闭合的引号）/u,
			en: /line 3 cannot be read/u
		}
	},
	{
		name: 'quoted line break, then an unclosed quote (accept-partial must not drop the tail)',
		kind: 'complaints',
		bytes: utf8(
			lines(
				CH,
				complaint('UQN-1', '2025-03-01 09:00', '"两\n行"'),
				complaint('UQN-2'),
				complaint('UQN-3', '2025-03-01 09:00', '"未闭合'),
				complaint('UQN-4'),
				complaint('UQN-5')
			)
		),
		expect: { status: 'rejected', errors: [[null, null, 'file_malformed_line']], zh: /第 5 行无法按 CSV 解析/u }
	},
	{
		name: 'short rows',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('SR-1'), 'SR-2,2025-03-01 09:00,南京新街口店', complaint('SR-3'))),
		expect: {
			status: 'rejected',
			errors: [[3, null, 'row_short']],
			zh: /列数少于表头（表头有 7 列）/u,
			en: /fewer columns than the header \(7\)/u,
			partial: { loaded: 2, check: keysOf('complaints', ['SR-1', 'SR-3']) }
		}
	},
	{
		name: 'long row: one field more than the header',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('LR-1'), complaint('LR-2') + ',多余', complaint('LR-3'))),
		expect: {
			status: 'rejected',
			errors: [[3, null, 'row_long']],
			zh: /列数多于表头（表头有 7 列），多出的内容：多余/u,
			en: /more columns than the header \(7\); extra content: 多余/u,
			partial: { loaded: 2, check: keysOf('complaints', ['LR-1', 'LR-3']) }
		}
	},
	{
		// more than one surplus field: the reader cannot place the row at all, so the whole file is refused (with the line)
		name: 'long row: several fields more than the header',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('LL-1'), complaint('LL-2') + ',多余,内容', complaint('LL-3'))),
		expect: {
			status: 'rejected',
			errors: [[null, null, 'file_malformed_columns']],
			zh: /文件格式有误：第 3 行有 9 列，而表头只有 7 列/u,
			en: /line 3 has 9 fields but the header has 7/u
		}
	},
	{
		name: 'wrong headers',
		kind: 'complaints',
		bytes: utf8(lines('编码,时间,地点', 'X,2025-03-01,南京')),
		expect: {
			status: 'rejected',
			errors: [[null, null, 'columns_missing']],
			zh: /缺少必填列：.*投诉编号.*文件中的列：编码、时间、地点/u,
			en: /Required columns are missing/u
		}
	},
	{
		name: 'reordered headers',
		kind: 'complaints',
		bytes: utf8(lines('联系电话,门店,投诉时间,投诉编号', '13900001111,杭州湖滨店,2025-03-05 10:30,RO-1')),
		expect: {
			status: 'committed',
			loaded: 1,
			check: {
				sql: "SELECT complaint_id, store, customer_phone, strftime(received_at, '%Y-%m-%d %H:%M') AS at FROM complaints WHERE batch_id = $1",
				rows: [{ complaint_id: 'RO-1', store: '杭州湖滨店', customer_phone: '13900001111', at: '2025-03-05 10:30' }]
			}
		}
	},
	{
		name: 'duplicate header names',
		kind: 'complaints',
		bytes: utf8(lines(`${CH},门店`, `${complaint('DH-1')},上海店`)),
		expect: {
			status: 'rejected',
			errors: [[null, null, 'header_duplicate']],
			zh: /表头「门店」出现了两次（第 3 列和第 8 列）/u,
			en: /appears twice \(columns 3 and 8\)/u
		}
	},
	{
		// 5,000 columns took 273 s and 930 MB, holding the write lock: refused before anything is staged
		name: '5,000 columns',
		kind: 'surveys',
		bytes: utf8(
			lines(
				wide(SH, 5000, (i) => `q${i}`),
				wide(survey('WIDE-1'), 5000, () => '3')
			)
		),
		expect: {
			status: 'rejected',
			errors: [[null, null, 'columns_too_many']],
			zh: /^文件有 5000 列，超过了每个文件最多 200 列的上限/u,
			en: /^The file has 5000 columns, more than the limit of 200 columns/u
		}
	},
	{
		// the header is read from the first 64 KB: a longer first line cannot be split into columns
		name: 'header line over 64 KB',
		kind: 'surveys',
		bytes: utf8(
			lines(
				wide(SH, 5000, (i) => `附加问题${i}`),
				wide(survey('WIDE-2'), 5000, () => '3')
			)
		),
		expect: {
			status: 'rejected',
			errors: [[null, null, 'header_too_long']],
			zh: /^表头一行超过 64 KB，无法分出各列（每个文件最多 200 列）/u,
			en: /^The header line is longer than 64 KB/u,
			batches: 0
		}
	},
	{
		name: 'empty file',
		kind: 'complaints',
		bytes: Buffer.alloc(0),
		expect: { status: 'rejected', errors: [[null, null, 'file_empty']], zh: /^文件是空的$/u, en: /^The file is empty$/u, batches: 0 }
	},
	{
		name: 'header only',
		kind: 'complaints',
		bytes: utf8(CH + '\r\n'),
		expect: { status: 'rejected', errors: [[null, null, 'file_header_only']], zh: /只有表头，没有数据行/u }
	},
	{
		name: 'blank line in the middle: row numbers after it still count it',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('BL-1'), '', complaint('BL-2', '2025-02-30 09:00'))),
		expect: {
			status: 'rejected',
			errors: [[4, '投诉时间', 'date_impossible']],
			zh: /「投诉时间」的日期「2025-02-30 09:00」不存在/u,
			partial: { loaded: 1, check: keysOf('complaints', ['BL-1']) }
		}
	},
	{
		name: 'the same file uploaded twice',
		kind: 'surveys',
		bytes: utf8(lines(SH, survey('TWICE-1'))),
		expect: { status: 'duplicate', first: utf8(lines(SH, survey('TWICE-1'))) }
	},
	{
		name: 'Excel serial dates',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('XS-1', '45717'), complaint('XS-2', '45717.5'))),
		expect: {
			status: 'committed',
			loaded: 2,
			check: {
				sql: complaintRows("complaint_id, strftime(received_at, '%Y-%m-%d %H:%M') AS at"),
				rows: [
					{ complaint_id: 'XS-1', at: '2025-03-01 00:00' },
					{ complaint_id: 'XS-2', at: '2025-03-01 12:00' }
				]
			}
		}
	},
	{
		name: 'date variants, with fractional seconds',
		kind: 'complaints',
		bytes: utf8(
			lines(
				CH,
				complaint('DV-1', '2025/3/5 14:30'),
				complaint('DV-2', '2025年3月5日'),
				complaint('DV-3', '2025-03-05T14:30:15'),
				complaint('DV-4', '2025.3.5'),
				complaint('DV-5', '2025-03-05 14:30:15.250')
			)
		),
		expect: {
			status: 'committed',
			loaded: 5,
			check: {
				sql: complaintRows("complaint_id, strftime(received_at, '%Y-%m-%d %H:%M:%S') AS at"),
				rows: [
					{ complaint_id: 'DV-1', at: '2025-03-05 14:30:00' },
					{ complaint_id: 'DV-2', at: '2025-03-05 00:00:00' },
					{ complaint_id: 'DV-3', at: '2025-03-05 14:30:15' },
					{ complaint_id: 'DV-4', at: '2025-03-05 00:00:00' },
					{ complaint_id: 'DV-5', at: '2025-03-05 14:30:15' }
				]
			}
		}
	},
	{
		name: 'impossible dates',
		kind: 'surveys',
		bytes: utf8(lines(SH, survey('ID-1', '2025-02-30'), survey('ID-2', '2025/13/1'), survey('ID-3', '2025-03-01'))),
		expect: {
			status: 'rejected',
			errors: [
				[2, '调查日期', 'date_impossible'],
				[3, '调查日期', 'date_impossible']
			],
			zh: /「调查日期」的日期「2025-02-30」不存在/u,
			en: /the date "2025-02-30" does not exist/u,
			partial: { loaded: 1, check: keysOf('surveys', ['ID-3']) }
		}
	},
	{
		name: 'full-width digits and punctuation',
		kind: 'surveys',
		bytes: utf8(lines(SH, ['ＦＷ－１', '２０２５／３／５', '南京新街口店', '５', '１０', '好，很好！'].join(','))),
		expect: {
			status: 'committed',
			loaded: 1,
			check: {
				sql: "SELECT response_id, strftime(submitted_at, '%Y-%m-%d') AS d, overall, nps, comment FROM surveys WHERE batch_id = $1",
				rows: [{ response_id: 'FW-1', d: '2025-03-05', overall: 5, nps: 10, comment: '好，很好！' }]
			}
		}
	},
	{
		name: 'wrong delimiter (full-width commas)',
		kind: 'surveys',
		bytes: utf8(lines(SH.replaceAll(',', '，'), survey('WD-1').replaceAll(',', '，'))),
		expect: { status: 'rejected', errors: [[null, null, 'columns_missing']], zh: /缺少必填列/u }
	},
	{
		name: 'out-of-range scores, NaN, inf, 五',
		kind: 'surveys',
		bytes: utf8(
			lines(
				SH,
				survey('OR-1', '2025-03-01', '6'),
				survey('OR-2', '2025-03-01', '4', '-1'),
				survey('OR-3', '2025-03-01', 'NaN'),
				survey('OR-4', '2025-03-01', 'inf'),
				survey('OR-5', '2025-03-01', '五'),
				survey('OR-6')
			)
		),
		expect: {
			status: 'rejected',
			zh: /「总体满意度」的值「6」超出范围（应在 1 到 5 之间）/u,
			en: /"总体满意度": "6" is out of range \(must be between 1 and 5\)/u,
			errors: [
				[2, '总体满意度', 'out_of_range'],
				[3, '推荐意愿', 'out_of_range'],
				[4, '总体满意度', 'integer_invalid'],
				[5, '总体满意度', 'integer_invalid'],
				[6, '总体满意度', 'integer_invalid']
			],
			partial: { loaded: 1, check: keysOf('surveys', ['OR-6']) }
		}
	},
	{
		name: 'appraisal scores out of range and not numbers',
		kind: 'appraisals',
		bytes: utf8(
			lines(
				AH,
				appraisal('AP-1', '2025-03', ['101', '90', '70', '60', '100'], ''),
				appraisal('AP-2', '2025-03', ['NaN', '90', '70', '60', '100'], ''),
				appraisal('AP-3')
			)
		),
		expect: {
			status: 'rejected',
			errors: [
				[2, '业务能力', 'out_of_range'],
				[3, '业务能力', 'number_invalid'],
				[3, '总分', 'total_missing']
			],
			zh: /「业务能力」的值「101」超出范围（应在 0 到 100 之间）/u,
			partial: { loaded: 1, check: keysOf('appraisals', ['AP-3']) }
		}
	},
	{
		name: 'zero-width characters and NBSP',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('ZW\u200B-1', '2025-03-01\u00A009:00', '\u00A0有\u200B空格\u00A0', '138\u200B1234\u00A05678'))),
		expect: {
			status: 'committed',
			loaded: 1,
			check: {
				sql: "SELECT complaint_id, summary, customer_phone, strftime(received_at, '%H:%M') AS t FROM complaints WHERE batch_id = $1",
				rows: [{ complaint_id: 'ZW-1', summary: '有空格', customer_phone: '13812345678', t: '09:00' }]
			}
		}
	},
	{
		name: 'phone numbers in every form',
		kind: 'complaints',
		bytes: utf8(
			lines(
				CH,
				complaint('PH-1', undefined, undefined, '+86 138 1234 5678'),
				complaint('PH-2', undefined, undefined, '138-1234-5678'),
				complaint('PH-3', undefined, undefined, '0086 13812345678'),
				complaint('PH-4', undefined, undefined, '1.3812345678E+10'),
				complaint('PH-5', undefined, undefined, '1.38E+10'),
				complaint('PH-6', undefined, undefined, '(010) 6512-3456'),
				complaint('PH-7', undefined, undefined, '电话138')
			)
		),
		expect: {
			status: 'rejected',
			errors: [
				[6, '联系电话', 'phone_scientific'],
				[8, '联系电话', 'phone_invalid']
			],
			zh: /「联系电话」的值「1\.38E\+10」被 Excel 转成了科学计数法/u,
			en: /scientific notation/u,
			partial: {
				loaded: 5,
				check: {
					sql: complaintRows('complaint_id, customer_phone'),
					rows: [
						{ complaint_id: 'PH-1', customer_phone: '13812345678' },
						{ complaint_id: 'PH-2', customer_phone: '13812345678' },
						{ complaint_id: 'PH-3', customer_phone: '13812345678' },
						{ complaint_id: 'PH-4', customer_phone: '13812345678' },
						{ complaint_id: 'PH-6', customer_phone: '01065123456' }
					]
				}
			}
		}
	},
	{
		name: 'cells starting with = + - @ are stored as text, verbatim',
		kind: 'complaints',
		bytes: utf8(
			lines(
				CH,
				complaint('FX-1', undefined, '"=HYPERLINK(""http://x"",""点我"")"', undefined, '+1+1'),
				complaint('FX-2', undefined, '-2+3', undefined, '@SUM(A1)'),
				complaint('FX-3', undefined, '=1+1')
			)
		),
		expect: {
			status: 'committed',
			loaded: 3,
			check: {
				sql: complaintRows('complaint_id, summary, customer_name'),
				rows: [
					{ complaint_id: 'FX-1', summary: '=HYPERLINK("http://x","点我")', customer_name: '+1+1' },
					{ complaint_id: 'FX-2', summary: '-2+3', customer_name: '@SUM(A1)' },
					{ complaint_id: 'FX-3', summary: '=1+1', customer_name: '张三' }
				]
			}
		}
	},
	{
		name: 'HTML and script in text fields are stored as written',
		kind: 'complaints',
		bytes: utf8(lines(CH, complaint('XSS-1', undefined, '<img src=x onerror=alert(1)>', undefined, '<script>alert(1)</script>'))),
		expect: {
			status: 'committed',
			loaded: 1,
			check: {
				sql: complaintRows('summary, customer_name'),
				rows: [{ summary: '<img src=x onerror=alert(1)>', customer_name: '<script>alert(1)</script>' }]
			}
		}
	},
	{
		name: 'a damaged .xlsx (a zip cut short)',
		kind: 'complaints',
		bytes: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]), Buffer.from('[Content_Types].xml'), Buffer.alloc(200)]),
		expect: { status: 'unreadable', code: 'workbook_damaged', http: 415, zh: /Excel 工作簿已损坏.*另存为/u, en: /workbook is damaged/u }
	},
	{
		name: 'an old .xls workbook (BIFF)',
		kind: 'complaints',
		bytes: compoundFile('Workbook'),
		expect: {
			status: 'unreadable',
			code: 'workbook_xls',
			http: 415,
			zh: /旧版 Excel 工作簿（\.xls）.*另存为」\.xlsx 或 CSV/u,
			en: /Save As → \.xlsx or CSV/u
		}
	},
	{
		name: 'a password-protected (encrypted) workbook',
		kind: 'complaints',
		bytes: compoundFile('EncryptedPackage'),
		expect: {
			status: 'unreadable',
			code: 'workbook_encrypted',
			http: 415,
			zh: /设置了打开密码.*另存为」\.xlsx 或 CSV/u,
			en: /password-protected/u
		}
	},
	{
		name: 'a zip that is not a workbook',
		kind: 'complaints',
		bytes: zipBytes({ 'word/document.xml': '<document/>' }),
		expect: { status: 'unreadable', code: 'workbook_not_xlsx', http: 415, zh: /不是 Excel 工作簿/u, en: /not an Excel workbook/u }
	},
	{
		name: 'a zip bomb workbook (its sheet declares 2 GB inflated)',
		kind: 'complaints',
		bytes: complaintBook(['ZB-1'], () => {}, { declare: { 'xl/worksheets/sheet1.xml': 2 ** 31 } }),
		expect: { status: 'rejected', errors: [[null, null, 'workbook_inflated_too_large']], zh: /压缩炸弹/u, en: /zip bomb/u, batches: 0 }
	},
	{
		name: 'a workbook whose sheet inflates past the size it declares',
		kind: 'complaints',
		bytes: complaintBook(['ZL-1', 'ZL-2'], () => {}, { declare: { 'xl/worksheets/sheet1.xml': 100 } }),
		expect: { status: 'unreadable', code: 'workbook_damaged', http: 415, zh: /Excel 工作簿已损坏/u }
	},
	{
		name: 'a workbook with zip-level encryption',
		kind: 'complaints',
		bytes: complaintBook(['ZE-1'], () => {}, { encrypted: true }),
		expect: { status: 'unreadable', code: 'workbook_encrypted', http: 415, zh: /设置了打开密码/u }
	},
	{
		name: 'a macro workbook (.xlsm): macros ignored, said',
		kind: 'complaints',
		bytes: complaintBook(['XM-1', 'XM-2'], (p) => (p['xl/vbaProject.bin'] = Buffer.from('Attribute VB_Name = "Module1"'))),
		expect: { status: 'committed', loaded: 2, encoding: 'xlsx', warning: /宏不会运行/u, check: keysOf('complaints', ['XM-1', 'XM-2']) }
	},
	{
		name: 'a workbook linking to other files: cached values, said',
		kind: 'complaints',
		bytes: complaintBook(['XL-1'], (p) => {
			p['xl/_rels/workbook.xml.rels'] = p['xl/_rels/workbook.xml.rels']!.toString().replace(
				'</Relationships>',
				`${EXTERNAL_LINK}</Relationships>`
			);
			p['xl/externalLinks/externalLink1.xml'] = '<externalLink/>';
		}),
		expect: { status: 'committed', loaded: 1, encoding: 'xlsx', warning: /链接了其他文件/u, check: keysOf('complaints', ['XL-1']) }
	},
	{
		name: 'a workbook row with a bad date: the sheet row number in the reason',
		kind: 'complaints',
		bytes: zipBytes(
			minimalWorkbookParts([
				['2025年3月投诉登记表'],
				[],
				CH.split(','),
				complaint('XR-1').split(','),
				complaint('XR-2', '下周二').split(',')
			])
		),
		expect: { status: 'rejected', errors: [[5, '投诉时间', 'date_invalid']], zh: /投诉时间/u }
	},
	{
		name: 'a binary file given as CSV',
		kind: 'complaints',
		bytes: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
		expect: { status: 'unreadable', code: 'file_binary', http: 415, zh: /这不是文本格式的 CSV 文件/u, en: /not a text CSV file/u }
	},
	{
		name: 'a NUL byte after the first 8 KB',
		kind: 'complaints',
		bytes: Buffer.concat([
			utf8(lines(CH, ...Array.from({ length: 200 }, (_, i) => complaint(`NUL-${i}`)))),
			Buffer.from([0, 0, 0x41, 0x0a])
		]),
		expect: { status: 'unreadable', code: 'file_binary', http: 415, zh: /这不是文本格式的 CSV 文件/u }
	},
	{
		// found by the fuzz test: DuckDB's reader failed internally on such a file and invalidated the database
		name: 'a UTF-8 BOM over bytes that are not UTF-8 (a damaged or pasted-together file)',
		kind: 'complaints',
		bytes: Buffer.concat([
			utf8Bom(lines(CH, complaint('BB-1'))),
			Buffer.from([0x42, 0x42, 0x2d, 0x32, 0x2c, 0xbc, 0xa0, 0x0a]),
			utf8(lines(complaint('BB-3')))
		]),
		expect: {
			status: 'rejected',
			errors: [[null, null, 'file_bad_utf8']],
			zh: /标明是 UTF-8|表明它是 UTF-8 编码，但第 3 行/u,
			en: /line 3 holds bytes that are not UTF-8/u,
			batches: 0
		}
	}
];

let server: RunningServer;
let cookie: string;
let local: { db: Database; dir: string; close: () => void };
let serverBefore: ServerState;

const SEED_COMPLAINTS = utf8(lines(CH, complaint('SEED-1'), complaint('SEED-2', '2025-02-01 10:00', '商品破损', '13900000000', '李四')));
const SEED_SURVEYS = utf8(lines(SH, survey('SEED-S1'), survey('SEED-S2', '2025-02-01', '2', '3', '排队太久')));
const SEED_APPRAISALS = utf8(lines(AH, appraisal('SEED-A1', '2025-02')));

beforeAll(async () => {
	local = await tempDatabase();
	server = await startServer({ prepare: async (db) => void (await ensureDemoUsers(db)) });
	cookie = await login(server, demoAccount('quality_officer').username, demoAccount('quality_officer').password);
	for (const [kind, bytes] of [
		['complaints', SEED_COMPLAINTS],
		['surveys', SEED_SURVEYS],
		['appraisals', SEED_APPRAISALS]
	] as const) {
		expect((await viaCli(kind, bytes, 'seed.csv')).exitCode).toBe(0);
		expect((await upload(kind, bytes, 'seed.csv')).status).toBe(200);
	}
	serverBefore = await serverState(server);
}, 180_000);

afterAll(async () => {
	serverBefore?.close();
	await server?.stop();
	local?.close();
});

let fileNo = 0;
/** The CLI's command run in this process, as cli/ingest.ts runs it on a database it opens itself. */
async function viaCli(
	kind: KindId,
	bytes: Buffer,
	name: string,
	opts: { acceptPartial?: boolean; locale?: 'zh-CN' | 'en'; dryRun?: boolean } = {}
): Promise<CommandResult> {
	const file = join(local.dir, `in-${fileNo++}.csv`);
	writeFileSync(file, bytes);
	const cmd: Command = {
		command: 'ingest',
		kind,
		file,
		fileName: name,
		acceptPartial: !!opts.acceptPartial,
		dryRun: !!opts.dryRun,
		as: 'vitest',
		locale: opts.locale ?? 'zh-CN'
	};
	const result = await runCommand(local.db, cmd);
	await auditCliCommand(local.db, cmd, result);
	return result;
}

function upload(kind: KindId, bytes: Buffer, name: string, opts: { acceptPartial?: boolean; locale?: 'en' } = {}) {
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(bytes)]), name);
	if (opts.acceptPartial) form.append('accept_partial', 'true');
	return fetch(`${server.base}/api/ingest/${kind}`, {
		method: 'POST',
		body: form,
		headers: { origin: server.base, cookie: opts.locale ? `${cookie}; PARAGLIDE_LOCALE=${opts.locale}` : cookie }
	});
}

const rowErrs = (s: IngestSummary): RowErr[] => s.errors.map((e) => [e.row, e.column, e.code]);

/** Which data tables changed between two states, and how. */
function changedTables(before: TableSums, after: TableSums): string[] {
	return Object.keys(after).filter((t) => before[t]!.n !== after[t]!.n || before[t]!.sum !== after[t]!.sum);
}

/** Runs one file through both paths; returns both summaries (or both error JSONs) and what changed. */
async function bothPaths(c: Case, bytes: Buffer, opts: { acceptPartial?: boolean } = {}) {
	const localBefore = await localSums(local.db);
	const localLogBefore = await localLog(local.db);
	const cli = await viaCli(c.kind, bytes, `${c.name}.csv`, opts);
	const localAfter = await localSums(local.db);
	const localLogAfter = await localLog(local.db);
	const res = await upload(c.kind, bytes, `${c.name}.csv`, opts);
	const api = (await res.json()) as IngestSummary & { error?: { code: string; message: string } };
	const after = await serverState(server);
	const before = serverBefore;
	serverBefore = after;
	before.close();
	return {
		cli,
		api,
		http: res.status,
		after,
		local: { changed: changedTables(localBefore, localAfter), batches: localLogAfter.batches - localLogBefore.batches },
		remote: { changed: changedTables(before.sums, after.sums), batches: after.batches - before.batches }
	};
}

async function localCheck(check: Check, batchId: number | null) {
	return local.db.withConnection((conn) => queryRows(conn, check.sql, [batchId]));
}

describe('hostile and broken input: CLI command and upload API', () => {
	it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const e = c.expect;
		if (e.status === 'duplicate') {
			const first = await bothPaths(c, e.first);
			expect([first.cli.exitCode, first.http]).toEqual([0, 200]);
			expect((first.cli.json as IngestSummary).status).toBe('committed');
			const again = await bothPaths(c, c.bytes);
			const s = again.cli.json as IngestSummary;
			expect([again.cli.exitCode, again.http, s.status, again.api.status]).toEqual([0, 200, 'duplicate', 'duplicate']);
			expect(s.duplicate_of?.batch_id).toBe((first.cli.json as IngestSummary).batch_id);
			expect(again.cli.text.split('\n')[0]).toMatch(/^此文件已于 \d{4}-\d\d-\d\d \d\d:\d\d 导入（批次 \d+），本次未做任何更改$/u);
			expect(again.api.message).toMatch(/^此文件已于 .*本次未做任何更改$/u);
			expect([again.local, again.remote]).toEqual([
				{ changed: [], batches: 0 },
				{ changed: [], batches: 0 }
			]);
			const en = (await (await upload(c.kind, c.bytes, 'again.csv', { locale: 'en' })).json()) as IngestSummary;
			expect(en.message).toMatch(/^This file was already loaded on .*nothing changed$/u);
			return;
		}
		const r = await bothPaths(c, c.bytes);
		if (e.status === 'unreadable') {
			expect(r.cli.exitCode).toBe(2);
			expect(r.cli.json).toEqual({ error: { code: e.code, message: expect.stringMatching(e.zh) } });
			expect(r.cli.text).toMatch(e.zh);
			expect(r.http).toBe(e.http);
			expect(r.api.error).toEqual({ code: e.code, message: r.cli.text });
			// nothing at all is recorded: not even a rejected batch
			expect([r.local, r.remote]).toEqual([
				{ changed: [], batches: 0 },
				{ changed: [], batches: 0 }
			]);
			if (e.en) {
				const en = await upload(c.kind, c.bytes, 'en.csv', { locale: 'en' });
				expect(((await en.json()) as { error: { message: string } }).error.message).toMatch(e.en);
			}
			return;
		}
		const s = r.cli.json as IngestSummary;
		if (e.status === 'committed') {
			expect({
				exit: r.cli.exitCode,
				http: r.http,
				status: s.status,
				loaded: s.rows_loaded,
				rejected: s.rows_rejected,
				errors: s.errors
			}).toEqual({ exit: 0, http: 200, status: 'committed', loaded: e.loaded, rejected: 0, errors: [] });
			if (e.encoding) expect([s.encoding, r.api.encoding]).toEqual([e.encoding, e.encoding]);
			if (e.warning)
				expect([s.warnings.join('\n'), r.api.warnings.join('\n')]).toEqual([
					expect.stringMatching(e.warning),
					expect.stringMatching(e.warning)
				]);
			expect(r.cli.text).toMatch(new RegExp(`^导入成功：读取 ${e.loaded} 行，导入 ${e.loaded} 行，拒绝 0 行`, 'u'));
			expect(r.api).toMatchObject({ status: 'committed', rows_loaded: e.loaded, rows_rejected: 0 });
			expect(r.local.changed).toEqual([c.kind]);
			expect(r.remote.changed).toEqual([c.kind]);
			if (e.check) {
				expect(await localCheck(e.check, s.batch_id)).toEqual(e.check.rows);
				expect(await r.after.query(e.check.sql, [r.api.batch_id])).toEqual(e.check.rows);
			}
			return;
		}
		// rejected: nothing loaded, the reasons name the row and the column, in Chinese
		expect({ exit: r.cli.exitCode, http: r.http, status: s.status, loaded: s.rows_loaded, errors: rowErrs(s) }).toEqual({
			exit: 1,
			http: 422,
			status: 'rejected',
			loaded: 0,
			errors: e.errors
		});
		expect(rowErrs(r.api)).toEqual(e.errors);
		expect(r.api.errors.map((x) => x.reason)).toEqual(s.errors.map((x) => x.reason));
		expect(s.errors.some((x) => e.zh.test(x.reason))).toBe(true);
		for (const err of s.errors) {
			expect(err.reason).toMatch(/[\u4e00-\u9fff]/u);
			if (err.row !== null) expect(r.cli.text).toContain(`第 ${err.row} 行：${err.reason}`);
			if (err.column !== null) expect(err.reason).toContain(`「${err.column}」`);
		}
		const recorded = e.batches ?? 1;
		expect([r.local, r.remote]).toEqual([
			{ changed: [], batches: recorded },
			{ changed: [], batches: recorded }
		]);
		if (e.en) {
			const en = (await (await upload(c.kind, c.bytes, 'en.csv', { locale: 'en' })).json()) as IngestSummary;
			expect(rowErrs(en)).toEqual(e.errors);
			expect(en.errors.some((x) => e.en!.test(x.reason))).toBe(true);
			for (const x of en.errors) expect(x.reason).not.toMatch(/[，。：「」]/u);
			const cliEn = await viaCli(c.kind, c.bytes, 'en.csv', { locale: 'en', dryRun: true });
			expect((cliEn.json as IngestSummary).errors.map((x) => x.reason)).toEqual(en.errors.map((x) => x.reason));
			serverBefore.close();
			serverBefore = await serverState(server);
		}
		if (!e.partial) return;
		// accept-partial: exactly the good rows
		const p = await bothPaths(c, c.bytes, { acceptPartial: true });
		const ps = p.cli.json as IngestSummary;
		expect({ exit: p.cli.exitCode, http: p.http, status: ps.status, loaded: ps.rows_loaded, errors: rowErrs(ps) }).toEqual({
			exit: 0,
			http: 200,
			status: 'committed',
			loaded: e.partial.loaded,
			errors: e.errors
		});
		expect(p.api).toMatchObject({ status: 'committed', rows_loaded: e.partial.loaded });
		expect([p.local.changed, p.remote.changed]).toEqual([[c.kind], [c.kind]]);
		expect(await localCheck(e.partial.check, ps.batch_id)).toEqual(e.partial.check.rows);
		expect(await p.after.query(e.partial.check.sql, [p.api.batch_id])).toEqual(e.partial.check.rows);
		const [{ n } = { n: -1 }] = await p.after.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${c.kind} WHERE batch_id = $1`, [
			p.api.batch_id
		]);
		expect(n).toBe(e.partial.loaded);
	});

	it('the drill-down CSV of /api/rows/complaints exports formula-looking cells with an apostrophe', async () => {
		const leader = await login(server, demoAccount('leadership').username, demoAccount('leadership').password);
		const res = await fetch(`${server.base}/api/rows/complaints?from=2025-03-01&to=2025-03-01&format=csv&q=${encodeURIComponent('=')}`, {
			headers: { cookie: leader }
		});
		expect(res.status).toBe(200);
		const text = await res.text();
		// loaded verbatim by the case "cells starting with = + - @" above
		expect(text).toContain(`"'=HYPERLINK(""http://x"",""点我"")"`);
		expect(text).toContain("'=1+1");
		expect(text).not.toMatch(/(^|,)=/mu);
	});
});
