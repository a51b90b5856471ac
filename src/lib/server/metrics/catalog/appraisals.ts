import { bi, type MetricDef } from './types';

/** Staff appraisal metrics: the mean total score and the count (by grade, the grade distribution). */

export const APPRAISAL_METRICS: readonly MetricDef[] = [
	{
		id: 'appraisal_mean',
		kind: 'aggregate',
		label: bi('考核总分均值', 'Appraisal score, mean'),
		source: 'appraisals',
		unit: 'score',
		direction: 'higher',
		dimensions: ['store', 'department'],
		value: 'avg(total_score)::DOUBLE',
		passport: {
			formula: bi('员工考核总分（0-100）的平均值。', 'Mean of staff appraisal total scores (0-100).'),
			source: 'appraisals',
			exclusions: bi(
				'按考核周期的起始日统计；月度、季度、年度考核一并平均。',
				'Counted by the first day of the appraisal period; monthly, quarterly and yearly appraisals are averaged together.'
			)
		}
	},
	{
		id: 'appraisal_count',
		kind: 'aggregate',
		label: bi('考核人次', 'Appraisals'),
		source: 'appraisals',
		unit: 'count',
		direction: 'higher',
		dimensions: ['store', 'department', 'grade'],
		value: 'count(*)',
		passport: {
			formula: bi(
				'员工考核记录条数；按等级（A/B/C/D）拆分即为等级分布。',
				'Number of staff appraisals; cut by grade (A/B/C/D) it is the grade distribution.'
			),
			source: 'appraisals',
			exclusions: bi(
				'按考核周期的起始日统计；月度、季度、年度考核一并计数。',
				'Counted by the first day of the appraisal period; monthly, quarterly and yearly appraisals together.'
			)
		}
	}
];
