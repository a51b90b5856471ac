import type { KindSchema } from './types';
import { channel, contactDirection } from './vocabularies';

/**
 * Contact logs (来电与在线会话记录) exported by a call-centre or online-chat system: one row per call or
 * session, with its queue times. A blank 接起时间 means not answered; durations are seconds, mm:ss or hh:mm:ss.
 */
export const contacts: KindSchema = {
	kind: 'contacts',
	table: 'contacts',
	key: ['contact_id'],
	storeColumn: 'store',
	dateColumn: 'arrived_at',
	columns: [
		{
			name: 'contact_id',
			aliases: ['会话编号', '来电编号', '通话编号', '呼叫编号', '会话ID', '流水号', 'contact id', 'call id', 'session id'],
			type: 'id',
			required: true
		},
		{ name: 'channel', aliases: ['渠道', '接入渠道', '来电渠道', '会话渠道', 'media'], type: 'enum', enum: channel, required: true },
		{ name: 'store', aliases: ['门店', '店铺', '商场', '门店名称', 'shop'], type: 'text', required: true },
		{ name: 'agent_id', aliases: ['坐席工号', '坐席', '客服工号', '接待人工号', 'agent', 'agent id'], type: 'id' },
		{
			name: 'arrived_at',
			aliases: ['进线时间', '来电时间', '呼入时间', '进入队列时间', '开始时间', 'arrived', 'arrival time', 'start time'],
			type: 'timestamp',
			required: true
		},
		{ name: 'answered_at', aliases: ['接起时间', '接听时间', '应答时间', '首次响应时间', 'answered', 'answer time'], type: 'timestamp' },
		{ name: 'ended_at', aliases: ['结束时间', '挂机时间', '挂断时间', '会话结束时间', 'ended', 'end time'], type: 'timestamp' },
		{ name: 'talk_seconds', aliases: ['通话时长', '会话时长', '通话秒数', 'talk time', 'talk'], type: 'duration', min: 0 },
		{ name: 'hold_seconds', aliases: ['保持时长', '等待保持时长', 'hold time', 'hold'], type: 'duration', min: 0 },
		{
			name: 'wrap_seconds',
			aliases: ['话后处理时长', '话后整理时长', '事后处理时长', 'wrap-up', 'wrap time', 'acw'],
			type: 'duration',
			min: 0
		},
		{
			name: 'customer_phone',
			aliases: ['客户电话', '来电号码', '主叫号码', '联系电话', '电话', '手机号', 'phone', 'caller'],
			type: 'phone'
		},
		{ name: 'resolved', aliases: ['是否解决', '是否一次解决', '已解决', 'resolved', 'fcr'], type: 'boolean' },
		{ name: 'topic', aliases: ['业务类型', '咨询类型', '来电类型', '服务类型', '话题', 'topic', 'reason'], type: 'text' },
		{ name: 'callback_at', aliases: ['回拨时间', '回电时间', 'callback', 'called back'], type: 'timestamp' },
		{ name: 'complaint_id', aliases: ['关联投诉编号', '投诉编号', '工单号', 'complaint id', 'ticket id'], type: 'id' },
		{
			name: 'direction',
			aliases: ['呼叫方向', '方向', '呼入呼出', 'call direction'],
			type: 'enum',
			enum: contactDirection,
			defaultSql: "'呼入'"
		}
	],
	derived: [{ name: 'customer_phone_hash', hashOf: 'customer_phone' }],
	checks: [
		{
			id: 'answered_after_arrived',
			column: 'answered_at',
			failWhen: 'v_answered_at < v_arrived_at',
			code: 'time_before',
			params: { other: 'arrived_at' }
		},
		{
			id: 'ended_after_answered',
			column: 'ended_at',
			failWhen: 'v_ended_at < coalesce(v_answered_at, v_arrived_at)',
			code: 'time_before',
			params: { other: 'answered_at' }
		},
		{
			id: 'callback_after_arrived',
			column: 'callback_at',
			failWhen: 'v_callback_at < v_arrived_at',
			code: 'time_before',
			params: { other: 'arrived_at' }
		}
	]
};
