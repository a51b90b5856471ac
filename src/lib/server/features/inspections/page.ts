import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { SOURCES } from '$lib/server/metrics/catalog';
import { queryMetric, type MetricRow } from '$lib/server/metrics/query';
import { checklistOn, type Checklist } from '$lib/shared/inspections/checklist';
import { coverage, DEFAULT_MARGIN_POINTS, type AgentCoverage } from '$lib/shared/inspections/sampling';
import type { RankItem } from '$lib/shared/dashboard/types';
import { readChecklists } from './checklist';
import type { Calibration, FatalRow, Figure, NextContacts, WorkloadRow } from '$lib/features/inspections/types';
import { calibrate, type ScoredInspection } from './calibration';
import { nextContacts } from './next-contacts';

/**
 * The 质检 page's data, within the user's stores: the month's figures from the metric catalog, the
 * inspectors' workload, calibration over the twelve months up to the last inspection, each agent's coverage
 * against the sampling plan, contacts to inspect next (when contact logs exist), the last seven days' fatal
 * errors and the checklists. Every inspection is scored by the catalog's own relation (the checklist in
 * force on its day), so the page and the metrics cannot disagree.
 */

export interface InspectionsPageData {
	month: string;
	/** the last day with an inspection in the user's stores; null without any */
	asOf: string | null;
	marginPoints: number;
	figures: { inspections: number; meanScore: number | null; passRate: Figure; fatalRate: Figure };
	workload: WorkloadRow[];
	/** the signed-in officer's own row of the workload, when their display name is an inspector's */
	mine: WorkloadRow | null;
	calibration: Calibration;
	calibrationFrom: string | null;
	coverage: AgentCoverage[];
	next: NextContacts;
	fatalWeek: FatalRow[];
	pointsLost: RankItem[];
	checklists: Checklist[];
	current: Checklist;
}

/** The scored inspections of a range and scope, as the metric source reads them, with its parameters. */
function scored(from: string, to: string, scope: readonly string[] | null): { sql: string; params: DuckDBValue[] } {
	const params: DuckDBValue[] = [from, to];
	if (scope?.length) params.push(listValue([...scope]));
	const conditions = () => (scope === null ? [] : scope.length ? ['list_contains($3::VARCHAR[], store)'] : ['false']);
	return { sql: SOURCES.inspections.relation({ from: '$1::DATE', to: '$2::DATE', conditions }), params };
}

const monthStart = (m: string) => `${m}-01`;
const monthEnd = (m: string) => {
	const [y, mo] = m.split('-').map(Number) as [number, number];
	return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
};
const shiftDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const monthsBefore = (m: string, n: number) => {
	const [y, mo] = m.split('-').map(Number) as [number, number];
	const d = new Date(Date.UTC(y, mo - 1 - n, 1));
	return d.toISOString().slice(0, 7);
};

function figure(row: MetricRow | undefined): Figure {
	return {
		value: typeof row?.value === 'number' ? row.value : null,
		n: Number(row?.n ?? 0),
		low: typeof row?.ci_low === 'number' ? row.ci_low : null,
		high: typeof row?.ci_high === 'number' ? row.ci_high : null,
		lowSample: row?.low_sample === true
	};
}

export async function lastInspectionDay(conn: DuckDBConnection, scope: readonly string[] | null): Promise<string | null> {
	const { sql, params } = scored('1900-01-01', '2999-12-31', scope);
	const [r] = await queryRows<{ d: string | null }>(conn, `SELECT strftime(max(d), '%Y-%m-%d') AS d FROM ${sql}`, params);
	return r?.d ?? null;
}

export async function inspectionsPage(
	db: Database,
	opts: { month: string | null; marginPoints?: number; scope: string[] | null; displayName: string }
): Promise<InspectionsPageData> {
	const marginPoints = opts.marginPoints ?? DEFAULT_MARGIN_POINTS;
	const { scope } = opts;
	return db.withConnection(async (conn) => {
		const asOf = await lastInspectionDay(conn, scope);
		const month = opts.month ?? (asOf ?? new Date().toISOString()).slice(0, 7);
		const [from, to] = [monthStart(month), monthEnd(month)];
		const request = { filters: {}, scope, grain: 'all', from, to };
		const [pass, fatal, mean, count, lost] = await Promise.all(
			['qa_pass_rate', 'qa_fatal_rate', 'qa_score_mean', 'inspection_count']
				.map((metric) => queryMetric(db, { ...request, metric }).then((r) => r.rows))
				.concat([queryMetric(db, { ...request, metric: 'qa_points_lost', by: 'item' }).then((r) => r.rows)])
		);

		const month12 = scored(monthStart(monthsBefore(month, 11)), to, scope);
		const rows = await queryRows<ScoredInspection & { staff: string; store: string; month: string }>(
			conn,
			`SELECT inspection_id AS id, contact_id AS contact, inspector, strftime(d, '%Y-%m-%d') AS day, score::DOUBLE AS score, passed, fatal,
			        staff_id AS staff, store, strftime(d, '%Y-%m') AS month
			 FROM ${month12.sql} ORDER BY d, inspection_id`,
			month12.params
		);
		const thisMonth = rows.filter((r) => r.month === month);
		const workload = workloadOf(thisMonth);

		// coverage: every agent inspected in the last three months; history = the twelve months before this one
		const recent = new Set([monthsBefore(month, 2), monthsBefore(month, 1), month]);
		const agents = new Map<string, { staffId: string; store: string; done: number; history: { passed: number; n: number } }>();
		for (const r of rows)
			if (recent.has(r.month) && !agents.has(r.staff))
				agents.set(r.staff, { staffId: r.staff, store: r.store, done: 0, history: { passed: 0, n: 0 } });
		for (const r of rows) {
			const a = agents.get(r.staff);
			if (!a) continue;
			if (r.month === month) a.done++;
			else {
				a.history.n++;
				if (r.passed) a.history.passed++;
			}
		}
		const plan = coverage([...agents.values()], marginPoints);

		const weekFrom = shiftDays(asOf ?? to, -6);
		const week = scored(weekFrom, asOf ?? to, scope);
		const fatalWeek = await queryRows<FatalRow>(
			conn,
			`SELECT inspection_id AS id, strftime(d, '%Y-%m-%d') AS day, staff_id AS "staffId", store, inspector, fatal_type AS type, contact_id AS contact
			 FROM ${week.sql} WHERE fatal ORDER BY d DESC, inspection_id`,
			week.params
		);
		const checklists = await readChecklists(conn);
		const calibration = calibrate(rows);
		return {
			month,
			asOf,
			marginPoints,
			figures: {
				inspections: Number(count?.[0]?.value ?? 0),
				meanScore: typeof mean?.[0]?.value === 'number' ? mean[0].value : null,
				passRate: figure(pass?.[0]),
				fatalRate: figure(fatal?.[0])
			},
			workload,
			mine: workload.find((w) => w.inspector === opts.displayName) ?? null,
			calibration,
			calibrationFrom: rows[0]?.day ?? null,
			coverage: plan,
			next: await nextContacts(conn, plan, month, scope),
			fatalWeek,
			pointsLost: (lost ?? []).map((r) => ({ label: String(r.group), key: String(r.group), value: Number(r.value ?? 0) })),
			checklists,
			current: checklistOn(checklists, asOf ?? to)
		};
	});
}

function workloadOf(rows: readonly (ScoredInspection & { month: string })[]): WorkloadRow[] {
	const by = new Map<string, { n: number; sum: number; passed: number }>();
	for (const r of rows) {
		const w = by.get(r.inspector) ?? by.set(r.inspector, { n: 0, sum: 0, passed: 0 }).get(r.inspector)!;
		w.n++;
		w.sum += r.score;
		if (r.passed) w.passed++;
	}
	return [...by]
		.map(([inspector, w]) => ({ inspector, count: w.n, mean: w.sum / w.n, passRate: (w.passed / w.n) * 100 }))
		.sort((a, b) => b.count - a.count || a.inspector.localeCompare(b.inspector));
}
