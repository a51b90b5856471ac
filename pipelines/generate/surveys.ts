import { chineseDate, civil, compactDate } from './calendar';
import { CsvWriter, csvField, type OutputEncoding } from './csv';
import { STORES, type Period, type Plan } from './model';
import { Rng, Weighted, allocate } from './random';
import { ActiveStaff, type StaffMember } from './roster';
import { surveyComment } from './texts';
import type { Traffic } from './traffic';

export const SURVEY_HEADER = [
	'问卷编号',
	'调查日期',
	'调查批次',
	'调查方式',
	'门店',
	'服务渠道',
	'服务员工工号',
	'总体满意度',
	'推荐意愿',
	'商场环境',
	'商品质量',
	'服务质量',
	'价格',
	'意见建议'
];

export interface SurveyStats {
	rows: number;
	waveRows: number;
	continuousRows: number;
	straightLiners: number;
	byMethod: Record<string, number>;
	/** per store: sum and count of 总体满意度, to report mean scores */
	overallSum: number[];
	overallCount: number[];
	deterioration: { beforeSum: number; beforeCount: number; afterSum: number; afterCount: number };
	waves: string[];
}

const WAVE_METHODS = new Weighted(['问卷', '访谈', '神秘顾客'] as const, [0.7, 0.18, 0.12]);
const STRAIGHT_VALUES = new Weighted([5, 4, 3], [0.6, 0.25, 0.15]);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(x)));

/** The wave of a day, if the day is in a quarterly fieldwork window (10th-30th of the quarter's middle month). */
function waveOf(day: number): string | null {
	const c = civil(day);
	return c.m % 3 === 2 && c.d >= 10 && c.d <= 30 ? `${c.y}Q${(c.m + 1) / 3}` : null;
}

/** Mean satisfaction of a store: lower where complaints are more frequent, and after the planted slip. */
function storeMean(plan: Plan, k: number, day: number): number {
	const s = STORES[k]!;
	const slip = k === plan.deterioration.store && day >= plan.deterioration.day ? plan.deterioration.satisfactionDrop : 0;
	return 4.42 - 0.42 * (s.complaintLevel - 1) - slip;
}

export async function writeSurveys(
	path: string,
	encoding: OutputEncoding,
	seed: number,
	period: Period,
	plan: Plan,
	traffic: Traffic,
	roster: readonly StaffMember[],
	total: number
): Promise<SurveyStats> {
	const cells = traffic.days * traffic.stores;
	const waveWeights = new Float64Array(cells);
	const waves = new Set<string>();
	for (let i = 0; i < traffic.days; i++) {
		const wave = waveOf(period.from + i);
		if (!wave) continue;
		waves.add(wave);
		// wave quotas are set per store, so they follow store size only loosely
		for (let k = 0; k < traffic.stores; k++) waveWeights[i * traffic.stores + k] = Math.sqrt(STORES[k]!.visitors);
	}
	const waveTotal = waves.size ? Math.round(total * plan.surveyWaveShare) : 0;
	const waveCounts = allocate(new Rng(seed, 'surveys/waves'), waveTotal, waveWeights);
	const continuousCounts = allocate(new Rng(seed, 'surveys/continuous'), total - waveTotal, traffic.transactions);
	let maxDaily = 0;
	for (let i = 0; i < traffic.days; i++) {
		let n = 0;
		for (let k = 0; k < traffic.stores; k++) n += waveCounts[i * traffic.stores + k]! + continuousCounts[i * traffic.stores + k]!;
		maxDaily = Math.max(maxDaily, n);
	}
	const serialWidth = Math.max(4, String(maxDaily).length);

	const rng = new Rng(seed, 'surveys');
	const staff = new ActiveStaff(roster);
	const stats: SurveyStats = {
		rows: 0,
		waveRows: 0,
		continuousRows: 0,
		straightLiners: 0,
		byMethod: {},
		overallSum: STORES.map(() => 0),
		overallCount: STORES.map(() => 0),
		deterioration: { beforeSum: 0, beforeCount: 0, afterSum: 0, afterCount: 0 },
		waves: [...waves]
	};
	const out = new CsvWriter(path, encoding, SURVEY_HEADER);

	for (let i = 0; i < traffic.days; i++) {
		const day = period.from + i;
		const date = chineseDate(day);
		const stamp = compactDate(day);
		const wave = waveOf(day) ?? '';
		const active = staff.on(day);
		let serial = 0;
		for (let k = 0; k < traffic.stores; k++) {
			const c = i * traffic.stores + k;
			const inWave = waveCounts[c]!;
			const n = inWave + continuousCounts[c]!;
			const mean = storeMean(plan, k, day);
			for (let r = 0; r < n; r++) {
				const isWave = r < inWave;
				const method = isWave ? WAVE_METHODS.draw(rng) : '问卷';
				let channel: string;
				if (method === '神秘顾客') channel = '现场';
				else if (method === '访谈') channel = rng.chance(0.6) ? '现场' : '电话';
				else {
					const u = rng.float();
					channel = isWave ? (u < 0.75 ? '现场' : u < 0.9 ? '在线' : '电话') : u < 0.6 ? '在线' : u < 0.9 ? '现场' : '电话';
				}
				const pool = channel === '现场' ? active.atStore(k) : active.in(k, '客服中心');
				const member = pool.length && !rng.chance(method === '神秘顾客' ? 0.1 : 0.2) ? rng.pick(pool) : null;
				const staffEffect = member ? (member.ability - 86) / 12 + member.traits[3]! / 12 : 0;
				const u = mean + 0.35 * staffEffect + 0.7 * rng.normal() - (method === '神秘顾客' ? 0.2 : 0);

				let scores: number[];
				let nps: number;
				let comment = '';
				// Straight-liners tick the same box for every item, the recommendation scale included.
				if (method === '问卷' && rng.chance(plan.straightLinerShare)) {
					const v = STRAIGHT_VALUES.draw(rng);
					scores = [v, v, v, v, v];
					nps = v;
					stats.straightLiners++;
				} else {
					const overall = clamp(u, 1, 5);
					scores = [
						overall,
						clamp(u + 0.05 + 0.55 * rng.normal(), 1, 5),
						clamp(u + 0.55 * rng.normal(), 1, 5),
						clamp(u + 0.05 + 0.5 * staffEffect + 0.55 * rng.normal(), 1, 5),
						clamp(u - 0.45 + 0.6 * rng.normal(), 1, 5)
					];
					nps = clamp(2.2 * u - 1.2 + 1.3 * rng.normal(), 0, 10);
					comment = surveyComment(rng, overall);
				}
				serial++;
				const [overall, environment, product, service, price] = scores as [number, number, number, number, number];
				out.push(
					[
						`WJ${stamp}${String(serial).padStart(serialWidth, '0')}`,
						date,
						isWave ? wave : '',
						method,
						STORES[k]!.name,
						channel,
						member?.id ?? '',
						overall,
						nps,
						environment,
						product,
						service,
						price,
						csvField(comment)
					].join(',')
				);

				stats.rows++;
				if (isWave) stats.waveRows++;
				else stats.continuousRows++;
				stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
				stats.overallSum[k]! += overall;
				stats.overallCount[k]!++;
				if (k === plan.deterioration.store) {
					if (day >= plan.deterioration.day) {
						stats.deterioration.afterSum += overall;
						stats.deterioration.afterCount++;
					} else {
						stats.deterioration.beforeSum += overall;
						stats.deterioration.beforeCount++;
					}
				}
				if ((serial & 1023) === 0) await out.flush();
			}
		}
		await out.flush();
	}
	await out.close();
	return stats;
}
