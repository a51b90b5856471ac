import { category as categoryVocabulary, channel as channelVocabulary } from '$lib/shared/schema/vocabularies';
import { civil, epochDay, parseIsoDate } from './calendar';

/**
 * The fictional retail chain and the truths planted in its data. Everything here is fixed by the
 * period and the seed; the row generators only read it.
 */

export const DEPARTMENTS = ['客服中心', '收银部', '服装部', '食品部', '家电部', '美妆部', '物流部', '物业部'] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** Headcount per department (order of DEPARTMENTS) by store size: a small store has no 家电部 or 物业部. */
const HEADCOUNT = { L: [4, 3, 2, 2, 2, 1, 1, 1], M: [3, 2, 2, 2, 1, 1, 1, 1], S: [3, 2, 1, 2, 0, 1, 1, 0] } as const;

export interface Store {
	name: string;
	city: string;
	size: 'L' | 'M' | 'S';
	/** ordinary weekday visitors */
	visitors: number;
	/** share of visitors who buy */
	conversion: number;
	/** complaints per transaction relative to the chain */
	complaintLevel: number;
	/** tilt towards online and social-media complaints */
	online: number;
	/** multiplier on response times: slower centres answer later */
	responseSpeed: number;
	reviewer: string;
	headcount: readonly number[];
}

const store = (
	name: string,
	city: string,
	size: Store['size'],
	visitors: number,
	conversion: number,
	complaintLevel: number,
	online: number,
	responseSpeed: number,
	reviewer: string
): Store => ({ name, city, size, visitors, conversion, complaintLevel, online, responseSpeed, reviewer, headcount: HEADCOUNT[size] });

export const STORES: readonly Store[] = [
	store('北京西单店', '北京', 'L', 15500, 0.29, 0.9, 1.2, 0.9, '周建国'),
	store('北京望京店', '北京', 'M', 9000, 0.31, 0.7, 1.4, 0.8, '周建国'),
	store('上海徐家汇店', '上海', 'L', 16000, 0.3, 1.0, 1.3, 1.0, '沈丽华'),
	store('上海五角场店', '上海', 'M', 8800, 0.3, 0.8, 1.2, 0.9, '沈丽华'),
	store('苏州观前街店', '苏州', 'S', 6000, 0.27, 1.3, 0.8, 1.2, '陆志远'),
	store('杭州湖滨店', '杭州', 'M', 9500, 0.32, 0.6, 1.5, 0.8, '陆志远'),
	store('南京新街口店', '南京', 'L', 13500, 0.28, 1.25, 0.9, 1.1, '陆志远'),
	store('广州天河店', '广州', 'L', 14500, 0.29, 1.1, 1.1, 1.0, '钱文静'),
	store('深圳福田店', '深圳', 'M', 11000, 0.31, 0.85, 1.4, 0.85, '钱文静'),
	store('成都春熙路店', '成都', 'L', 13000, 0.28, 1.4, 1.0, 1.25, '何志明'),
	store('重庆解放碑店', '重庆', 'M', 10500, 0.27, 1.5, 0.9, 1.3, '何志明'),
	store('武汉光谷店', '武汉', 'M', 9000, 0.29, 0.8, 1.1, 0.95, '林晓燕')
];

/** Appraisal reviewers and how many points they add to every dimension (leniency). */
export const REVIEWERS: Readonly<Record<string, number>> = { 周建国: -1.5, 沈丽华: 0.5, 陆志远: 0, 钱文静: 5, 何志明: -0.5, 林晓燕: 1 };
export const LENIENT_REVIEWER = '钱文静';

export const CHANNELS = ['电话', '现场', '在线', '社交媒体', '邮件', '信函', '传真'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_WEIGHT: Readonly<Record<Channel, number>> = {
	电话: 0.33,
	现场: 0.3,
	在线: 0.2,
	社交媒体: 0.07,
	邮件: 0.05,
	信函: 0.03,
	传真: 0.02
};

export const CATEGORIES = ['商品质量', '服务态度', '售后服务', '价格', '环境设施', '物流配送', '会员积分', '其他'] as const;
export type Category = (typeof CATEGORIES)[number];
export const CATEGORY_WEIGHT: Readonly<Record<Category, number>> = {
	商品质量: 0.3,
	服务态度: 0.24,
	售后服务: 0.12,
	价格: 0.08,
	环境设施: 0.07,
	物流配送: 0.11,
	会员积分: 0.05,
	其他: 0.03
};
/** probability that a complaint of the category is 重大 */
export const MAJOR_SHARE: Readonly<Record<Category, number>> = {
	商品质量: 0.08,
	服务态度: 0.05,
	售后服务: 0.08,
	价格: 0.04,
	环境设施: 0.07,
	物流配送: 0.05,
	会员积分: 0.02,
	其他: 0.03
};
/** probability that a complaint of the category is outside the centre's responsibility (routed) */
export const OUT_OF_SCOPE_SHARE: Readonly<Record<Category, number>> = {
	商品质量: 0.05,
	服务态度: 0.02,
	售后服务: 0.08,
	价格: 0.06,
	环境设施: 0.05,
	物流配送: 0.35,
	会员积分: 0.04,
	其他: 0.25
};
/** median hours from first response to resolution */
export const RESOLVE_HOURS: Readonly<Record<Category, number>> = {
	商品质量: 22,
	服务态度: 8,
	售后服务: 34,
	价格: 10,
	环境设施: 18,
	物流配送: 28,
	会员积分: 14,
	其他: 14
};
/** median minutes to the first response */
export const RESPONSE_MINUTES: Readonly<Record<Channel, number>> = {
	电话: 40,
	现场: 20,
	在线: 90,
	社交媒体: 150,
	邮件: 480,
	信函: 1500,
	传真: 600
};

/** Which departments a complaint of each category concerns (weights), filtered by what the store has. */
export const CATEGORY_DEPARTMENTS: Readonly<Record<Category, Partial<Record<Department, number>>>> = {
	商品质量: { 服装部: 3, 食品部: 3, 家电部: 3, 美妆部: 2 },
	服务态度: { 收银部: 3, 客服中心: 2, 服装部: 2, 食品部: 1, 家电部: 1, 美妆部: 1 },
	价格: { 收银部: 3, 服装部: 1, 食品部: 2, 家电部: 1, 美妆部: 1 },
	环境设施: { 物业部: 5, 客服中心: 1 },
	售后服务: { 家电部: 4, 服装部: 1, 客服中心: 2, 美妆部: 1 },
	物流配送: { 物流部: 5, 家电部: 2 },
	会员积分: { 客服中心: 3, 收银部: 2 },
	其他: { 客服中心: 3, 物业部: 1, 收银部: 1 }
};

export const SLA_HOURS = { respond: 24, resolve: 72, resolveMajor: 168 } as const;

for (const c of CATEGORIES) if (!categoryVocabulary.values.includes(c)) throw new Error(`category ${c} is not in the vocabulary`);
for (const c of CHANNELS) if (!channelVocabulary.values.includes(c)) throw new Error(`channel ${c} is not in the vocabulary`);

/** Complaints per transaction at which the default scale gives about 1‰; larger scales add transactions. */
export const REFERENCE_SCALE = 30_000;

export interface Period {
	/** first day (epoch day) */
	from: number;
	/** last day, inclusive */
	to: number;
	days: number;
}

export function makePeriod(fromIso: string, days: number): Period {
	const from = parseIsoDate(fromIso);
	return { from, to: from + days - 1, days };
}

/** The truths planted in the data, with the dates they start. */
export interface Plan {
	deterioration: {
		store: number;
		/** first day of the worse regime */
		day: number;
		rateMultiplier: number;
		/** extra weight of 服务态度 complaints in that store afterwards */
		attitudeMultiplier: number;
		responseSlowdown: number;
		satisfactionDrop: number;
	};
	fix: { category: Category; day: number; multiplier: number };
	lenientReviewer: string;
	repeatShare: number;
	straightLinerShare: number;
	lowPerformers: number;
	/** transactions (and visitors) are multiplied so that complaint rates stay plausible at any scale */
	transactionScale: number;
	surveyWaveShare: number;
}

export function makePlan(period: Period, scale: number): Plan {
	// A Monday about 58% into the period: the store gets a new manager and service slips.
	let det = period.from + Math.round(period.days * 0.58);
	while (civil(det).dow !== 1) det++;
	// The first of a month about 40% into the period: a new delivery partner.
	const f = civil(period.from + Math.round(period.days * 0.4));
	const fix = f.m === 12 ? epochDay(f.y + 1, 1, 1) : epochDay(f.y, f.m + 1, 1);
	return {
		deterioration: {
			store: STORES.findIndex((s) => s.name === '武汉光谷店'),
			day: det,
			rateMultiplier: 2.3,
			attitudeMultiplier: 2.5,
			responseSlowdown: 1.8,
			satisfactionDrop: 0.45
		},
		fix: { category: '物流配送', day: fix, multiplier: 0.3 },
		lenientReviewer: LENIENT_REVIEWER,
		repeatShare: 0.07,
		straightLinerShare: 0.015,
		lowPerformers: 5,
		transactionScale: Math.max(1, scale / REFERENCE_SCALE),
		surveyWaveShare: 0.4
	};
}

/** Category weights of a day (every store): season and the planted fix; the deteriorating store adds its own shift. */
export function categoryWeights(plan: Plan, day: number, month: number, festival: string | null): number[] {
	return CATEGORIES.map((c) => {
		let w = CATEGORY_WEIGHT[c];
		if (c === '物流配送' && (month === 11 || festival === '年货节')) w *= 1.5;
		if (c === '环境设施' && (month === 7 || month === 8)) w *= 1.3;
		if (c === plan.fix.category && day >= plan.fix.day) w *= plan.fix.multiplier;
		return w;
	});
}
