import { join, resolve } from 'node:path';

/** The public real-world CSV files (../shared/realdata, see its README): read, never copied or modified. */
export const REALDATA = resolve('..', 'shared', 'realdata');
export const real = (name: string) => join(REALDATA, name);

/**
 * 12365auto car complaints: the site's statuses mapped onto the register's: 信息审核 (under review) →
 * 待处理, 厂家受理 and 处理反馈 (manufacturer handling / replied) → 处理中, 用户评分 (the user rated the
 * outcome) → 已办结.
 */
export const CAR_COMPLAINTS_MAPPING = {
	columns: {
		id: 'complaint_id',
		投诉时间: 'received_at',
		问题简述: 'summary',
		投诉状态: 'status',
		投诉品牌: 'ignore',
		投诉车系: 'ignore',
		投诉车型: 'ignore',
		典型问题: 'ignore'
	},
	constants: { store: '车质网', channel: '在线' },
	values: { 投诉状态: { 信息审核: '待处理', 厂家受理: '处理中', 处理反馈: '处理中', 用户评分: '已办结' } }
};

/**
 * Somerville happiness survey: Y (1 = happy, 0 = unhappy) becomes the overall score through a value map:
 * 1 → 5, 0 → 2 (our choice: "happy" is top-box, "unhappy" is below neutral). X1..X6 (Likert 1-5 on city
 * services) have no canonical column and are kept as extra questions. The file has no ids, dates or
 * stores: keys are generated and the store and date are constants.
 */
export const SOMERVILLE_MAPPING = {
	columns: { Y: 'overall' },
	values: { Y: { '1': '5', '0': '2' } },
	constants: { store: 'Somerville', submitted_at: '2015-06-01', method: '问卷' },
	generate_key: true
};

/** waimai reviews: label 1 (positive) → overall 5, label 0 (negative) → overall 2; the review text is the comment. */
export const WAIMAI_MAPPING = {
	columns: { label: 'overall', review: 'comment' },
	values: { label: { '1': '5', '0': '2' } },
	constants: { store: '某外卖平台', submitted_at: '2019-01-17' },
	generate_key: true
};
