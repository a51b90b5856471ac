import { KINDS, schemas } from './index';
import type { ColumnSpec } from './types';

const TYPE_LABEL: Record<ColumnSpec['type'], string> = {
	id: '编号 text id',
	text: '文本 text',
	timestamp: '日期时间 date-time',
	date: '日期 date',
	period: '周期 period (2025-03 / 2025Q1 / 2025)',
	integer: '整数 integer',
	decimal: '数字 number',
	money: '金额 amount',
	satisfaction: '满意度 1-5 或 满意/基本满意/不满意',
	boolean: '是/否 yes/no',
	duration: '时长 seconds / mm:ss / hh:mm:ss',
	phone: '电话 phone',
	enum: '选项 choice'
};

const KIND_TITLE: Record<string, string> = {
	complaints: '投诉登记 complaints',
	surveys: '满意度调查 surveys',
	appraisals: '员工考核 appraisals',
	traffic: '客流与交易 traffic',
	staff: '员工名册 staff',
	contacts: '来电与在线会话 contacts',
	inspections: '质检记录 inspections'
};

/** The accepted columns of every kind, as Markdown: generated from the schemas, checked by a test. */
export function columnsMarkdown(): string {
	const out = [
		'# 可导入的列 / Accepted columns',
		'',
		'Generated from `src/lib/shared/schema/` by `npm run docs:columns`; do not edit by hand.',
		'Headers match case-, width- and space-insensitively against the canonical name and every alias.',
		'Files: CSV/TSV (UTF-8, GBK, UTF-16) or an Excel workbook (`.xlsx`, `.xlsm`; `--sheet NAME|N` or the',
		"upload page's picker). In a workbook the header is the row among the first 30 that names most of these",
		'columns (title rows above it are skipped); date cells are dates whatever their format, and plain numbers',
		'in a date column are read as Excel serials.',
		''
	];
	for (const kind of KINDS) {
		const s = schemas[kind];
		out.push(
			`## ${KIND_TITLE[kind]}`,
			'',
			`Natural key: ${s.key.map((k) => `\`${k}\``).join(' + ')}. Command: \`npm run ingest -- ${kind} <file.csv|file.xlsx> [--sheet NAME|N]\``,
			''
		);
		out.push('| column | 表头 / aliases | type | required | allowed |', '|---|---|---|---|---|');
		for (const c of s.columns) {
			const range = c.min !== undefined || c.max !== undefined ? `${c.min ?? ''}–${c.max ?? ''}` : '';
			const allowed = c.enum ? c.enum.values.join('、') : range;
			out.push(
				`| \`${c.name}\` | ${c.aliases.join('、')} | ${TYPE_LABEL[c.type]} | ${c.required ? '必填 yes' : c.defaultSql ? 'derived when empty' : ''} | ${allowed} |`
			);
		}
		if (s.extraKnown)
			out.push(
				'',
				`Other columns whose values are all numbers are the checklist items with their points (\`${s.extraAnswersColumn}\`), e.g. 服务用语、业务准确、流程完整、服务态度、问题解决、信息安全: each row must carry the items of the checklist in force on its date, within their maximum points; columns of no checklist are kept, not scored, and reported.`
			);
		else if (s.extraAnswersColumn)
			out.push('', 'Other columns whose values are all numbers are kept as extra survey questions (`extra_answers`).');
		out.push('');
	}
	return out.join('\n');
}
