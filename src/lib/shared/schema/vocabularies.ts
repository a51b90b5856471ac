import type { EnumSpec } from './types';

export const channel: EnumSpec = {
	dbType: 'channel_t',
	values: ['电话', '现场', '在线', '邮件', '信函', '传真', '社交媒体'],
	aliases: {
		phone: '电话',
		热线: '电话',
		电话投诉: '电话',
		'400热线': '电话',
		'12315': '电话',
		'walk-in': '现场',
		来访: '现场',
		现场投诉: '现场',
		柜台: '现场',
		online: '在线',
		网络: '在线',
		网上: '在线',
		app: '在线',
		小程序: '在线',
		官网: '在线',
		在线客服: '在线',
		email: '邮件',
		电子邮件: '邮件',
		'e-mail': '邮件',
		letter: '信函',
		来信: '信函',
		书信: '信函',
		fax: '传真',
		'social media': '社交媒体',
		微博: '社交媒体',
		微信: '社交媒体',
		抖音: '社交媒体',
		小红书: '社交媒体'
	}
};

export const category: EnumSpec = {
	dbType: 'category_t',
	values: ['商品质量', '服务态度', '价格', '环境设施', '售后服务', '物流配送', '会员积分', '其他'],
	aliases: {
		质量: '商品质量',
		产品质量: '商品质量',
		'product quality': '商品质量',
		态度: '服务态度',
		服务: '服务态度',
		'service attitude': '服务态度',
		价格问题: '价格',
		价格争议: '价格',
		price: '价格',
		环境: '环境设施',
		设施: '环境设施',
		环境卫生: '环境设施',
		environment: '环境设施',
		售后: '售后服务',
		退换货: '售后服务',
		'after-sales': '售后服务',
		物流: '物流配送',
		配送: '物流配送',
		送货: '物流配送',
		delivery: '物流配送',
		会员: '会员积分',
		积分: '会员积分',
		membership: '会员积分',
		其它: '其他',
		other: '其他'
	}
};

export const severity: EnumSpec = {
	dbType: 'severity_t',
	values: ['一般', '重大'],
	aliases: { 普通: '一般', 轻微: '一般', normal: '一般', minor: '一般', 严重: '重大', major: '重大', 重要: '重大' }
};

export const complaintStatus: EnumSpec = {
	dbType: 'complaint_status_t',
	values: ['待处理', '处理中', '已办结'],
	aliases: {
		未处理: '待处理',
		新建: '待处理',
		待受理: '待处理',
		open: '待处理',
		new: '待处理',
		受理中: '处理中',
		跟进中: '处理中',
		'in progress': '处理中',
		processing: '处理中',
		已处理: '已办结',
		已解决: '已办结',
		已完成: '已办结',
		已关闭: '已办结',
		办结: '已办结',
		结案: '已办结',
		closed: '已办结',
		resolved: '已办结',
		done: '已办结'
	}
};

export const surveyMethod: EnumSpec = {
	dbType: 'survey_method_t',
	values: ['问卷', '访谈', '神秘顾客'],
	aliases: {
		问卷调查: '问卷',
		调查问卷: '问卷',
		线上问卷: '问卷',
		questionnaire: '问卷',
		survey: '问卷',
		访问: '访谈',
		面谈: '访谈',
		电话访谈: '访谈',
		interview: '访谈',
		暗访: '神秘顾客',
		神秘顾客暗访: '神秘顾客',
		'mystery shopper': '神秘顾客'
	}
};

export const grade: EnumSpec = {
	dbType: 'grade_t',
	values: ['A', 'B', 'C', 'D'],
	aliases: { 优秀: 'A', 良好: 'B', 合格: 'C', 称职: 'C', 不合格: 'D', 不称职: 'D', a: 'A', b: 'B', c: 'C', d: 'D' }
};

export const staffStatus: EnumSpec = {
	dbType: 'staff_status_t',
	values: ['在职', '离职'],
	aliases: { 在岗: '在职', 试用: '在职', 试用期: '在职', 正式: '在职', active: '在职', 已离职: '离职', inactive: '离职', left: '离职' }
};

/** Which way a contact went: a customer's call or chat (呼入), or the centre calling out (呼出: callbacks, follow-ups). */
export const contactDirection: EnumSpec = {
	dbType: 'contact_direction_t',
	values: ['呼入', '呼出'],
	aliases: {
		来电: '呼入',
		入线: '呼入',
		inbound: '呼入',
		in: '呼入',
		外呼: '呼出',
		去电: '呼出',
		回拨: '呼出',
		outbound: '呼出',
		out: '呼出'
	}
};

export const allVocabularies = [channel, category, severity, complaintStatus, surveyMethod, grade, staffStatus, contactDirection];
