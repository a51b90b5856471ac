import { bi, type Dimension, type MetricDef } from './types';

/**
 * Inspection metrics (质检): the QA score, pass rate, fatal-error rate and count, inspections, and the
 * points each checklist item loses (a Pareto of where service loses its points). Every inspection is scored
 * with the checklist in force on its day (see `inspections` in sources.ts); a file's 总分 is never read.
 */

const DIMS: readonly Dimension[] = ['store', 'channel', 'staff', 'inspector'];
const BY_DATE = bi(
	'按质检日期统计；得分按质检日期当日生效的质检评分表计算。',
	'Counted by inspection date; scored with the checklist in force that day.'
);

export const INSPECTION_METRICS: readonly MetricDef[] = [
	{
		id: 'qa_score_mean',
		kind: 'aggregate',
		label: bi('质检平均分', 'QA score, mean'),
		source: 'inspections',
		unit: 'score',
		direction: 'higher',
		dimensions: DIMS,
		value: 'avg(score)::DOUBLE',
		passport: {
			formula: bi(
				'每条质检的得分 = 当日质检评分表各评分项得分之和（有致命错误且规则为"致命错误计 0 分"时为 0），再取平均。',
				"Each inspection's score = the sum of its points on the items of the checklist in force that day (0 with a fatal error when the checklist's rule says so), averaged."
			),
			source: 'inspections',
			exclusions: bi(
				'不在当日评分表上的评分项不计分；文件中的总分不参与计算。按质检日期统计。',
				"Items not on the day's checklist are not scored; the file's total is not used. Counted by inspection date."
			)
		}
	},
	{
		id: 'qa_pass_rate',
		kind: 'ratio',
		label: bi('质检合格率', 'QA pass rate'),
		source: 'inspections',
		unit: 'percent',
		direction: 'higher',
		dimensions: DIMS,
		scale: 100,
		survey: true,
		numerator: 'count(*) FILTER (WHERE passed)',
		denominator: 'count(*)',
		passport: {
			formula: bi(
				'得分达到当日评分表及格线且无致命错误的质检 ÷ 质检数 × 100%，含 n、95% Wilson 置信区间与样本不足标记（n < 30）。',
				"Inspections scoring at least the day's pass line without a fatal error ÷ inspections × 100%, with n, the 95% Wilson score interval and the low-sample flag (n < 30)."
			),
			numerator: bi('合格的质检', 'inspections passed'),
			denominator: bi('质检数', 'inspections'),
			source: 'inspections',
			exclusions: BY_DATE
		}
	},
	{
		id: 'qa_fatal_rate',
		kind: 'ratio',
		label: bi('致命错误率', 'Fatal-error rate'),
		source: 'inspections',
		unit: 'percent',
		direction: 'lower',
		dimensions: DIMS,
		scale: 100,
		survey: true,
		numerator: 'count(*) FILTER (WHERE fatal)',
		denominator: 'count(*)',
		drill: 'fatal',
		passport: {
			formula: bi(
				'有致命错误（泄露客户信息、辱骂客户、违规承诺等）的质检 ÷ 质检数 × 100%，含 n、95% Wilson 置信区间与样本不足标记（n < 30）。',
				'Inspections with a fatal error (leaking customer data, abusing a customer, unauthorised promises…) ÷ inspections × 100%, with n, the 95% Wilson score interval and the low-sample flag (n < 30).'
			),
			numerator: bi('有致命错误的质检', 'inspections with a fatal error'),
			denominator: bi('质检数', 'inspections'),
			source: 'inspections',
			exclusions: bi('按质检日期统计。', 'Counted by inspection date.')
		}
	},
	{
		id: 'qa_fatal_count',
		kind: 'aggregate',
		label: bi('致命错误数', 'Fatal errors'),
		source: 'inspections',
		unit: 'count',
		direction: 'lower',
		dimensions: [...DIMS, 'fatal_type'],
		value: 'count(*) FILTER (WHERE fatal)',
		drill: 'fatal',
		passport: {
			formula: bi(
				'有致命错误的质检条数，可按致命错误类型拆分（未填类型的归入空类型）。',
				'Inspections with a fatal error, by fatal-error type if asked (no type given: the empty type).'
			),
			source: 'inspections',
			exclusions: bi('按质检日期统计。', 'Counted by inspection date.')
		}
	},
	{
		id: 'inspection_count',
		kind: 'aggregate',
		label: bi('质检数', 'Inspections'),
		source: 'inspections',
		unit: 'count',
		direction: 'higher',
		dimensions: DIMS,
		value: 'count(*)',
		passport: {
			formula: bi(
				'质检记录条数（同一会话由多名质检员评分时各计一条）。',
				'Inspection records (a contact scored by several inspectors counts once per inspector).'
			),
			source: 'inspections',
			exclusions: bi('按质检日期统计。', 'Counted by inspection date.')
		}
	},
	{
		id: 'qa_points_lost',
		kind: 'aggregate',
		label: bi('评分项失分', 'Points lost per item'),
		source: 'inspection_items',
		unit: 'count',
		direction: 'lower',
		dimensions: [...DIMS, 'item'],
		value: 'sum(lost)::DOUBLE',
		passport: {
			formula: bi(
				'当日质检评分表各评分项的满分 − 实得分，求和；按评分项拆分即为失分帕累托（服务在哪里丢分）。',
				"Each item's maximum on the day's checklist minus the points given, summed; by item, the Pareto of where service loses its points."
			),
			source: 'inspections',
			exclusions: bi(
				'只计当日评分表上的评分项；致命错误不改变各项失分。按质检日期统计。',
				"Only the items of the day's checklist; a fatal error does not change the items' points. Counted by inspection date."
			)
		}
	},
	{
		id: 'qa_item_rate',
		kind: 'ratio',
		label: bi('评分项得分率', 'Item score rate'),
		source: 'inspection_items',
		unit: 'percent',
		direction: 'higher',
		dimensions: [...DIMS, 'item'],
		scale: 100,
		numerator: 'sum(points)',
		denominator: 'sum(max_points)',
		passport: {
			formula: bi('评分项实得分之和 ÷ 满分之和 × 100%。', "Points given ÷ the items' maximum points × 100%."),
			numerator: bi('实得分', 'points given'),
			denominator: bi('满分', 'maximum points'),
			source: 'inspections',
			exclusions: BY_DATE
		}
	}
];
