import type { KindSchema } from './types';
import { grade } from './vocabularies';

const dimension = (name: string, aliases: string[]) => ({ name, aliases, type: 'decimal' as const, min: 0, max: 100 });

/** The five appraisal dimensions; the total is their weighted sum (equal weights by default). */
export const APPRAISAL_DIMENSIONS = ['business_ability', 'communication', 'teamwork', 'service_attitude', 'discipline'] as const;
export const DEFAULT_WEIGHT = 1 / APPRAISAL_DIMENSIONS.length;
/** a given total may differ from the weighted sum by rounding only */
export const TOTAL_TOLERANCE = 0.5;

const allDimensions = APPRAISAL_DIMENSIONS.map((d) => `v_${d} IS NOT NULL`).join(' AND ');
/** The weights (%) in force for the row: the evaluation settings' rule (see sq_appraisal_weights in pipelines/sql/macros.ts). */
const weightsInForce = `sq_appraisal_weights(v_position, strftime(sq_period_start(v_period), '%Y-%m'))`;
// Only meaningful when every dimension is present (the callers test that), but DuckDB may evaluate it
// on other rows too, and list_dot_product fails on a NULL element: the coalesce keeps it total.
const computedTotal = `round(list_dot_product([${APPRAISAL_DIMENSIONS.map((d) => `coalesce(v_${d}, 0)`).join(', ')}]::DOUBLE[], ${weightsInForce}::DOUBLE[]) / 100, 2)`;

export const appraisals: KindSchema = {
	kind: 'appraisals',
	table: 'appraisals',
	key: ['staff_id', 'period'],
	storeColumn: 'store',
	dateColumn: 'period_start',
	columns: [
		{ name: 'staff_id', aliases: ['工号', '员工工号', '员工编号', 'employee id', 'staff id'], type: 'id', required: true },
		{ name: 'staff_name', aliases: ['姓名', '员工姓名', 'name'], type: 'text' },
		{ name: 'store', aliases: ['门店', '店铺'], type: 'text' },
		{ name: 'department', aliases: ['部门', 'department'], type: 'text' },
		{ name: 'position', aliases: ['岗位', '职位', '职务', 'position'], type: 'text' },
		{ name: 'period', aliases: ['考核周期', '考核期间', '考核月份', '周期', 'period'], type: 'period', required: true },
		dimension('business_ability', ['业务能力', '业务水平']),
		dimension('communication', ['沟通能力', '沟通']),
		dimension('teamwork', ['团队协作', '团队合作', '协作']),
		dimension('service_attitude', ['服务态度', '态度']),
		dimension('discipline', ['工作纪律', '纪律', '出勤纪律']),
		{
			name: 'total_score',
			aliases: ['总分', '综合得分', '考核得分', '得分', 'total'],
			type: 'decimal',
			min: 0,
			max: 100,
			defaultSql: `CASE WHEN ${allDimensions} THEN ${computedTotal} END`
		},
		{
			name: 'grade',
			aliases: ['等级', '考核等级', '评级', 'grade'],
			type: 'enum',
			enum: grade,
			defaultSql:
				"CASE WHEN t_total_score >= 90 THEN 'A' WHEN t_total_score >= 80 THEN 'B' WHEN t_total_score >= 60 THEN 'C' WHEN t_total_score IS NOT NULL THEN 'D' END"
		},
		{ name: 'reviewer', aliases: ['考核人', '评分人', '考评人', 'reviewer'], type: 'text' },
		{ name: 'comment', aliases: ['评语', '备注', '考核评语', 'comment'], type: 'text' }
	],
	derived: [
		{ name: 'period_type', sql: "CASE WHEN t_period LIKE '%-Q%' THEN 'quarter' WHEN length(t_period) = 4 THEN 'year' ELSE 'month' END" },
		{ name: 'period_start', sql: 'sq_period_start(t_period)' }
	],
	checks: [
		{
			id: 'total_matches_weights',
			column: 'total_score',
			failWhen: `v_total_score IS NOT NULL AND ${allDimensions} AND abs(v_total_score - ${computedTotal}) > ${TOTAL_TOLERANCE}`,
			code: 'total_mismatch',
			detailSql: `printf('%.2f', ${computedTotal})`
		},
		{ id: 'total_present', column: 'total_score', failWhen: `v_total_score IS NULL AND NOT (${allDimensions})`, code: 'total_missing' }
	]
};
