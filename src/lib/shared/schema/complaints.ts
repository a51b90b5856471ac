import type { KindSchema } from './types';
import { category, channel, complaintStatus, severity } from './vocabularies';

export const complaints: KindSchema = {
	kind: 'complaints',
	table: 'complaints',
	key: ['complaint_id'],
	storeColumn: 'store',
	dateColumn: 'received_at',
	columns: [
		{
			name: 'complaint_id',
			aliases: ['投诉编号', '投诉单号', '编号', '工单号', 'id', 'complaint id', 'ticket id'],
			type: 'id',
			required: true
		},
		{
			name: 'received_at',
			aliases: ['投诉时间', '受理时间', '登记时间', '投诉日期', 'received', 'date received'],
			type: 'timestamp',
			required: true
		},
		{ name: 'channel', aliases: ['投诉渠道', '渠道', '来源', '投诉方式', 'submitted via'], type: 'enum', enum: channel },
		{ name: 'store', aliases: ['门店', '店铺', '商场', '门店名称', 'shop'], type: 'text', required: true },
		{ name: 'department', aliases: ['涉及部门', '部门', '责任部门', 'dept'], type: 'text' },
		{ name: 'category', aliases: ['投诉类别', '投诉类型', '类别', '问题类型', 'type'], type: 'enum', enum: category },
		{ name: 'severity', aliases: ['投诉等级', '等级', '级别', '严重程度', 'level'], type: 'enum', enum: severity, defaultSql: "'一般'" },
		{ name: 'summary', aliases: ['内容摘要', '投诉内容', '问题简述', '摘要', '内容', 'description'], type: 'text' },
		{ name: 'customer_name', aliases: ['投诉人', '客户姓名', '顾客姓名', '姓名', 'customer'], type: 'text' },
		{ name: 'customer_phone', aliases: ['联系电话', '电话', '手机', '手机号', '客户电话', 'phone'], type: 'phone' },
		{ name: 'handler_id', aliases: ['处理人工号', '处理人', '经办人工号', 'handler'], type: 'id' },
		{ name: 'subject_staff_id', aliases: ['被投诉员工工号', '被投诉人工号', '涉及员工工号', 'staff id'], type: 'id' },
		{ name: 'in_scope', aliases: ['是否职责范围内', '职责范围内', '是否本部门职责', 'in scope'], type: 'boolean' },
		{ name: 'escalated', aliases: ['是否上报', '上报', '是否升级', 'escalated'], type: 'boolean' },
		{ name: 'first_response_at', aliases: ['首次响应时间', '响应时间', '首次回复时间', 'first response'], type: 'timestamp' },
		{ name: 'resolved_at', aliases: ['办结时间', '解决时间', '处理完成时间', '结案时间', 'resolved'], type: 'timestamp' },
		{
			name: 'status',
			aliases: ['处理状态', '状态', '投诉状态'],
			type: 'enum',
			enum: complaintStatus,
			defaultSql: "CASE WHEN v_resolved_at IS NOT NULL THEN '已办结' WHEN v_first_response_at IS NOT NULL THEN '处理中' ELSE '待处理' END"
		},
		{ name: 'resolution', aliases: ['处理结果', '处理意见', '处理方式', 'resolution'], type: 'text' },
		{ name: 'follow_up_at', aliases: ['回访时间', '回访日期', 'follow-up'], type: 'timestamp' },
		{
			name: 'follow_up_satisfaction',
			aliases: ['回访满意度', '回访结果', '顾客满意度', 'follow-up satisfaction'],
			type: 'satisfaction',
			min: 1,
			max: 5
		},
		{ name: 'compensation', aliases: ['赔偿金额', '补偿金额', '赔付金额', 'compensation'], type: 'money', min: 0 }
	],
	derived: [{ name: 'customer_phone_hash', hashOf: 'customer_phone' }],
	checks: [
		{
			id: 'response_after_received',
			column: 'first_response_at',
			failWhen: 'v_first_response_at < v_received_at',
			code: 'time_before',
			params: { other: 'received_at' }
		},
		{
			id: 'resolved_after_received',
			column: 'resolved_at',
			failWhen: 'v_resolved_at < v_received_at',
			code: 'time_before',
			params: { other: 'received_at' }
		},
		{
			id: 'follow_up_after_resolved',
			column: 'follow_up_at',
			failWhen: 'v_follow_up_at < coalesce(v_resolved_at, v_received_at)',
			code: 'time_before',
			params: { other: 'resolved_at' }
		}
	]
};
