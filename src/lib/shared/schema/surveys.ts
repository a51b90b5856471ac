import type { KindSchema } from './types';
import { channel, surveyMethod } from './vocabularies';

const score = (name: string, aliases: string[]) => ({ name, aliases, type: 'integer' as const, min: 1, max: 5 });

export const surveys: KindSchema = {
	kind: 'surveys',
	table: 'surveys',
	key: ['response_id'],
	storeColumn: 'store',
	dateColumn: 'submitted_at',
	extraAnswersColumn: 'extra_answers',
	columns: [
		{ name: 'response_id', aliases: ['问卷编号', '答卷编号', '编号', '序号', 'id', 'response id'], type: 'id', required: true },
		{ name: 'submitted_at', aliases: ['调查日期', '填写日期', '提交时间', '日期', '答题时间', 'date'], type: 'date', required: true },
		{ name: 'wave', aliases: ['调查批次', '批次', '调查期次', '季度', 'wave'], type: 'period' },
		{ name: 'method', aliases: ['调查方式', '方式', '调查方法', 'method'], type: 'enum', enum: surveyMethod },
		{ name: 'store', aliases: ['门店', '店铺', '商场', 'shop'], type: 'text', required: true },
		{ name: 'channel', aliases: ['服务渠道', '渠道', 'channel'], type: 'enum', enum: channel },
		{ name: 'staff_id', aliases: ['服务员工工号', '员工工号', '工号', 'staff id'], type: 'id' },
		score('overall', ['总体满意度', '整体满意度', '满意度', '总体评价', 'overall', 'csat']),
		{ name: 'nps', aliases: ['推荐意愿', '推荐度', '推荐可能性', '净推荐值', 'nps', 'recommend'], type: 'integer', min: 0, max: 10 },
		score('environment', ['商场环境', '环境', '购物环境', 'environment']),
		score('product_quality', ['商品质量', '产品质量', 'product quality']),
		score('service_quality', ['服务质量', '服务', 'service quality']),
		score('price', ['价格', '价格满意度', 'price']),
		{ name: 'comment', aliases: ['意见建议', '意见', '建议', '备注', '评论', 'comment', 'comments'], type: 'text' }
	]
};
