import { queryRows } from '$lib/server/core/db';
import { storeScopeSql } from '$lib/server/core/db/store-scope';
import type { Database } from '$lib/server/core/db';
import { queryMetric } from '$lib/server/metrics/query';
import { EVAL_DIMENSIONS, monthsOf, type AppraisalRow, type Evidence } from '$lib/features/evaluations/model';

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
