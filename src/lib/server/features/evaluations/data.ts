import { queryRows } from '$lib/server/core/db';
import { storeScopeSql } from '$lib/server/core/db/store-scope';
import type { Database } from '$lib/server/core/db';
import { queryMetric, type MetricRow } from '$lib/server/metrics/query';
import {
	EVAL_DIMENSIONS,
	monthsOf,
	type AppraisalRow,
	type ComponentScores,
	type EvalComponent,
	type Evidence
} from '$lib/features/evaluations/model';

/**
 * Reading what evaluations rest on: appraisal rows of the user's stores (bound, never concatenated),
 * and the evidence of a period (complaints against each staff member, attributed survey results)
 * through the metric catalog, so complaint counts and CSAT mean what they mean everywhere else.
 */

/** `store IN scope` as SQL with its parameter (the one scope helper); an empty scope sees nothing. */
export const scopeSql = storeScopeSql;

/** Every appraisal row of the stores in scope (monthly, quarterly and yearly), oldest first. */
export async function appraisalRows(db: Database, scope: string[] | null): Promise<AppraisalRow[]> {
	const s = scopeSql(scope, 'store', 1);
	const rows = await db.withConnection((conn) =>
		queryRows<Record<string, unknown>>(
			conn,
			`SELECT staff_id, staff_name, period, store, department, position, ${EVAL_DIMENSIONS.map((d) => `${d}::DOUBLE AS ${d}`).join(', ')},
			 total_score::DOUBLE AS total, reviewer, comment
			 FROM appraisals WHERE ${s.sql} ORDER BY period_start, staff_id`,
			s.params
		)
	);
	const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
	const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
	return rows.map((r) => ({
		staffId: String(r.staff_id),
		staffName: str(r.staff_name),
		period: String(r.period),
		store: str(r.store),
		department: str(r.department),
		position: str(r.position),
		business_ability: num(r.business_ability),
		communication: num(r.communication),
		teamwork: num(r.teamwork),
		service_attitude: num(r.service_attitude),
		discipline: num(r.discipline),
		fileTotal: Number(r.total),
		reviewer: str(r.reviewer),
		comment: str(r.comment)
	}));
}

/** First and last day of a period, 'YYYY-MM-DD'. */
export function periodRange(period: string): { from: string; to: string } {
	const months = monthsOf(period);
	const first = months[0]!;
	const last = months[months.length - 1]!;
	const [y, m] = last.split('-').map(Number) as [number, number];
	const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
	return { from: `${first}-01`, to: end };
}

/** Complaints against each staff member and their attributed survey results in a period, by staff id. */
export async function periodEvidence(db: Database, scope: string[] | null, period: string): Promise<Map<string, Evidence>> {
	const { from, to } = periodRange(period);
	const base = { from, to, grain: 'all', by: 'staff', scope };
	const [complaints, csat] = await Promise.all([
		queryMetric(db, { ...base, metric: 'complaint_count' }),
		queryMetric(db, { ...base, metric: 'csat' })
	]);
	const out = new Map<string, Evidence>();
	const get = (id: string) => out.get(id) ?? out.set(id, { complaints: 0, responses: 0, csat: null }).get(id)!;
	for (const r of complaints.rows) if (typeof r.group === 'string') get(r.group).complaints = Number(r.value ?? 0);
	for (const r of csat.rows) {
		if (typeof r.group !== 'string') continue;
		const e = get(r.group);
		e.responses = Number(r.n ?? 0);
		e.csat = typeof r.value === 'number' ? r.value : null;
	}
	return out;
}

/**
 * The catalog metrics each optional component reads (so it means what it means on /inspections and /service):
 * its value, and where its n comes from — the inspections counted, or the ratio's denominator (contacts due).
 */
const COMPONENT_METRICS: Record<EvalComponent, { value: string; n: { metric: string; column: string } }> = {
	qa_score: { value: 'qa_score_mean', n: { metric: 'inspection_count', column: 'value' } },
	fcr: { value: 'fcr_repeat', n: { metric: 'fcr_repeat', column: 'denominator' } }
};

/**
 * The optional components by staff and month over the periods given (their months, first to last): each
 * month's value with its n (inspections; contacts due), kept as sums so a quarter is the mean over all its
 * inspections/contacts, not a mean of monthly means.
 */
export async function componentScores(db: Database, scope: string[] | null, periods: readonly string[]): Promise<ComponentScores> {
	const months = periods.flatMap((p) => monthsOf(p)).sort();
	const out: ComponentScores = new Map();
	if (!months.length) return out;
	const base = { from: periodRange(months[0]!).from, to: periodRange(months[months.length - 1]!).to, grain: 'month', by: 'staff', scope };
	const key = (r: MetricRow) => `${String(r.period).slice(0, 7)}\u0000${String(r.group)}`;
	for (const [c, { value, n }] of Object.entries(COMPONENT_METRICS) as [EvalComponent, (typeof COMPONENT_METRICS)[EvalComponent]][]) {
		const [values, counts] = await Promise.all([
			queryMetric(db, { ...base, metric: value }),
			queryMetric(db, { ...base, metric: n.metric })
		]);
		const ns = new Map(counts.rows.map((r) => [key(r), Number(r[n.column] ?? 0)]));
		for (const r of values.rows) {
			const count = ns.get(key(r)) ?? 0;
			if (typeof r.group !== 'string' || typeof r.value !== 'number' || !(count > 0)) continue;
			const byMonth = out.get(r.group) ?? out.set(r.group, new Map()).get(r.group)!;
			const month = String(r.period).slice(0, 7);
			byMonth.set(month, { ...byMonth.get(month), [c]: { sum: r.value * count, n: count } });
		}
	}
	return out;
}
