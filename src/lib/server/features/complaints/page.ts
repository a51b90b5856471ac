import { bucketNames, type BucketDimension } from '$lib/server/metrics/catalog';
import { metricLoader, type MetricResult, type MetricRow } from '$lib/server/metrics/query';
import type { Database } from '$lib/server/core/db';
import { metricCoverage } from '$lib/server/metrics/coverage';
import { incompleteDays } from '$lib/shared/dashboard/coverage';
import { metricInfo, num } from '$lib/server/features/overview/dashboard';
import { periodsOf, type DateRange, type PeriodGrain } from '$lib/shared/dashboard/range';
import type { PageFilters } from '$lib/shared/dashboard/filters';
import type { BucketPoint, MetricInfo, RankItem } from '$lib/shared/dashboard/types';

/**
 * The 投诉 page's data: every number from the metric catalog through `metricLoader` (`queryMetric`, bundled; cached per data
 * version), within the user's store scope and the page's filters.
 */

export const BREAKDOWNS = ['category', 'channel', 'store', 'department'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];
const TOP_GROUPS = 10;

export interface ComplaintsRequest {
	range: DateRange;
	grain: PeriodGrain;
	by: Breakdown;
	filters: PageFilters;
	scope: string[] | null;
}

export interface ComplaintsData {
	periods: string[];
	/** per period: the days the data covers when incomplete, null when complete (shared/dashboard/coverage.ts) */
	incomplete: (number | null)[];
	metrics: Record<string, MetricInfo>;
	/** per period: complaints, the same period a year earlier, complaints per 1,000 transactions */
	trend: { count: (number | null)[]; lastYear: (number | null)[]; rate: (number | null)[] };
	/** complaints by the chosen dimension, largest first, top 10 and the rest summed */
	breakdown: RankItem[];
	/** complaints by category, for the Pareto chart (every category) */
	pareto: RankItem[];
	response: BucketPoint[];
	resolution: BucketPoint[];
	backlog: BucketPoint[];
	/** per period: repeat rate, follow-up rate, follow-up satisfaction */
	repeat: (number | null)[];
	followupRate: (number | null)[];
	followupSatisfaction: (number | null)[];
	totals: { count: number | null; backlog: number | null; followups: number | null };
}

const byPeriod = (result: MetricResult, periods: string[]) => {
	const m = new Map(result.rows.map((r) => [String(r.period), num(r.value)]));
	return periods.map((p) => m.get(p) ?? null);
};

/** Rows of a `by` result as ranking items (the group value kept as the drill-down key; null = not filled in). */
const items = (rows: MetricRow[]): RankItem[] =>
	rows
		.map((r) => ({
			label: r.group === null ? '' : String(r.group),
			key: r.group === null ? null : String(r.group),
			value: num(r.value) ?? 0
		}))
		.filter((i) => i.value > 0)
		.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label, 'zh-CN'));

const buckets = (dim: BucketDimension, result: MetricResult): BucketPoint[] => {
	const m = new Map(result.rows.map((r) => [r.group === null ? null : String(r.group), num(r.value) ?? 0]));
	return bucketNames(dim).map((key) => ({ key, value: m.get(key) ?? 0 }));
};

export async function complaintsData(db: Database, req: ComplaintsRequest): Promise<ComplaintsData> {
	const { range, grain } = req;
	// requests made together are answered together: one query per shared relation (metrics/bundle.ts)
	const load = metricLoader(db);
	const ask = (metric: string, g: PeriodGrain | 'all', by?: string, compare?: 'last_year') =>
		load({ metric, from: range.from, to: range.to, grain: g, ...(by ? { by } : {}), filters: req.filters, scope: req.scope }, compare);
	const periods = periodsOf(range, grain);
	// complaint rate has only the store dimension; its filters narrow the numerator (see its passport)
	const [
		count,
		rate,
		breakdown,
		pareto,
		response,
		resolution,
		backlog,
		repeat,
		followupRate,
		followupSatisfaction,
		totals,
		backlogTotal,
		followups,
		coverage
	] = await Promise.all([
		ask('complaint_count', grain, undefined, 'last_year'),
		ask('complaint_rate', grain),
		ask('complaint_count', 'all', req.by),
		ask('complaint_count', 'all', 'category'),
		ask('complaint_count', 'all', 'response_bucket'),
		ask('complaint_count', 'all', 'resolution_bucket'),
		ask('open_backlog', 'all', 'age_bucket'),
		ask('repeat_complaint_rate', grain),
		ask('followup_rate', grain),
		ask('followup_satisfaction', grain),
		ask('complaint_count', 'all'),
		ask('open_backlog', 'all'),
		ask('followup_satisfaction', 'all'),
		metricCoverage(db, ['complaint_count', 'complaint_rate'], range, grain)
	]);
	const lastYear = new Map(count.rows.map((r) => [String(r.period), num(r.compare_value)]));

	const ranked = items(breakdown.rows);
	const top =
		ranked.length <= TOP_GROUPS
			? ranked
			: [
					...ranked.slice(0, TOP_GROUPS - 1),
					{ label: '', key: null, value: ranked.slice(TOP_GROUPS - 1).reduce((s, i) => s + i.value, 0), other: true }
				];

	return {
		periods,
		incomplete: incompleteDays(coverage),
		metrics: Object.fromEntries(
			[
				'complaint_count',
				'complaint_rate',
				'open_backlog',
				'repeat_complaint_rate',
				'followup_rate',
				'followup_satisfaction',
				'sla_response_compliance',
				'sla_resolution_compliance'
			].map((id) => [id, metricInfo(id)])
		),
		trend: { count: byPeriod(count, periods), lastYear: periods.map((p) => lastYear.get(p) ?? null), rate: byPeriod(rate, periods) },
		breakdown: top,
		pareto: items(pareto.rows),
		response: buckets('response_bucket', response),
		resolution: buckets('resolution_bucket', resolution),
		backlog: buckets('age_bucket', backlog),
		repeat: byPeriod(repeat, periods),
		followupRate: byPeriod(followupRate, periods),
		followupSatisfaction: byPeriod(followupSatisfaction, periods),
		totals: { count: num(totals.rows[0]?.value), backlog: num(backlogTotal.rows[0]?.value), followups: num(followups.rows[0]?.denominator) }
	};
}
