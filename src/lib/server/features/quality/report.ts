import type { Database } from '$lib/server/core/db';
import { metricById } from '$lib/server/metrics/catalog';
import { queryMetric } from '$lib/server/metrics/query';
import { num } from '$lib/server/features/overview/dashboard';
import { readAllTargets } from '$lib/server/metrics/targets';
import { targetState, type TargetState } from '$lib/shared/dashboard/targets';
import type { MetricUnit } from '$lib/shared/dashboard/types';
import { listAlerts, type AlertRow } from './alerts';
import { comparePareto, whatChanged } from './causes';
import type { ChangeRow } from '$lib/shared/quality/change';
import { reportPeriods, type ReportGrain } from './periods';
import { periodStart, type DateRange } from '$lib/shared/dashboard/range';
import type { Bilingual } from '$lib/shared/bilingual';
import { HEADLINE_METRICS, SERVICE_HEADLINE_METRICS } from '$lib/server/metrics/headline';

/**
 * The weekly / monthly quality report (周报/月报): headline metrics against targets and the previous
 * period, the service process's headline (服务过程), the signals and alerts of the period, top complaint
 * causes, what changed, open actions. One
 * data object that the page, the PDF (the page printed) and the Excel workbook all show.
 */
export const REPORT_METRICS = HEADLINE_METRICS;
/** The report's 质检 section: the inspections' own headline (shown when the period or the one before has any). */
export const INSPECTION_REPORT_METRICS = ['inspection_count', 'qa_score_mean', 'qa_pass_rate', 'qa_fatal_rate', 'qa_fatal_count'] as const;

export interface HeadlineRow {
	id: string;
	label: Bilingual;
	unit: MetricUnit;
	direction: 'higher' | 'lower';
	value: number | null;
	previous: number | null;
	target: number | null;
	warn: number | null;
	state: TargetState | null;
}

export interface QualityReport {
	grain: ReportGrain;
	current: DateRange;
	previous: DateRange;
	lastDay: string;
	headline: HeadlineRow[];
	/** 服务过程: the contact centre's headline metrics, the same way (empty values without contacts) */
	service: HeadlineRow[];
	alerts: AlertRow[];
	causes: { category: string; current: number; previous: number; share: number }[];
	changed: { before: number | null; after: number | null; rows: ChangeRow[] };
	open: AlertRow[];
	/** null when neither period has an inspection */
	inspections: { headline: HeadlineRow[]; pointsLost: { item: string; current: number; previous: number }[] } | null;
}

export async function qualityReport(
	db: Database,
	req: { grain: ReportGrain; at: string; lastDay: string; scope: string[] | null }
): Promise<QualityReport> {
	const { current, previous } = reportPeriods(req.grain, req.at);
	const to = current.to > req.lastDay && current.from <= req.lastDay ? req.lastDay : current.to;
	const cur = { from: current.from, to };
	const ask = (metric: string, r: DateRange) =>
		queryMetric(db, { metric, from: r.from, to: r.to, grain: 'all', filters: {}, scope: req.scope });
	const targets = await db.withConnection((c) => readAllTargets(c));
	const headlineOf = (ids: readonly string[]) =>
		Promise.all(
			ids.map(async (id): Promise<HeadlineRow> => {
				const def = metricById(id)!;
				const [a, b] = await Promise.all([ask(id, cur), ask(id, previous)]);
				const t = targets.find((x) => x.metric === id && x.scope.kind === 'all');
				const value = num(a.rows[0]?.value);
				return {
					id,
					label: def.label,
					unit: def.unit,
					direction: def.direction,
					value,
					previous: num(b.rows[0]?.value),
					target: t?.value ?? null,
					warn: t?.warn ?? null,
					state: targetState(value, t?.value ?? null, def.direction, t?.warn ?? null)
				};
			})
		);
	const [headline, service, qa] = await Promise.all([
		headlineOf(REPORT_METRICS),
		headlineOf(SERVICE_HEADLINE_METRICS),
		headlineOf(INSPECTION_REPORT_METRICS)
	]);
	const inspected = (qa[0]!.value ?? 0) > 0 || (qa[0]!.previous ?? 0) > 0;
	const lost = async (r: DateRange) =>
		new Map(
			(
				await queryMetric(db, { metric: 'qa_points_lost', by: 'item', from: r.from, to: r.to, grain: 'all', filters: {}, scope: req.scope })
			).rows.map((x) => [String(x.group), num(x.value) ?? 0])
		);
	const [lostNow, lostBefore] = inspected
		? await Promise.all([lost(cur), lost(previous)])
		: [new Map<string, number>(), new Map<string, number>()];
	const pointsLost = [...new Set([...lostNow.keys(), ...lostBefore.keys()])]
		.map((item) => ({ item, current: lostNow.get(item) ?? 0, previous: lostBefore.get(item) ?? 0 }))
		.sort((x, y) => y.current - x.current || x.item.localeCompare(y.item));
	const month = periodStart(cur.from, 'month');
	const [all, pareto, changed] = await Promise.all([
		db.withConnection((c) => listAlerts(c, { stores: req.scope })),
		comparePareto(db, cur, previous, req.scope, null),
		whatChanged(db, { metric: 'complaint_rate', by: 'store', current: cur, previous, scope: req.scope })
	]);
	const total = pareto.items.reduce((s, i) => s + i.current, 0);
	let run = 0;
	const causes = pareto.items.slice(0, 8).map((i) => {
		run += i.current;
		return { ...i, share: total > 0 ? (run / total) * 100 : 0 };
	});
	return {
		grain: req.grain,
		current: cur,
		previous,
		lastDay: req.lastDay,
		headline,
		service,
		alerts: all.filter((a) => a.period === month),
		causes,
		changed: { before: changed.before, after: changed.after, rows: changed.rows.slice(0, 8) },
		open: all.filter((a) => a.status !== 'closed').slice(0, 30),
		inspections: inspected ? { headline: qa, pointsLost } : null
	};
}
