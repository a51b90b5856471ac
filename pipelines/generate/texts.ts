import type { Category, Department } from './model';
import type { Rng } from './random';

/** Free text of the registers: complaint summaries, handling results, survey comments, appraisal remarks. */

const ITEMS: Partial<Record<Department, readonly string[]>> = {
	服装部: ['羽绒服', '连衣裙', '运动鞋', '衬衫', '牛仔裤', '毛衣', '童装外套', '皮鞋'],
	食品部: ['牛奶', '面包', '水果礼盒', '熟食', '月饼', '大米', '食用油', '坚果'],
	家电部: ['空气炸锅', '电饭煲', '吹风机', '洗衣机', '电视机', '扫地机器人', '微波炉', '空调'],
	美妆部: ['面霜', '口红', '精华液', '防晒霜', '香水', '洗面奶'],
	物流部: ['冰箱', '沙发', '洗衣机', '电视机'],
	收银部: ['购物卡', '商品'],
	客服中心: ['商品'],
	物业部: ['商品']
};

const SUMMARIES: Readonly<Record<Category, readonly string[]>> = {
	商品质量: [
		'{item}有质量问题，要求退换',
		'{item}使用几天后出现故障',
		'购买的{item}有明显瑕疵',
		'{item}与宣传描述不符',
		'{item}开箱发现破损',
		'{item}做工粗糙，要求退货'
	],
	服务态度: [
		'员工态度冷淡，不理睬顾客',
		'收银员语气生硬，服务态度差',
		'导购员推销过度，让人反感',
		'咨询问题时员工不耐烦',
		'客服电话多次转接无人解决',
		'员工当面议论顾客'
	],
	价格: [
		'{item}标价与结算价不一致',
		'促销价格未生效，多收费用',
		'购买后几天即降价，要求退差价',
		'会员价未能享受',
		'标签写着"买一送一"但结账未赠送'
	],
	环境设施: [
		'卫生间不干净，缺少纸巾',
		'电梯故障停运，影响购物',
		'停车场指引不清，排队时间长',
		'空调温度过低',
		'地面湿滑险些摔倒',
		'商场广播音量过大'
	],
	售后服务: [
		'{item}维修超过约定时间未完成',
		'退换货手续繁琐，多次往返',
		'售后电话无人接听',
		'安装人员迟到且未带配件',
		'{item}保修期内维修收费'
	],
	物流配送: ['送货延迟，超过约定时间两天', '送错货，型号与订单不符', '配送途中{item}损坏', '送货员未送货上门', '预约送货时间无人联系'],
	会员积分: ['积分未到账', '会员卡积分被清零', '积分兑换礼品缺货', '会员生日礼未发放', '储值卡余额不符'],
	其他: ['发票开具延迟', '寄存柜物品遗失', '促销活动规则不清楚', '停车券无法使用', '广告宣传与实际活动不符']
};

const RESOLUTIONS: Readonly<Record<Category, readonly string[]>> = {
	商品质量: ['退货退款', '换货', '维修', '退货并赔偿'],
	服务态度: ['当面道歉，对员工批评教育', '致电道歉并加强培训', '道歉并赠送购物券'],
	价格: ['退还差价', '按标价结算并道歉', '解释说明'],
	环境设施: ['已整改', '已报修并道歉', '加强保洁巡查'],
	售后服务: ['加急维修并道歉', '上门处理', '换新'],
	物流配送: ['重新配送', '补发商品', '赔偿并道歉'],
	会员积分: ['补发积分', '解释说明', '补寄礼品'],
	其他: ['解释说明', '已补开发票', '已协调解决']
};

export function summary(rng: Rng, category: Category, department: Department, repeat: boolean): string {
	const item = rng.pick(ITEMS[department] ?? ['商品']);
	let text = rng.pick(SUMMARIES[category]).replace('{item}', item);
	// Some registers are typed with ASCII punctuation: a comma makes the field quoted in the CSV.
	if (rng.chance(0.03)) text = text.replace('，', ', ');
	return repeat ? `再次投诉：${text}` : text;
}

export function resolution(rng: Rng, category: Category, inScope: boolean, department: Department): string {
	if (!inScope) {
		if (category === '物流配送') return '已转交第三方物流公司处理';
		if (category === '商品质量' || category === '售后服务') return '已转交供应商处理';
		return `已转交${department}处理`;
	}
	return rng.pick(RESOLUTIONS[category]);
}

const PRAISE = ['环境整洁，购物愉快', '员工热情周到', '收银速度快，体验不错', '商品种类齐全', '停车方便', '导购讲解专业'];
const CRITICISM = [
	'价格偏高',
	'周末排队时间太长',
	'希望会员活动多一些',
	'卫生间需要加强清洁',
	'部分商品缺货',
	'店员不够主动',
	'退换货流程复杂',
	'停车场指引不清'
];

/** A survey comment, or '' (most respondents write nothing). */
export function surveyComment(rng: Rng, overall: number): string {
	if (!rng.chance(0.28)) return '';
	if (overall >= 4 && rng.chance(0.7)) return rng.pick(PRAISE);
	return rng.pick(CRITICISM);
}

const REMARKS: Readonly<Record<string, readonly string[]>> = {
	A: ['表现优秀，值得表扬', '业务突出，服务之星候选', '工作认真负责，顾客好评多'],
	B: ['工作积极，表现良好', '总体稳定，继续努力', '服务态度好，业务熟练度有待提升'],
	C: ['需加强业务学习', '服务意识有待提高', '本月有顾客投诉，需改进'],
	D: ['考核不合格，予以警告', '多次违反纪律，需限期整改']
};

export function appraisalRemark(rng: Rng, grade: string): string {
	return rng.chance(0.15) ? '' : rng.pick(REMARKS[grade] ?? REMARKS.C!);
}
