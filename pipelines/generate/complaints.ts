import { CLOCK, civil, compactDate, slashDate } from './calendar';
import {
	COMPENSATION,
	HOURS,
	MEMORY_DAYS,
	PHONE_PREFIXES,
	REPEAT_LAG,
	RESERVOIR,
	SUBJECT_SHARE,
	cellWeights,
	departmentDraws,
	formatMoney,
	formatPhone,
	withinHours,
	type Complainant
} from './complaint-model';
import { CsvWriter, csvField, type OutputEncoding } from './csv';
import {
	CATEGORIES,
	CHANNELS,
	CHANNEL_WEIGHT,
	MAJOR_SHARE,
	OUT_OF_SCOPE_SHARE,
	RESOLVE_HOURS,
	RESPONSE_MINUTES,
	SLA_HOURS,
	STORES,
	categoryWeights,
	type Category,
	type Period,
	type Plan
} from './model';
import { complainantName } from './names';
import { Rng, Weighted, allocate } from './random';
import { ActiveStaff, type StaffMember } from './roster';
import { resolution, summary } from './texts';
import type { Traffic } from './traffic';

export const COMPLAINT_HEADER = [
	'投诉编号',
	'投诉时间',
	'投诉渠道',
	'门店',
	'涉及部门',
	'投诉类别',
	'投诉等级',
	'内容摘要',
	'投诉人',
	'联系电话',
	'处理人工号',
	'被投诉员工工号',
	'是否职责范围内',
	'是否上报',
	'首次响应时间',
	'办结时间',
	'处理状态',
	'处理结果',
	'回访时间',
	'回访满意度',
	'赔偿金额'
];

/** What was generated, counted while writing (the planted truths are reported from these). */
export interface ComplaintStats {
	rows: number;
	byStatus: Record<'待处理' | '处理中' | '已办结', number>;
	major: number;
	majorEscalated: number;
	escalated: number;
	outOfScope: number;
	repeats: number;
	respondedLate: number;
	responded: number;
	resolved: number;
	resolvedLate: number;
	followUps: number;
	followUpResults: Record<'满意' | '基本满意' | '不满意', number>;
	compensated: number;
	deterioration: { before: number; after: number };
	fix: { before: number; after: number; categoryBefore: number; categoryAfter: number };
	byStore: number[];
	byCategory: Record<string, number>;
	byChannel: Record<string, number>;
}

/** The counts before the first row. */
function noComplaintsYet(): ComplaintStats {
	return {
		rows: 0,
		byStatus: { 待处理: 0, 处理中: 0, 已办结: 0 },
		major: 0,
		majorEscalated: 0,
		escalated: 0,
		outOfScope: 0,
		repeats: 0,
		respondedLate: 0,
		responded: 0,
		resolved: 0,
		resolvedLate: 0,
		followUps: 0,
		followUpResults: { 满意: 0, 基本满意: 0, 不满意: 0 },
		compensated: 0,
		deterioration: { before: 0, after: 0 },
		fix: { before: 0, after: 0, categoryBefore: 0, categoryAfter: 0 },
		byStore: STORES.map(() => 0),
		byCategory: {},
		byChannel: {}
	};
}

/** Writes the complaint register, the complaints of each day in time order, and counts what it wrote. */
export async function writeComplaints(
	path: string,
	encoding: OutputEncoding,
	seed: number,
	period: Period,
	plan: Plan,
	traffic: Traffic,
	roster: readonly StaffMember[],
	total: number
): Promise<ComplaintStats> {
	const counts = allocate(new Rng(seed, 'complaints/allocate'), total, cellWeights(period, plan, traffic));
	const rng = new Rng(seed, 'complaints');
	let maxDaily = 0;
	for (let i = 0; i < traffic.days; i++) {
		let n = 0;
		for (let k = 0; k < traffic.stores; k++) n += counts[i * traffic.stores + k]!;
		maxDaily = Math.max(maxDaily, n);
	}
	if (maxDaily >= 1e7) throw new Error('more than 10 million complaints on one day');
	const serialWidth = Math.max(4, String(maxDaily).length);
	const snapshot = period.days * 1440 - 1;
	const dayText = Array.from({ length: period.days }, (_, i) => slashDate(period.from + i));
	const at = (t: number) => `${dayText[Math.floor(t / 1440)]} ${CLOCK[t % 1440]}`;

	const departmentOf = departmentDraws();
	const memory: { day: number; seen: number; people: Complainant[] }[][] = STORES.map(() =>
		Array.from({ length: MEMORY_DAYS }, () => ({ day: -1, seen: 0, people: [] }))
	);
	const staff = new ActiveStaff(roster);
	const stats = noComplaintsYet();
	const out = new CsvWriter(path, encoding, COMPLAINT_HEADER);

	for (let i = 0; i < period.days; i++) {
		const day = period.from + i;
		const month = civil(day).m;
		const years = i / 365;
		const active = staff.on(day);
		const baseCategories = categoryWeights(plan, day, month, traffic.profiles[i]!.holiday);
		const categoryDraw = STORES.map((_, k) => {
			const w = [...baseCategories];
			if (k === plan.deterioration.store && day >= plan.deterioration.day)
				w[CATEGORIES.indexOf('服务态度')]! *= plan.deterioration.attitudeMultiplier;
			return new Weighted(CATEGORIES, w);
		});
		// Online channels grow and paper ones fade over the years.
		const channelDraw = STORES.map(
			(s) =>
				new Weighted(
					CHANNELS,
					CHANNELS.map((c) => {
						const w = CHANNEL_WEIGHT[c];
						if (c === '在线' || c === '社交媒体') return w * s.online * (1 + 0.25 * years);
						if (c === '信函' || c === '传真') return w * Math.max(0.3, 1 - 0.3 * years);
						return w;
					})
				)
		);

		// Draw store, channel and minute of each complaint of the day, then emit them in time order.
		let n = 0;
		for (let k = 0; k < traffic.stores; k++) n += counts[i * traffic.stores + k]!;
		const storeOf = new Uint8Array(n);
		const channelOf = new Uint8Array(n);
		const keys = new Float64Array(n);
		let j = 0;
		for (let k = 0; k < traffic.stores; k++) {
			const c = counts[i * traffic.stores + k]!;
			for (let x = 0; x < c; x++, j++) {
				const ch = channelDraw[k]!.index(rng);
				const minute = HOURS[CHANNELS[ch]!].draw(rng) * 60 + rng.int(60);
				storeOf[j] = k;
				channelOf[j] = ch;
				keys[j] = minute * 1e7 + j;
			}
		}
		keys.sort();
		const stamp = compactDate(day);
		const detAfter = day >= plan.deterioration.day;
		const fixAfter = day >= plan.fix.day;

		for (let s = 0; s < n; s++) {
			const key = keys[s]!;
			const idx = key % 1e7;
			const minute = (key - idx) / 1e7;
			const k = storeOf[idx]!;
			const store = STORES[k]!;
			const channel = CHANNELS[channelOf[idx]!]!;
			const t0 = i * 1440 + minute;
			const worse = k === plan.deterioration.store && detAfter;

			// A repeat complainant comes back within 30 days, to the same store, often about the same thing.
			let who: Complainant | null = null;
			if (rng.chance(plan.repeatShare)) {
				for (let attempt = 0; attempt < 3 && !who; attempt++) {
					const lag = REPEAT_LAG.draw(rng);
					if (lag > i) continue;
					const slot = memory[k]![(i - lag) % MEMORY_DAYS]!;
					if (slot.day === i - lag && slot.people.length) who = rng.pick(slot.people);
				}
			}
			const repeat = who !== null;
			const category: Category = who && rng.chance(0.7) ? who.category : categoryDraw[k]!.draw(rng);
			if (!who) {
				const name = complainantName(rng);
				const phone = rng.chance(name ? 0.012 : 0.3) ? '' : rng.pick(PHONE_PREFIXES) + String(rng.int(1e8)).padStart(8, '0');
				who = { phone, name, category };
			}
			if (who.phone) {
				const slot = memory[k]![i % MEMORY_DAYS]!;
				if (slot.day !== i) Object.assign(slot, { day: i, seen: 0, people: [] });
				slot.seen++;
				if (slot.people.length < RESERVOIR) slot.people.push({ ...who, category });
				else {
					const r = rng.int(slot.seen);
					if (r < RESERVOIR) slot.people[r] = { ...who, category };
				}
			}

			const department = departmentOf[k]![CATEGORIES.indexOf(category)]!.draw(rng);
			const major = rng.chance(MAJOR_SHARE[category] * (repeat ? 1.6 : 1));
			const escalated = major ? rng.chance(0.92) : rng.chance(0.02);
			const inScope = !rng.chance(OUT_OF_SCOPE_SHARE[category]);
			const service = active.in(k, '客服中心');
			const supervisor = service.find((p) => p.supervisor);
			const handler = major && supervisor ? supervisor : service.length ? rng.pick(service) : null;
			let subject = '';
			if (rng.chance(SUBJECT_SHARE[category])) {
				const pool = active.in(k, department).filter((p) => p !== handler);
				if (pool.length) {
					const weights = pool.map((p) => (p.lowPerformer ? (category === '服务态度' ? 6 : 3) : 1));
					subject = new Weighted(pool, weights).draw(rng).id;
				}
			}

			// Long-tailed handling times; some disputes stay open, recent ones more often.
			const responseMedian =
				RESPONSE_MINUTES[channel] * store.responseSpeed * (worse ? plan.deterioration.responseSlowdown : 1) * (major ? 0.5 : 1);
			// online channels are answered around the clock, the others when the centre is staffed (8:00-22:00)
			let t1 = t0 + Math.max(1, Math.round(rng.logNormal(responseMedian, 1.25)));
			if (channel !== '在线' && channel !== '社交媒体') t1 = withinHours(rng, t1, 8 * 60, 22 * 60);
			const resolveMedian = RESOLVE_HOURS[category] * 60 * (major ? 2.5 : 1) * (inScope ? 1 : 1.4) * (worse ? 1.4 : 1);
			const age = period.days - 1 - i;
			const stuck = rng.chance(0.1 * Math.exp(-age / 40) + 0.0015);
			const t2 = stuck
				? Infinity
				: withinHours(rng, t1 + Math.max(5, Math.round(rng.logNormal(resolveMedian, 1.05))), 8 * 60 + 30, 21 * 60 + 30);

			let status: '待处理' | '处理中' | '已办结' = '已办结';
			if (t1 > snapshot) status = '待处理';
			else if (t2 > snapshot) status = '处理中';
			let firstResponse = '',
				resolvedAt = '',
				result = '',
				followUpAt = '',
				followUp = '',
				compensation = '';
			if (status !== '待处理') {
				firstResponse = at(t1);
				stats.responded++;
				if (t1 - t0 > SLA_HOURS.respond * 60) stats.respondedLate++;
			}
			if (status === '已办结') {
				resolvedAt = at(t2);
				result = resolution(rng, category, inScope, department);
				stats.resolved++;
				const late = t2 - t0 > (major ? SLA_HOURS.resolveMajor : SLA_HOURS.resolve) * 60;
				if (late) stats.resolvedLate++;
				if (rng.chance(major ? 0.35 : category === '商品质量' || category === '售后服务' || category === '物流配送' ? 0.07 : 0.015)) {
					compensation = formatMoney(rng, COMPENSATION[Math.min(COMPENSATION.length - 1, rng.int(8) + (major ? 4 : 0))]!);
					stats.compensated++;
				}
				if (rng.chance(0.85)) {
					const t3 = withinHours(rng, t2 + Math.max(30, Math.round(rng.logNormal(20 * 60, 0.8))), 9 * 60, 20 * 60);
					if (t3 <= snapshot) {
						followUpAt = at(t3);
						const unhappy = 0.08 + (late ? 0.17 : 0) + (major ? 0.08 : 0) + (worse ? 0.1 : 0) + (repeat ? 0.08 : 0) + (inScope ? 0 : 0.05);
						const u = rng.float();
						followUp = u < unhappy ? '不满意' : u < unhappy + 0.22 + (late ? 0.08 : 0) ? '基本满意' : '满意';
						stats.followUps++;
						stats.followUpResults[followUp as '满意']++;
					}
				}
			}

			out.push(
				[
					`TS${stamp}${String(s + 1).padStart(serialWidth, '0')}`,
					at(t0),
					channel,
					store.name,
					department,
					category,
					major ? '重大' : '一般',
					csvField(summary(rng, category, department, repeat)),
					who.name,
					who.phone ? formatPhone(rng, who.phone) : '',
					handler?.id ?? '',
					subject,
					inScope ? '是' : '否',
					escalated ? '是' : '否',
					firstResponse,
					resolvedAt,
					status,
					result,
					followUpAt,
					followUp,
					compensation
				].join(',')
			);

			stats.rows++;
			stats.byStatus[status]++;
			if (major) stats.major++;
			if (major && escalated) stats.majorEscalated++;
			if (escalated) stats.escalated++;
			if (!inScope) stats.outOfScope++;
			if (repeat) stats.repeats++;
			stats.byStore[k]!++;
			stats.byCategory[category] = (stats.byCategory[category] ?? 0) + 1;
			stats.byChannel[channel] = (stats.byChannel[channel] ?? 0) + 1;
			if (k === plan.deterioration.store) stats.deterioration[detAfter ? 'after' : 'before']++;
			stats.fix[fixAfter ? 'after' : 'before']++;
			if (category === plan.fix.category) stats.fix[fixAfter ? 'categoryAfter' : 'categoryBefore']++;
			if ((s & 1023) === 1023) await out.flush();
		}
		await out.flush();
	}
	await out.close();
	return stats;
}
