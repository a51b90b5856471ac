import { SPRING_FESTIVAL, civil, holidayRuns, isoDate } from './calendar';
import type { AppraisalStats } from './appraisals';
import type { ComplaintStats } from './complaints';
import type { contactTruth } from './contacts';
import { HARSH_INSPECTOR, INSPECTORS, PROCESS_ITEM, SECURITY_ITEM, type InspectionStats } from './inspections';
import { REFERENCE_SCALE, REVIEWERS, SLA_HOURS, STORES, type Period, type Plan } from './model';
import type { StaffMember } from './roster';
import type { SurveyStats } from './surveys';
import type { Traffic } from './traffic';
import type { KindId } from '$lib/shared/schema';

/** truth.json: what the generator planted, with the values realised in the files written. */

const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : null);
const permille = (n: number, d: number) => r4((n / d) * 1000);

export interface TruthInput {
	seed: number;
	scale: number;
	encoding: string;
	period: Period;
	plan: Plan;
	traffic: Traffic;
	roster: readonly StaffMember[];
	complaints: ComplaintStats;
	surveys: SurveyStats;
	appraisals: AppraisalStats;
	contacts: ReturnType<typeof contactTruth>;
	inspections: InspectionStats;
	files: Record<KindId, { file: string; rows: number }>;
}

function transactionsSplit(traffic: Traffic, period: Period, store: number | null, day: number): { before: number; after: number } {
	let before = 0;
	let after = 0;
	for (let i = 0; i < traffic.days; i++) {
		for (let k = 0; k < traffic.stores; k++) {
			if (store !== null && k !== store) continue;
			const t = traffic.transactions[i * traffic.stores + k]!;
			if (period.from + i >= day) after += t;
			else before += t;
		}
	}
	return { before, after };
}

export function buildTruth(x: TruthInput) {
	const { plan, period, traffic, complaints: c, surveys: s, appraisals: a } = x;
	const det = plan.deterioration;
	const detTx = transactionsSplit(traffic, period, det.store, det.day);
	const allTx = transactionsSplit(traffic, period, null, plan.fix.day);
	const totalTx = allTx.before + allTx.after;
	const reviewerMeans = Object.entries(a.byReviewer).map(([name, v]) => ({ name, rows: v.rows, mean: v.totalSum / v.rows }));
	const lenient = reviewerMeans.find((r) => r.name === plan.lenientReviewer);
	const others = reviewerMeans.filter((r) => r.name !== plan.lenientReviewer);
	const othersRows = others.reduce((n, r) => n + r.rows, 0);
	const othersMean = others.reduce((n, r) => n + r.mean * r.rows, 0) / othersRows;
	const questionnaires = s.byMethod['问卷'] ?? 0;

	return {
		format_version: 1,
		seed: x.seed,
		scale: x.scale,
		encoding: x.encoding,
		period: { from: isoDate(period.from), to: isoDate(period.to), days: period.days, snapshot: `${isoDate(period.to)} 23:59` },
		files: x.files,
		volumes: {
			complaints: c.rows,
			surveys: s.rows,
			traffic_rows: traffic.days * traffic.stores,
			appraisals: a.rows,
			staff: x.roster.length,
			transactions: totalTx,
			complaint_rate_permille: permille(c.rows, totalTx),
			transaction_scale: r4(plan.transactionScale),
			note: `Visitors and transactions are multiplied by transaction_scale = max(1, scale / ${REFERENCE_SCALE}) so that the chain-wide complaint rate stays near 1‰ from that scale up; smaller scales keep the base traffic and have proportionally lower rates (0.1‰ at 3000).`
		},
		stores: STORES.map((st, k) => ({
			store: st.name,
			city: st.city,
			size: st.size,
			reviewer: st.reviewer,
			complaint_level: st.complaintLevel,
			complaints: c.byStore[k],
			mean_overall_satisfaction: r4(s.overallSum[k]! / s.overallCount[k]!)
		})),
		planted: {
			deteriorating_store: {
				store: STORES[det.store]!.name,
				from_date: isoDate(det.day),
				rate_multiplier: det.rateMultiplier,
				note: `From from_date on, complaints per transaction × ${det.rateMultiplier}, more 服务态度 complaints, responses ${det.responseSlowdown}× slower, survey satisfaction −${det.satisfactionDrop}.`,
				complaints_before: c.deterioration.before,
				complaints_after: c.deterioration.after,
				transactions_before: detTx.before,
				transactions_after: detTx.after,
				rate_before_permille: permille(c.deterioration.before, detTx.before),
				rate_after_permille: permille(c.deterioration.after, detTx.after),
				mean_overall_before: r4(s.deterioration.beforeSum / s.deterioration.beforeCount),
				mean_overall_after: r4(s.deterioration.afterSum / s.deterioration.afterCount)
			},
			improved_category: {
				category: plan.fix.category,
				fix_date: isoDate(plan.fix.day),
				rate_multiplier: plan.fix.multiplier,
				complaints_before: c.fix.categoryBefore,
				complaints_after: c.fix.categoryAfter,
				share_before: r4(c.fix.categoryBefore / c.fix.before),
				share_after: r4(c.fix.categoryAfter / c.fix.after),
				rate_before_permille: permille(c.fix.categoryBefore, allTx.before),
				rate_after_permille: permille(c.fix.categoryAfter, allTx.after)
			},
			lenient_reviewer: {
				reviewer: plan.lenientReviewer,
				leniency_points: REVIEWERS[plan.lenientReviewer],
				mean_total: lenient ? r4(lenient.mean) : null,
				others_mean_total: r4(othersMean),
				margin: lenient ? r4(lenient.mean - othersMean) : null,
				reviewers: reviewerMeans.map((r) => ({
					reviewer: r.name,
					leniency_points: REVIEWERS[r.name],
					stores: STORES.filter((st) => st.reviewer === r.name).map((st) => st.name),
					appraisals: r.rows,
					mean_total: r4(r.mean)
				}))
			},
			repeat_complainants: {
				definition: 'a complaint whose phone number had a complaint at the same store within the previous 30 days',
				planted_probability: plan.repeatShare,
				repeat_complaints: c.repeats,
				share: r4(c.repeats / c.rows),
				summary_prefix: '再次投诉：'
			},
			straight_liners: {
				definition:
					'问卷 responses with the same value in 总体满意度, 商场环境, 商品质量, 服务质量 and 价格, and that same number as 推荐意愿',
				planted_probability: plan.straightLinerShare,
				count: s.straightLiners,
				share_of_questionnaires: r4(s.straightLiners / questionnaires)
			},
			low_performers: x.roster
				.filter((p) => p.lowPerformer)
				.map((p) => ({ staff_id: p.id, name: p.name, store: STORES[p.store]!.name, department: p.department })),
			appraisals_under_80: { rows: a.under80Rows, staff: a.under80Staff },
			harsh_inspector: {
				inspector: HARSH_INSPECTOR,
				severity_share_of_max: INSPECTORS[HARSH_INSPECTOR],
				note: 'Every item this inspector scores loses this share of its maximum (10% of 100 points); the others are within ±0.5%.',
				inspectors: Object.entries(x.inspections.byInspector).map(([name, v]) => ({
					inspector: name,
					severity_share_of_max: INSPECTORS[name],
					inspections: v.rows,
					mean_score: r4(v.scoreSum / v.rows)
				}))
			},
			security_fatal_agent: {
				staff_id: x.inspections.fatalAgent.staffId,
				name: x.inspections.fatalAgent.name,
				store: x.inspections.fatalAgent.store,
				item: SECURITY_ITEM,
				fatal_type: '泄露客户信息',
				inspections: x.inspections.fatalAgent.inspections,
				fatal_errors: x.inspections.fatalAgent.fatals,
				security_fatal_errors: x.inspections.fatalAgent.securityFatals
			},
			process_slip: {
				store: x.inspections.processStore.store,
				item: PROCESS_ITEM,
				from_date: x.inspections.processStore.fromDate,
				mean_points_before: r4(x.inspections.processStore.beforeSum / x.inspections.processStore.beforeCount),
				mean_points_after: r4(x.inspections.processStore.afterSum / x.inspections.processStore.afterCount)
			}
		},
		complaints: {
			by_status: c.byStatus,
			major_share: r4(c.major / c.rows),
			major_escalated_share: r4(c.majorEscalated / c.major),
			escalated_share: r4(c.escalated / c.rows),
			out_of_scope_share: r4(c.outOfScope / c.rows),
			sla_hours: SLA_HOURS,
			response_late_share: r4(c.respondedLate / c.responded),
			resolution_late_share: r4(c.resolvedLate / c.resolved),
			follow_up_rate: r4(c.followUps / c.resolved),
			follow_up_results: c.followUpResults,
			compensated: c.compensated,
			by_channel: c.byChannel,
			by_category: c.byCategory
		},
		surveys: { waves: s.waves, wave_rows: s.waveRows, continuous_rows: s.continuousRows, by_method: s.byMethod },
		inspections: { rows: x.inspections.rows, contacts: x.inspections.contacts, double_scored_contacts: x.inspections.doubleScored },
		appraisals: { months: a.months.length, first: a.months[0] ?? null, last: a.months.at(-1) ?? null, by_grade: a.byGrade },
		contacts: x.contacts,
		staff: {
			total: x.roster.length,
			leavers: x.roster.filter((p) => p.leaveDay !== null).length,
			hired_in_period: x.roster.filter((p) => p.hireDay >= period.from).length,
			in_post_at_end: x.roster.filter((p) => p.leaveDay === null).length
		},
		calendar: {
			spring_festival: Object.values(SPRING_FESTIVAL).filter((d) => {
				const y = Number(d.slice(0, 4));
				return y >= civil(period.from).y && y <= civil(period.to).y;
			}),
			holidays: holidayRuns(period.from, period.to)
		}
	};
}

export type Truth = ReturnType<typeof buildTruth>;
