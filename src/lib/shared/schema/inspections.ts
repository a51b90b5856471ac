import { EXTRA } from './types';
import type { KindSchema } from './types';
import { channel } from './vocabularies';

/**
 * Inspections (质检记录): one row per inspected contact, with one column per checklist item holding its
 * points. The item columns are the kind's extra columns (kept, like a survey's extra questions, in the
 * MAP column `item_points`); the checklist in force on the row's date (`sq_qa_checklist`, built at each
 * load from table qa_checklists, see pipelines/sql/macros.ts) says which items must be there and their
 * maximum points. Item columns of no checklist are reported; a given total that differs from the items
 * is a row warning (pipelines/inspection-quality.ts), the score itself is computed when read.
 */
const inForce = 'sq_qa_checklist(v_inspected_at).items';
const missing = `list_filter(${inForce}, x -> (${EXTRA})[x.item] IS NULL)`;
const outOfRange = `list_filter(${inForce}, x -> (${EXTRA})[x.item] < 0 OR (${EXTRA})[x.item] > x.max_points)`;
const names = (list: string) =>
	`array_to_string(list_transform(${list}, x -> x.item || '（0-' || CAST(x.max_points AS VARCHAR) || '）'), '、')`;

export const inspections: KindSchema = {
	kind: 'inspections',
	table: 'inspections',
	key: ['inspection_id'],
	storeColumn: 'store',
	dateColumn: 'inspected_at',
	extraAnswersColumn: 'item_points',
	extraKnown: { sql: 'SELECT DISTINCT unnest(items).item AS name FROM qa_checklists', unknownWarning: 'warning_unknown_items' },
	columns: [
		{ name: 'inspection_id', aliases: ['质检编号', '质检单号', '质检流水号', 'inspection id'], type: 'id', required: true },
		{ name: 'inspected_at', aliases: ['质检日期', '质检时间', '检查日期', 'inspection date', 'date'], type: 'date', required: true },
		{ name: 'inspector', aliases: ['质检员', '质检人', '评分人', '质检专员', 'inspector'], type: 'text', required: true },
		{ name: 'staff_id', aliases: ['被检员工工号', '被检员工', '员工工号', '工号', 'staff id'], type: 'id', required: true },
		{ name: 'store', aliases: ['门店', '店铺', 'shop'], type: 'text', required: true },
		{ name: 'channel', aliases: ['渠道', '服务渠道', 'channel'], type: 'enum', enum: channel },
		{ name: 'contact_id', aliases: ['会话编号', '录音编号', '通话编号', '接待编号', 'contact id'], type: 'id' },
		{ name: 'fatal_type', aliases: ['致命错误类型', '致命类型', 'fatal type'], type: 'text' },
		// after fatal_type: its default reads it
		{ name: 'fatal', aliases: ['致命错误', '是否致命错误', '致命', 'fatal'], type: 'boolean', defaultSql: 'v_fatal_type IS NOT NULL' },
		{ name: 'total', aliases: ['总分', '质检得分', '质检总分', 'total'], type: 'decimal', min: 0, max: 1000 },
		{ name: 'note', aliases: ['备注', '质检评语', '评语', 'note'], type: 'text' }
	],
	checks: [
		{
			id: 'items_missing',
			column: 'item_points',
			failWhen: `len(${missing}) > 0`,
			code: 'inspection_items_missing',
			detailSql: names(missing)
		},
		{
			id: 'item_out_of_range',
			column: 'item_points',
			failWhen: `len(${outOfRange}) > 0`,
			code: 'inspection_item_range',
			detailSql: names(outOfRange)
		},
		{
			id: 'fatal_type_without_fatal',
			column: 'fatal_type',
			failWhen: 'v_fatal = false AND v_fatal_type IS NOT NULL',
			code: 'inspection_fatal_type'
		}
	]
};
