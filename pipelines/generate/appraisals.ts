import { civil, epochDay, monthPeriod, slashDate } from './calendar';
import { CsvWriter, csvField, type OutputEncoding } from './csv';
import { REVIEWERS, STORES, type Period } from './model';
import { Rng } from './random';
import type { StaffMember } from './roster';
import { appraisalRemark } from './texts';

export const STAFF_HEADER = ['工号', '姓名', '门店', '部门', '岗位', '入职日期', '在职状态'];
export const APPRAISAL_HEADER = [
	'工号',
	'姓名',
	'门店',
	'部门',
	'岗位',
	'考核周期',
	'业务能力',
	'沟通能力',
	'团队协作',
	'服务态度',
	'工作纪律',
	'总分',
	'等级',
	'考核人',
	'评语'
];

export async function writeStaff(path: string, encoding: OutputEncoding, roster: readonly StaffMember[]): Promise<number> {
	const out = new CsvWriter(path, encoding, STAFF_HEADER);
	for (const p of roster) {
		out.push(
			[p.id, p.name, STORES[p.store]!.name, p.department, p.position, slashDate(p.hireDay), p.leaveDay === null ? '在职' : '离职'].join(',')
		);
	}
	await out.close();
	return out.rows;
}

export interface AppraisalStats {
	rows: number;
	months: string[];
	byReviewer: Record<string, { rows: number; totalSum: number }>;
	under80Rows: number;
	under80Staff: string[];
	byGrade: Record<string, number>;
}

/** The months appraised: every calendar month whose first day lies in the period. */
export function appraisalMonths(period: Period): { period: string; start: number; end: number }[] {
	const out: { period: string; start: number; end: number }[] = [];
	const c = civil(period.from);
	let y = c.y;
	let m = c.m;
	for (;;) {
		const start = epochDay(y, m, 1);
		if (start > period.to) break;
		const end = m === 12 ? epochDay(y + 1, 1, 1) - 1 : epochDay(y, m + 1, 1) - 1;
		if (start >= period.from) out.push({ period: monthPeriod(y, m), start, end });
		m++;
		if (m > 12) {
			m = 1;
			y++;
		}
	}
	return out;
}

/**
 * One row per staff member in post during a month: five dimension scores around the person's level,
 * lower in the first months after hiring, shifted by the reviewer's leniency; the total is their mean.
 */
export async function writeAppraisals(
	path: string,
	encoding: OutputEncoding,
	seed: number,
	period: Period,
	roster: readonly StaffMember[]
): Promise<AppraisalStats> {
	const rng = new Rng(seed, 'appraisals');
	const months = appraisalMonths(period);
	const stats: AppraisalStats = {
		rows: 0,
		months: months.map((m) => m.period),
		byReviewer: {},
		under80Rows: 0,
		under80Staff: [],
		byGrade: {}
	};
	const under80 = new Set<string>();
	const out = new CsvWriter(path, encoding, APPRAISAL_HEADER);
	for (const month of months) {
		for (const p of roster) {
			if (p.hireDay > month.end || (p.leaveDay !== null && p.leaveDay < month.start)) continue;
			const store = STORES[p.store]!;
			const reviewer = store.reviewer;
			const monthsInPost = (month.end - p.hireDay) / 30.4;
			const ramp = monthsInPost < 6 ? -(6 - monthsInPost) * 1.2 : 0;
			const base = p.ability + ramp + (REVIEWERS[reviewer] ?? 0);
			const scores = p.traits.map((t, k) => Math.min(100, Math.max(40, Math.round(base + t + (k === 4 ? 1.5 : 0) + 2.8 * rng.normal()))));
			const sum = scores.reduce((a, b) => a + b, 0);
			// integer scores: the mean is an exact one-decimal number; grade bands compare the sum exactly
			const total = (sum / 5).toFixed(1);
			const grade = sum >= 450 ? 'A' : sum >= 400 ? 'B' : sum >= 300 ? 'C' : 'D';
			out.push(
				[
					p.id,
					p.name,
					store.name,
					p.department,
					p.position,
					month.period,
					...scores,
					total,
					grade,
					reviewer,
					csvField(appraisalRemark(rng, grade))
				].join(',')
			);

			stats.rows++;
			const r = (stats.byReviewer[reviewer] ??= { rows: 0, totalSum: 0 });
			r.rows++;
			r.totalSum += sum / 5;
			stats.byGrade[grade] = (stats.byGrade[grade] ?? 0) + 1;
			if (sum < 400) {
				stats.under80Rows++;
				under80.add(p.id);
			}
		}
		await out.flush();
	}
	await out.close();
	stats.under80Staff = [...under80].sort();
	return stats;
}
