import { civil } from './calendar';
import {
	CATEGORIES,
	CATEGORY_DEPARTMENTS,
	DEPARTMENTS,
	STORES,
	categoryWeights,
	type Category,
	type Channel,
	type Department,
	type Period,
	type Plan
} from './model';
import { Weighted, type Rng } from './random';
import type { Traffic } from './traffic';

// How complaints arise and how their fields are written; complaints.ts draws them row by row.

// Hours at which complaints arrive, by channel: the counter follows opening hours, the hotline
// 8:00-22:00, online around the clock, mail in office hours.
const h = (weights: number[]) =>
	new Weighted(
		weights.map((_, i) => i),
		weights
	);
const STORE_HOURS = h([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 8, 9, 8, 8, 9, 10, 10, 9, 9, 8, 5, 0, 0]);
const HOTLINE_HOURS = h([0, 0, 0, 0, 0, 0, 0, 0, 4, 7, 9, 9, 8, 8, 8, 8, 8, 8, 7, 6, 5, 3, 0, 0]);
const ONLINE_HOURS = h([1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 7, 7, 7, 6, 6, 6, 6, 7, 8, 9, 9, 8, 6, 3]);
const OFFICE_HOURS = h([0, 0, 0, 0, 0, 0, 0, 0, 3, 8, 9, 9, 5, 7, 9, 9, 8, 6, 0, 0, 0, 0, 0, 0]);
export const HOURS: Readonly<Record<Channel, Weighted<number>>> = {
	电话: HOTLINE_HOURS,
	现场: STORE_HOURS,
	在线: ONLINE_HOURS,
	社交媒体: ONLINE_HOURS,
	邮件: OFFICE_HOURS,
	信函: OFFICE_HOURS,
	传真: OFFICE_HOURS
};
export const SUBJECT_SHARE: Readonly<Record<Category, number>> = {
	商品质量: 0.1,
	服务态度: 0.75,
	售后服务: 0.3,
	价格: 0.3,
	环境设施: 0.05,
	物流配送: 0.35,
	会员积分: 0.25,
	其他: 0.1
};
export const REPEAT_LAG = new Weighted(
	Array.from({ length: 29 }, (_, i) => i + 1),
	Array.from({ length: 29 }, (_, i) => 1 / Math.pow(i + 1, 0.7))
);
export const PHONE_PREFIXES = [
	'130',
	'131',
	'132',
	'133',
	'135',
	'136',
	'137',
	'138',
	'139',
	'150',
	'151',
	'152',
	'155',
	'156',
	'157',
	'158',
	'159',
	'166',
	'176',
	'177',
	'180',
	'181',
	'182',
	'183',
	'185',
	'186',
	'187',
	'188',
	'189',
	'198',
	'199'
];
export const COMPENSATION = [20, 30, 50, 80, 100, 150, 200, 300, 500, 800, 1000, 2000];
/** complainants remembered per store and day, for repeat complaints within 30 days */
export const RESERVOIR = 8;
export const MEMORY_DAYS = 30;

export interface Complainant {
	phone: string;
	name: string;
	category: Category;
}

/** Moves a time outside [open, close) minutes of its day to the next opening, plus a little. */
export function withinHours(rng: Rng, t: number, open: number, close: number): number {
	const m = t % 1440;
	if (m >= open && m < close) return t;
	const dayStart = t - m + (m >= close ? 1440 : 0);
	return dayStart + open + rng.int(90);
}

export function formatPhone(rng: Rng, digits: string): string {
	const u = rng.float();
	if (u < 0.86) return digits;
	if (u < 0.94) return `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`;
	return `+86 ${digits}`;
}

export function formatMoney(rng: Rng, amount: number): string {
	const u = rng.float();
	if (u < 0.15) return (amount - 11.5).toFixed(rng.chance(0.5) ? 1 : 2);
	return u < 0.4 ? amount.toFixed(2) : String(amount);
}

/** Expected complaints of each store-day: transactions × the store's level × the planted changes. */
export function cellWeights(period: Period, plan: Plan, traffic: Traffic): Float64Array {
	const w = new Float64Array(traffic.days * traffic.stores);
	for (let i = 0; i < traffic.days; i++) {
		const day = period.from + i;
		const p = traffic.profiles[i]!;
		const catTotal = categoryWeights(plan, day, civil(day).m, p.holiday).reduce((a, b) => a + b, 0);
		for (let k = 0; k < traffic.stores; k++) {
			const det = k === plan.deterioration.store && day >= plan.deterioration.day ? plan.deterioration.rateMultiplier : 1;
			w[i * traffic.stores + k] =
				traffic.transactions[i * traffic.stores + k]! * STORES[k]!.complaintLevel * det * catTotal * (p.peak ? 1.12 : 1);
		}
	}
	return w;
}

/** For each store and category, the departments a complaint can concern: those the store staffs. */
export function departmentDraws(): Weighted<Department>[][] {
	return STORES.map((s) =>
		CATEGORIES.map((c) => {
			const entries = Object.entries(CATEGORY_DEPARTMENTS[c]).filter(([d]) => (s.headcount[DEPARTMENTS.indexOf(d as Department)] ?? 0) > 0);
			return entries.length
				? new Weighted(
						entries.map(([d]) => d as Department),
						entries.map(([, w]) => w as number)
					)
				: new Weighted<Department>(['客服中心'], [1]);
		})
	);
}
