import { queryRows, type Database } from '$lib/server/core/db';
import { metricById } from '$lib/server/metrics/catalog';
import { metricLoader, type MetricResult, type MetricRow } from '$lib/server/metrics/query';
import type { Interval } from '$lib/shared/intervals';
import { readAllTargets, targetFor } from '$lib/server/metrics/targets';
import { comparisonOf, countPeriods, periodEnd, periodsOf, periodStart, type DateRange } from '$lib/shared/dashboard/range';
import { addMonths, addQuarters, format, parseISO } from 'date-fns';
import { incompleteDays, isComplete, periodCoverage, rangeCoverage } from '$lib/shared/dashboard/coverage';
import { dataSpans, metricDataSpan } from '$lib/server/metrics/coverage';
import { registerNow } from '$lib/server/metrics/compile';
import type { KpiSpark, KpiView, MetricInfo, MonthPoint, RankItem } from '$lib/shared/dashboard/types';
import { scopeKey, storeScopeSql } from '$lib/server/core/db/store-scope';
import { HEADLINE_METRICS } from '$lib/server/metrics/headline';

/**
 * The 总览 dashboard's data: every number comes from the metric catalog through `metricLoader` (`queryMetric`, bundled), with the
 * user's store scope. Only the last day with data and the list of stores are asked directly.
 */

export const KPI_METRICS = HEADLINE_METRICS;
const TOP_STORES = 5;
const TOP_CATEGORIES = 8;

/** The user's stores as the condition of a query whose only parameter this is. */
const inScope = (scope: string[] | null) => storeScopeSql(scope, 'store', 1);

/** The last day with a complaint in the user's stores (the presets' anchor), or null when there is none. */
export async function lastComplaintDay(db: Database, scope: string[] | null): Promise<string | null> {
	return db.keptUntilWrite(`last complaint day ${scopeKey(scope)}`, () =>
		db.withConnection(async (conn) => {
			const [row] = await queryRows<{ d: string | null }>(
				conn,
				`SELECT strftime(max(received_at)::DATE, '%Y-%m-%d') AS d FROM complaints WHERE ${inScope(scope).sql}`,
				inScope(scope).params
			);
			return row?.d ?? null;
		})
	);
}

/**
 * Where the date presets and the default range are anchored: the last day the chain's data of a kind
 * reaches, the end the coverage rule counts (a store without a complaint on the 31st has not lost that
 * day, and its manager's default quarter must not fall back a quarter for it); today (China time) with none.
 */
export async function rangeAnchor(db: Database, kind: 'complaints' | 'surveys'): Promise<string> {
	return (await dataSpans(db))[kind]?.last ?? registerNow().slice(0, 10);
}

/** The stores the user may filter on: their scope, or every store with complaints or traffic. */
export async function storeChoices(db: Database, scope: string[] | null): Promise<string[]> {
	if (scope !== null) return [...scope].sort((a, b) => a.localeCompare(b, 'zh-CN'));
	return db.keptUntilWrite('store choices', () =>
		db.withConnection(async (conn) => {
			const rows = await queryRows<{ store: string }>(
				conn,
				`SELECT DISTINCT store FROM (SELECT store FROM complaints UNION SELECT store FROM traffic) ORDER BY store`
			);
			return rows.map((r) => r.store).sort((a, b) => a.localeCompare(b, 'zh-CN'));
		})
	);
}

export function metricInfo(id: string): MetricInfo {
	const m = metricById(id);
	if (!m) throw new Error(`metric ${id} is not in the catalog`);
	return { id: m.id, label: m.label, unit: m.unit, direction: m.direction };
}

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A survey row's 95% interval (`ci_low`, `ci_high`), or null. */
export const intervalOf = (r: MetricRow | undefined): Interval | null => {
	const low = num(r?.ci_low);
	const high = num(r?.ci_high);
	return low === null || high === null ? null : { low, high };
};

export interface DashboardRequest {
	range: DateRange;
	/** selected stores; empty = all of the scope */
	stores: string[];
	scope: string[] | null;
}

export interface DashboardData {
	kpis: KpiView[];
	months: string[];
	topStores: RankItem[];
	topCategories: RankItem[];
}

const minDay = (a: string, b: string) => (a < b ? a : b);

/** A tile's trend has at least this many periods, and shows its comparison window too. */
const SPARK_PERIODS = 12;

/**
 * The trailing periods of a tile's trend: quarters for a quarter compared with the one before, months
 * otherwise; at least 12, and enough to show the comparison window before the tile's own.
 */
export function sparkRange(range: DateRange): { grain: 'month' | 'quarter'; range: DateRange } {
	const comparison = comparisonOf(range);
	const grain = comparison.kind === 'quarter' ? 'quarter' : 'month';
	const count = Math.max(SPARK_PERIODS, 2 * countPeriods(range, grain));
	const step = grain === 'quarter' ? addQuarters : addMonths;
	const from = format(step(parseISO(periodStart(range.to, grain)), -(count - 1)), 'yyyy-MM-dd');
	return { grain, range: { from, to: range.to } };
}

/** Indexes of the periods a window touches, within a list of periods (null when none is in view). */
function windowIndexes(periods: readonly string[], window: DateRange, grain: 'month' | 'quarter'): [number, number] | null {
	const first = periods.indexOf(periodStart(window.from, grain));
	const last = periods.indexOf(periodStart(window.to, grain));
	if (last < 0) return null;
	return [first < 0 ? 0 : first, last];
}

/** A metric over the request's stores and scope, for a range, grain and optional dimension. */
// requests made together are answered together: one query per shared relation (metrics/bundle.ts)
const askFor = (db: Database, req: DashboardRequest) => {
	const load = metricLoader(db);
	const filters = req.stores.length ? { store: req.stores } : {};
	return (metric: string, range: DateRange, grain: 'all' | 'month' | 'quarter', by?: 'store' | 'category'): Promise<MetricResult> =>
		load({ metric, from: range.from, to: range.to, grain, ...(by ? { by } : {}), filters, scope: req.scope });
};

/**
 * The tiles of some metrics (总览's headline six, 服务过程's): value over the range, the comparison window,
 * months, the trailing trend, coverage and the target that applies to the view.
 */
export async function kpiViews(db: Database, req: DashboardRequest, ids: readonly string[]): Promise<KpiView[]> {
	const comparison = comparisonOf(req.range);
	const prev = comparison.range;
	const spark = sparkRange(req.range);
	const sparkPeriods = periodsOf(spark.range, spark.grain);
	const ask = askFor(db, req);
	const months = periodsOf(req.range, 'month');
	// A monthly trend ends where the range does, so the range's months are its last ones, the same days, except a
	// first month the range starts into: that one is asked over the range's days of it. The medians of a 5M-row
	// register cost ~100 ms per query by month, ~40 ms over one month.
	const firstMonth =
		spark.grain === 'month' && req.range.from !== periodStart(req.range.from, 'month')
			? { from: req.range.from, to: minDay(periodEnd(periodStart(req.range.from, 'month'), 'month'), req.range.to) }
			: null;

	// A whole month compared with the month before (a whole quarter with the quarter before) is the trend's last two
	// periods: both numbers are read off the trend's rows, the same rows and arithmetic, instead of two queries more.
	const fromTrend =
		comparison.kind === spark.grain ? { now: periodStart(req.range.from, spark.grain), before: periodStart(prev.from, spark.grain) } : null;

	const targets = await db.withConnection((conn) => readAllTargets(conn));
	// one store in view (chosen, or the only one a user may see): that store's target when it has one
	const inView = req.stores.length ? req.stores : req.scope?.length === 1 ? req.scope : [];
	return Promise.all(
		ids.map(async (id): Promise<KpiView> => {
			const [now, before, monthly, head, trailing, data] = await Promise.all([
				fromTrend ? null : ask(id, req.range, 'all'),
				fromTrend ? null : ask(id, prev, 'all'),
				spark.grain === 'month' ? null : ask(id, req.range, 'month'),
				firstMonth ? ask(id, firstMonth, 'all') : null,
				ask(id, spark.range, spark.grain),
				metricDataSpan(db, [id])
			]);
			const inTrend = (period: string) => trailing.rows.find((r) => r.period === period);
			const row = fromTrend ? inTrend(fromTrend.now) : now!.rows[0];
			const beforeRow = fromTrend ? inTrend(fromTrend.before) : before!.rows[0];
			const byMonth = new Map((monthly ?? trailing).rows.map((r) => [String(r.period), num(r.value)]));
			if (firstMonth) byMonth.set(months[0]!, num(head?.rows[0]?.value));
			const byPeriod = new Map(trailing.rows.map((r) => [String(r.period), num(r.value)]));
			// an incomplete window is never the basis of a change (shared/dashboard/coverage.ts)
			const covered = rangeCoverage(req.range, data);
			// a comparison window without any data is "no previous data", one the data covers only in part is incomplete
			const previousCoverage = rangeCoverage(prev, data);
			const previousCovered = isComplete(previousCoverage) || previousCoverage.days === 0;
			const sparkIncomplete = incompleteDays(periodCoverage(sparkPeriods, spark.grain, spark.range, data));
			const trend: KpiSpark = {
				grain: spark.grain,
				points: sparkPeriods.map((period, i) => ({ period, value: byPeriod.get(period) ?? null, incomplete: sparkIncomplete[i] ?? null })),
				current: windowIndexes(sparkPeriods, req.range, spark.grain),
				comparison: windowIndexes(sparkPeriods, prev, spark.grain)
			};
			return {
				metric: metricInfo(id),
				value: num(row?.value),
				previous: isComplete(covered) && previousCovered ? num(beforeRow?.value) : null,
				incomplete: isComplete(covered) ? null : { days: covered.days, of: covered.of },
				previousIncomplete: !previousCovered,
				monthsIncomplete: incompleteDays(periodCoverage(months, 'month', req.range, data)),
				spark: trend,
				numerator: num(row?.numerator),
				denominator: num(row?.denominator),
				n: num(row?.n),
				lowSample: row?.low_sample === true,
				months: months.map((period): MonthPoint => ({ period, value: byMonth.get(period) ?? null })),
				...(() => {
					const t = targetFor(targets, id, { stores: inView });
					return { target: t?.value ?? null, targetWarn: t?.warn ?? null, targetScope: t && t.scope.kind !== 'all' ? t.scope.name : null };
				})()
			};
		})
	);
}

export async function dashboardData(db: Database, req: DashboardRequest): Promise<DashboardData> {
	const ask = askFor(db, req);
	const months = periodsOf(req.range, 'month');
	const kpis = kpiViews(db, req, KPI_METRICS);

	const topStores = ask('complaint_rate', req.range, 'all', 'store').then((r) =>
		r.rows
			.flatMap((row) => (num(row.value) === null ? [] : [{ label: String(row.group), value: num(row.value)! }]))
			.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label, 'zh-CN'))
			.slice(0, TOP_STORES)
	);

	const topCategories = ask('complaint_count', req.range, 'all', 'category').then((r) => {
		const all = r.rows
			.map((row) => ({ label: row.group === null ? '—' : String(row.group), value: num(row.value) ?? 0 }))
			.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label, 'zh-CN'));
		// Top-N and the rest summed, so a long tail does not crowd the chart; the label of the rest is the page's.
		if (all.length <= TOP_CATEGORIES) return all;
		const rest = all.slice(TOP_CATEGORIES - 1).reduce((s, i) => s + i.value, 0);
		return [...all.slice(0, TOP_CATEGORIES - 1), { label: '', value: rest, other: true }];
	});

	return { kpis: await kpis, months, topStores: await topStores, topCategories: await topCategories };
}

/** The departments the user's complaints name, for the department filter. */
export async function departmentChoices(db: Database, scope: string[] | null): Promise<string[]> {
	return db.keptUntilWrite(`department choices ${scopeKey(scope)}`, () =>
		db.withConnection(async (conn) => {
			const rows = await queryRows<{ department: string }>(
				conn,
				`SELECT DISTINCT department FROM complaints WHERE department IS NOT NULL AND ${inScope(scope).sql}`,
				inScope(scope).params
			);
			return rows.map((r) => r.department).sort((a, b) => a.localeCompare(b, 'zh-CN'));
		})
	);
}

/** The last survey day in the user's stores (the satisfaction page's presets' anchor), or null. */
export async function lastSurveyDay(db: Database, scope: string[] | null): Promise<string | null> {
	return db.keptUntilWrite(`last survey day ${scopeKey(scope)}`, () =>
		db.withConnection(async (conn) => {
			const [row] = await queryRows<{ d: string | null }>(
				conn,
				`SELECT strftime(max(submitted_at), '%Y-%m-%d') AS d FROM surveys WHERE ${inScope(scope).sql}`,
				inScope(scope).params
			);
			return row?.d ?? null;
		})
	);
}
