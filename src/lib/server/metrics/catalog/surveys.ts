import { LOW_SCORE_MAX } from './limits';
import { bi, type AggregateMetric, type Bilingual, type Dimension, type MetricDef, type RatioMetric } from './types';

/** Survey metrics: CSAT, NPS, means and top-2-box of the rated items, response counts, extra questions. */

const S_DIMS: readonly Dimension[] = ['store', 'channel', 'method', 'staff'];
/** the survey counts per store, channel and method, or per store and staff member (a cut by staff) */
const SURVEY_ROLLUPS = ['survey_daily', 'survey_staff_daily'] as const;

const surveyMean = (id: string, column: string, label: Bilingual): AggregateMetric => ({
	id,
	kind: 'aggregate',
	label,
	source: 'surveys',
	unit: 'score',
	direction: 'higher',
	dimensions: S_DIMS,
	value: `avg(${column})::DOUBLE`,
	rollup: { from: SURVEY_ROLLUPS, value: `sum(${column}_sum)::DOUBLE / nullif(sum(${column}_n), 0)` },
	passport: {
		formula: bi(`${label.zh}得分（1-5 分）的平均值。`, `Mean of the ${label.en} score (1-5).`),
		source: 'surveys',
		exclusions: bi('未作答该题的问卷不计入。按调查日期统计。', 'Responses without this answer are left out. Counted by survey date.')
	}
});

/** The four rated items of a survey besides the overall score (环境/商品质量/服务质量/价格). */
export const SURVEY_ITEMS: readonly (readonly [string, Bilingual])[] = [
	['environment', bi('商场环境', 'Environment')],
	['product_quality', bi('商品质量', 'Product quality')],
	['service_quality', bi('服务质量', 'Service quality')],
	['price', bi('价格', 'Price')]
];

/** Top-2-box of one survey item: answers 4-5 ÷ answers, with n, its 95% Wilson interval and low-sample flag. */
const surveyTopBox = (column: string, label: Bilingual): RatioMetric => ({
	id: `${column}_t2b`,
	kind: 'ratio',
	label: bi(`${label.zh}满意度（top-2-box）`, `${label.en}, top-2-box`),
	source: 'surveys',
	unit: 'percent',
	direction: 'higher',
	dimensions: S_DIMS,
	scale: 100,
	survey: true,
	numerator: `count(*) FILTER (WHERE ${column} >= 4)`,
	denominator: `count(${column})`,
	rollup: { from: SURVEY_ROLLUPS, numerator: `sum(${column}_top)`, denominator: `sum(${column}_n)` },
	passport: {
		formula: bi(
			`${label.zh}为 4-5 分的问卷 ÷ 作答${label.zh}的问卷 × 100%，含 n、95% Wilson 置信区间（ci_low–ci_high）与样本不足标记（n < 30）。`,
			`Responses rating ${label.en} 4-5 ÷ responses rating it × 100%, with n, the 95% Wilson score interval (ci_low–ci_high) and the low-sample flag (n < 30).`
		),
		numerator: bi(`${label.zh} ≥ 4 的问卷`, `responses with ${label.en} ≥ 4`),
		denominator: bi(`作答${label.zh}的问卷`, `responses rating ${label.en}`),
		source: 'surveys',
		exclusions: bi('未作答该题的问卷不计入。按调查日期统计。', 'Responses without this answer are left out. Counted by survey date.')
	}
});

export const SURVEY_METRICS: readonly MetricDef[] = [
	{
		id: 'csat',
		kind: 'ratio',
		label: bi('满意度（CSAT）', 'CSAT'),
		source: 'surveys',
		unit: 'percent',
		direction: 'higher',
		dimensions: S_DIMS,
		scale: 100,
		survey: true,
		numerator: 'count(*) FILTER (WHERE overall >= 4)',
		denominator: 'count(overall)',
		rollup: { from: SURVEY_ROLLUPS, numerator: 'sum(overall_top)', denominator: 'sum(overall_n)' },
		passport: {
			formula: bi(
				'总体满意度为 4-5 分（满意、非常满意）的问卷 ÷ 有总体满意度的问卷 × 100%（top-2-box）。同时给出样本量 n、95% Wilson 置信区间 (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) ÷ (1 + z²/n)，z = 1.96（不越出 0–100%，10 份全满意时为 72.2%–100%），n < 30 标记为样本不足。',
				'Responses with overall 4-5 ÷ responses with an overall score × 100% (top-2-box). Also n, the 95% Wilson score interval (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) ÷ (1 + z²/n), z = 1.96 (it stays within 0-100%: 10 satisfied of 10 gives 72.2%-100%), and a low-sample flag when n < 30.'
			),
			numerator: bi('总体满意度 ≥ 4 的问卷', 'responses with overall ≥ 4'),
			denominator: bi('有总体满意度的问卷', 'responses with an overall score'),
			source: 'surveys',
			exclusions: bi(
				'未作答总体满意度的问卷不计入。按调查日期统计。',
				'Responses without an overall score are left out. Counted by survey date.'
			)
		}
	},
	surveyMean('csat_mean', 'overall', bi('总体满意度均分', 'Overall satisfaction, mean')),
	{
		id: 'nps',
		kind: 'nps',
		label: bi('净推荐值（NPS）', 'NPS'),
		source: 'surveys',
		unit: 'nps',
		direction: 'higher',
		dimensions: S_DIMS,
		promoters: 'count(*) FILTER (WHERE nps >= 9)',
		detractors: 'count(*) FILTER (WHERE nps <= 6)',
		n: 'count(nps)',
		rollup: { from: SURVEY_ROLLUPS, promoters: 'sum(promoters)', detractors: 'sum(detractors)', n: 'sum(nps_n)' },
		passport: {
			formula: bi(
				'推荐者（9-10 分）占比 − 贬损者（0-6 分）占比，单位为分（−100 到 100）。分子为推荐者数减贬损者数，分母为有推荐意愿得分的问卷数；95% 置信区间 = 数值 ± 1.96·√((p₊+p₋−(p₊−p₋)²)/n)×100（三项分布方差），截在 −100 到 100 之内，n < 30 标记为样本不足。',
				'% promoters (9-10) − % detractors (0-6), in points (−100 to 100). Numerator = promoters − detractors, denominator = responses with an NPS answer; 95% interval = value ± 1.96·√((p₊+p₋−(p₊−p₋)²)/n)×100 (trinomial variance), clamped to −100…100; low-sample flag when n < 30.'
			),
			numerator: bi('推荐者数 − 贬损者数', 'promoters − detractors'),
			denominator: bi('有推荐意愿得分（0-10）的问卷', 'responses with an NPS answer (0-10)'),
			source: 'surveys',
			exclusions: bi(
				'未作答推荐意愿的问卷不计入。按调查日期统计。',
				'Responses without an NPS answer are left out. Counted by survey date.'
			)
		}
	},
	{
		id: 'response_count',
		kind: 'aggregate',
		label: bi('问卷数', 'Survey responses'),
		source: 'surveys',
		unit: 'count',
		direction: 'higher',
		dimensions: S_DIMS,
		value: 'count(*)',
		rollup: { from: SURVEY_ROLLUPS, value: 'sum(n)' },
		passport: {
			formula: bi('调查问卷（含访谈、神秘顾客）条数。', 'Number of survey responses (questionnaires, interviews, mystery-shopper visits).'),
			source: 'surveys',
			exclusions: bi('按调查日期统计。', 'Counted by survey date.')
		}
	},
	{
		id: 'low_score_count',
		kind: 'aggregate',
		label: bi('低分问卷', 'Low-score responses'),
		source: 'surveys',
		unit: 'count',
		direction: 'lower',
		dimensions: S_DIMS,
		value: `count(*) FILTER (WHERE overall <= ${LOW_SCORE_MAX})`,
		rollup: { from: SURVEY_ROLLUPS, value: 'sum(overall_low)' },
		drill: `overall <= ${LOW_SCORE_MAX}`,
		passport: {
			formula: bi(
				`总体满意度为 1-${LOW_SCORE_MAX} 分（不满意、非常不满意）的问卷条数。`,
				`Responses with an overall score of 1-${LOW_SCORE_MAX} (dissatisfied, very dissatisfied).`
			),
			source: 'surveys',
			exclusions: bi(
				'未作答总体满意度的问卷不计入。按调查日期统计。',
				'Responses without an overall score are left out. Counted by survey date.'
			)
		}
	},
	...SURVEY_ITEMS.map(([column, label]) => surveyMean(`${column}_mean`, column, label)),
	...SURVEY_ITEMS.map(([column, label]) => surveyTopBox(column, label)),
	{
		id: 'extra_answer_mean',
		kind: 'aggregate',
		label: bi('附加题目均分', 'Extra question, mean'),
		source: 'survey_answers',
		unit: 'score',
		direction: 'higher',
		dimensions: ['store', 'channel', 'method', 'question'],
		value: 'avg(answer)::DOUBLE',
		rollup: { from: ['survey_answer_daily'], value: 'sum(answer_sum) / nullif(sum(answer_n), 0)' },
		passport: {
			formula: bi(
				'问卷文件中四个维度以外的数值题目（按列名区分）的平均分，按题目拆分。',
				'Mean answer to the numeric questions a survey file carries beyond the four items (named by their column), cut by question.'
			),
			source: 'surveys',
			exclusions: bi(
				'空白答案不计入；不同文件的同名列视为同一题目。按调查日期统计。',
				'Blank answers are left out; columns of the same name in different files count as one question. Counted by survey date.'
			)
		}
	},
	{
		id: 'extra_answer_count',
		kind: 'aggregate',
		label: bi('附加题目答题数', 'Extra question, answers'),
		source: 'survey_answers',
		unit: 'count',
		direction: 'higher',
		dimensions: ['store', 'channel', 'method', 'question'],
		value: 'count(answer)',
		rollup: { from: ['survey_answer_daily'], value: 'sum(answer_n)' },
		passport: {
			formula: bi(
				'四个维度以外的数值题目的作答数，按题目拆分。',
				'Answers to the numeric questions beyond the four items, cut by question.'
			),
			source: 'surveys',
			exclusions: bi('空白答案不计入。按调查日期统计。', 'Blank answers are left out. Counted by survey date.')
		}
	}
];
