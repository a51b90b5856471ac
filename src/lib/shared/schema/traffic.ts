import type { KindSchema } from './types';

export const traffic: KindSchema = {
	kind: 'traffic',
	table: 'traffic',
	key: ['store', 'date'],
	storeColumn: 'store',
	dateColumn: 'date',
	columns: [
		{ name: 'date', aliases: ['日期', '营业日期', '统计日期', 'day'], type: 'date', required: true },
		{ name: 'store', aliases: ['门店', '店铺', '商场', 'shop'], type: 'text', required: true },
		{ name: 'visitors', aliases: ['客流量', '客流', '进店人数', '来客数', 'visitors', 'footfall'], type: 'integer', min: 0 },
		{
			name: 'transactions',
			aliases: ['交易笔数', '成交笔数', '交易数', '客单数', '小票数', 'transactions', 'orders'],
			type: 'integer',
			min: 0,
			required: true
		}
	]
};
