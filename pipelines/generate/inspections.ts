import { DEFAULT_CHECKLIST } from '$lib/shared/inspections/checklist';
import { civil, epochDay, isoDate, slashDate } from './calendar';
import { CsvWriter, type OutputEncoding } from './csv';
import { STORES, type Period } from './model';
import { Rng, Weighted } from './random';
import { isActive, type StaffMember } from './roster';

/**
 * Inspections (质检记录): a few per customer-service agent a month, scored on the default checklist by
 * four quality officers, 10% of the contacts scored a second time by another officer (the calibration
 * sample). Planted: one harsh inspector, one agent with repeated 信息安全 fatal errors, and 流程完整
 * losing points at one store from a date on.
 */

export const INSPECTION_HEADER = [
	'质检编号',
	'质检日期',
	'质检员',
	'被检员工工号',
	'门店',
	'渠道',
	'会话编号',
	...DEFAULT_CHECKLIST.items.map((i) => i.item),
	'致命错误',
	'致命错误类型',
	'总分',
	'备注'
];

/** The quality officers and their severity: points of every item's maximum they add (negative = harsh). */
// 李质检 is the demo quality officer's display name: signed in as qc, the page shows their own workload
export const INSPECTORS: Readonly<Record<string, number>> = { 李质检: 0.005, 郑凯: -0.1, 唐静怡: 0, 冯子豪: -0.005 };
export const HARSH_INSPECTOR = '郑凯';
export const SECURITY_ITEM = '信息安全';
export const PROCESS_ITEM = '流程完整';
/** the store whose 流程完整 slips, and by how much of the item's maximum */
const PROCESS_STORE = '成都春熙路店';
const PROCESS_DROP = 0.35;
const FATAL_TYPES = new Weighted(['辱骂客户', '违规承诺', '泄露客户信息'] as const, [0.4, 0.45, 0.15]);
const BASE_FATAL = 0.012;
const AGENT_SECURITY_FATAL = 0.3;
const DOUBLE_SHARE = 0.1;
const CHANNELS = new Weighted(['电话', '在线', '现场'] as const, [0.55, 0.3, 0.15]);

export interface InspectionStats {
	rows: number;
	contacts: number;
	doubleScored: number;
	byInspector: Record<string, { rows: number; scoreSum: number }>;
	fatalAgent: { staffId: string; name: string; store: string; fatals: number; securityFatals: number; inspections: number };
	processStore: { store: string; fromDate: string; beforeSum: number; beforeCount: number; afterSum: number; afterCount: number };
}

/** The agent with the planted fatal errors: the first 客服专员 in post over the whole period. */
function fatalAgentOf(roster: readonly StaffMember[], period: Period): StaffMember {
	const agent = roster.find((p) => p.department === '客服中心' && !p.supervisor && p.hireDay <= period.from && p.leaveDay === null);
	if (!agent) throw new Error('no agent in post over the whole period');
	return agent;
}

/** The first of a month about 55% into the period: the store's new process starts to slip. */
function processDay(period: Period): number {
	const c = civil(period.from + Math.round(period.days * 0.55));
	return c.m === 12 ? epochDay(c.y + 1, 1, 1) : epochDay(c.y, c.m + 1, 1);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export async function writeInspections(
	path: string,
	encoding: OutputEncoding,
	seed: number,
	period: Period,
	roster: readonly StaffMember[]
): Promise<InspectionStats> {
	const rng = new Rng(seed, 'inspections');
	const inspectors = Object.keys(INSPECTORS);
	const agents = roster.filter((p) => p.department === '客服中心');
	const fatalAgent = fatalAgentOf(roster, period);
	const slip = processDay(period);
	const slipStore = STORES.findIndex((s) => s.name === PROCESS_STORE);
	const stats: InspectionStats = {
		rows: 0,
		contacts: 0,
		doubleScored: 0,
		byInspector: Object.fromEntries(inspectors.map((i) => [i, { rows: 0, scoreSum: 0 }])),
		fatalAgent: {
			staffId: fatalAgent.id,
			name: fatalAgent.name,
			store: STORES[fatalAgent.store]!.name,
			fatals: 0,
			securityFatals: 0,
			inspections: 0
		},
		processStore: { store: PROCESS_STORE, fromDate: isoDate(slip), beforeSum: 0, beforeCount: 0, afterSum: 0, afterCount: 0 }
	};
	const out = new CsvWriter(path, encoding, INSPECTION_HEADER);
	let seq = 0;
	const write = (
		p: StaffMember,
		day: number,
		contact: string,
		channel: string,
		inspector: string,
		truth: number[],
		fatal: string | null
	) => {
		seq++;
		const severity = INSPECTORS[inspector]!;
		const points = DEFAULT_CHECKLIST.items.map((it, k) => {
			const q = clamp01(truth[k]! + severity + 0.04 * rng.normal());
			return Math.round(q * it.maxPoints);
		});
		if (fatal === '泄露客户信息') points[DEFAULT_CHECKLIST.items.findIndex((i) => i.item === SECURITY_ITEM)] = rng.int(3);
		const sum = points.reduce((a, b) => a + b, 0);
		const total = fatal ? 0 : sum;
		out.push(
			[
				`QA${String(seq).padStart(6, '0')}`,
				slashDate(day),
				inspector,
				p.id,
				STORES[p.store]!.name,
				channel,
				contact,
				...points,
				fatal ? '是' : '否',
				fatal ?? '',
				total,
				''
			].join(',')
		);
		stats.rows++;
		const s = stats.byInspector[inspector]!;
		s.rows++;
		s.scoreSum += total;
		if (p === fatalAgent) {
			stats.fatalAgent.inspections++;
			if (fatal) stats.fatalAgent.fatals++;
			if (fatal === '泄露客户信息') stats.fatalAgent.securityFatals++;
		}
		if (p.store === slipStore) {
			const process = points[DEFAULT_CHECKLIST.items.findIndex((i) => i.item === PROCESS_ITEM)]!;
			if (day >= slip) {
				stats.processStore.afterSum += process;
				stats.processStore.afterCount++;
			} else {
				stats.processStore.beforeSum += process;
				stats.processStore.beforeCount++;
			}
		}
	};

	const start = civil(period.from);
	for (let y = start.y, m = start.m; ; m === 12 ? (y++, (m = 1)) : m++) {
		const first = Math.max(epochDay(y, m, 1), period.from);
		if (first > period.to) break;
		const last = Math.min(m === 12 ? epochDay(y + 1, 1, 1) - 1 : epochDay(y, m + 1, 1) - 1, period.to);
		for (const p of agents) {
			const days: number[] = [];
			for (let d = first; d <= last; d++) if (isActive(p, d)) days.push(d);
			if (days.length < 5) continue;
			const count = rng.range(2, 4);
			for (let n = 0; n < count; n++) {
				const day = days[rng.int(days.length)]!;
				stats.contacts++;
				const contact = `C${String(stats.contacts).padStart(7, '0')}`;
				const channel = CHANNELS.draw(rng);
				const level = 0.88 + (p.ability - 80) / 150 + 0.05 * rng.normal();
				const truth = DEFAULT_CHECKLIST.items.map((it) => {
					const slipping = it.item === PROCESS_ITEM && p.store === slipStore && day >= slip ? PROCESS_DROP : 0;
					return clamp01(level + 0.04 * rng.normal() - slipping);
				});
				const fatal =
					p === fatalAgent && rng.chance(AGENT_SECURITY_FATAL) ? '泄露客户信息' : rng.chance(BASE_FATAL) ? FATAL_TYPES.draw(rng) : null;
				const first = inspectors[rng.int(inspectors.length)]!;
				write(p, day, contact, channel, first, truth, fatal);
				if (rng.chance(DOUBLE_SHARE)) {
					stats.doubleScored++;
					const others = inspectors.filter((i) => i !== first);
					const second = others[rng.int(others.length)]!;
					write(p, Math.min(day + rng.int(3), period.to), contact, channel, second, truth, fatal);
				}
			}
		}
		await out.flush();
	}
	await out.close();
	return stats;
}
