import { queryRows } from '$lib/server/core/db';
import type { Database } from '$lib/server/core/db';
import { queryMetric, type MetricRow } from '$lib/server/metrics/query';
import { anyComponents, cycleOf, evaluatePeriod, periodOfMonth, type Cycle } from '$lib/features/evaluations/model';
import type { Scorecard, ScorecardPeriod } from '$lib/features/evaluations/scorecard-types';
import { readEvalConfig } from './config';
import { appraisalRows, componentScores, periodRange, scopeSql } from './data';
import { periodsWithData } from './view';
import { intervalOf, num } from '$lib/server/features/overview/dashboard';

/** The period id of a metric row's period start ('YYYY-MM-DD') in a cycle. */
const periodOfDay = (cycle: Cycle, day: string) => periodOfMonth(cycle, day.slice(0, 7));

/**
 * 员工档案 of one staff member, or null when they have no appraisal in the user's stores (a manager
 * cannot open a scorecard of another store's staff, not even to learn that it exists).
 */
export async function staffScorecard(db: Database, scope: string[] | null, staffId: string, cycle: Cycle): Promise<Scorecard | null> {
	const [config, rows] = await Promise.all([db.withConnection(readEvalConfig), appraisalRows(db, scope)]);
	const own = rows.filter((r) => r.staffId === staffId);
	if (own.length === 0) return null;
	const periods = periodsWithData(own, cycle).reverse();
	const last = own[own.length - 1]!;
	const byPeriod = new Map<string, ScorecardPeriod>();
	// the total is the one the ranking shows, optional components (when weighted in) included
	const components = anyComponents(config.rules) ? await componentScores(db, scope, periods) : undefined;
	for (const p of periods) {
		const [evaluation] = evaluatePeriod(own, p, config.rules, config.settings, components);
		byPeriod.set(p, {
			period: p,
			evaluation: evaluation ?? null,
			complaints: 0,
			categories: {},
			outcomes: {},
			surveys: { n: 0, csat: null, csatCi: null, nps: null, npsCi: null, lowSample: true },
			qa: { n: 0, score: null, passRate: null, passCi: null, fatal: 0, lowSample: true },
			contacts: { handled: 0, aht: null, fcr: null }
		});
	}
	if (periods.length) {
		const from = periodRange(periods[0]!).from;
		const to = periodRange(periods[periods.length - 1]!).to;
		const s = scopeSql(scope, 'store', 4);
		const complaints = await db.withConnection((conn) =>
			queryRows<{ month: string; category: string | null; status: string; n: number }>(
				conn,
				`SELECT strftime(received_at, '%Y-%m') AS month, category::VARCHAR AS category, status::VARCHAR AS status, count(*) AS n
				 FROM complaints WHERE subject_staff_id = $1 AND received_at >= $2::DATE AND received_at < $3::DATE + INTERVAL 1 DAY AND ${s.sql}
				 GROUP BY ALL`,
				[staffId, from, to, ...s.params]
			)
		);
		for (const c of complaints) {
			const sp = byPeriod.get(periodOfMonth(cycle, c.month));
			if (!sp) continue;
			const n = Number(c.n);
			sp.complaints += n;
			const cat = c.category ?? '—';
			sp.categories[cat] = (sp.categories[cat] ?? 0) + n;
			sp.outcomes[c.status] = (sp.outcomes[c.status] ?? 0) + n;
		}
		const base = { from, to, grain: cycle, by: 'staff', scope };
		const [csat, nps] = await Promise.all([queryMetric(db, { ...base, metric: 'csat' }), queryMetric(db, { ...base, metric: 'nps' })]);
		for (const r of csat.rows) {
			if (r.group !== staffId || typeof r.period !== 'string') continue;
			const sp = byPeriod.get(periodOfDay(cycle, r.period));
			if (sp)
				Object.assign(sp.surveys, { n: Number(r.n ?? 0), csat: num(r.value), csatCi: intervalOf(r), lowSample: r.low_sample === true });
		}
		for (const r of nps.rows) {
			if (r.group !== staffId || typeof r.period !== 'string') continue;
			const sp = byPeriod.get(periodOfDay(cycle, r.period));
			if (sp) Object.assign(sp.surveys, { nps: num(r.value), npsCi: intervalOf(r) });
		}
		// 质检: the person's inspections, each scored with the checklist in force on its day
		const [pass, score, fatal] = await Promise.all(
			['qa_pass_rate', 'qa_score_mean', 'qa_fatal_count'].map((metric) => queryMetric(db, { ...base, metric }))
		);
		const each = (rows: MetricRow[], apply: (sp: ScorecardPeriod, r: MetricRow) => void) => {
			for (const r of rows) {
				if (r.group !== staffId || typeof r.period !== 'string') continue;
				const sp = byPeriod.get(periodOfDay(cycle, r.period));
				if (sp) apply(sp, r);
			}
		};
		each(pass!.rows, (sp, r) =>
			Object.assign(sp.qa, { n: Number(r.n ?? 0), passRate: num(r.value), passCi: intervalOf(r), lowSample: r.low_sample === true })
		);
		each(score!.rows, (sp, r) => (sp.qa.score = num(r.value)));
		each(fatal!.rows, (sp, r) => (sp.qa.fatal = Number(r.value ?? 0)));
		// as an agent: the same catalog metrics as 服务过程's agent table
		const contactMetrics = [
			['handled', 'contacts_handled'],
			['aht', 'aht_mean_s'],
			['fcr', 'fcr_repeat']
		] as const;
		const results = await Promise.all(contactMetrics.map(([, metric]) => queryMetric(db, { ...base, metric })));
		contactMetrics.forEach(([key], i) => {
			for (const r of results[i]!.rows) {
				if (r.group !== staffId || typeof r.period !== 'string') continue;
				const sp = byPeriod.get(periodOfDay(cycle, r.period));
				if (!sp) continue;
				if (key === 'handled') sp.contacts.handled = num(r.value) ?? 0;
				else sp.contacts[key] = num(r.value);
			}
		});
	}
	return {
		staffId,
		name: last.staffName,
		store: last.store,
		department: last.department,
		position: last.position,
		cycle,
		periods: [...byPeriod.values()],
		reviewers: [
			...new Set(
				own
					.filter((r) => cycleOf(r.period) !== null)
					.map((r) => r.reviewer)
					.filter((x): x is string => !!x)
			)
		]
	};
}
