/** The metric requests the dashboard pages make, as the query benchmarks time them (bench/queries.ts, bench/scaling.ts). */
export interface Req {
	name: string;
	metric: string;
	grain: string;
	by?: string;
}
export const REQUESTS: Req[] = [
	{ name: '总览 complaint count by month', metric: 'complaint_count', grain: 'month' },
	{ name: '总览 complaint rate by month', metric: 'complaint_rate', grain: 'month' },
	{ name: '总览 rate by store', metric: 'complaint_rate', grain: 'all', by: 'store' },
	{ name: '总览 response median', metric: 'first_response_median_h', grain: 'all' },
	{ name: '总览 resolution SLA', metric: 'sla_resolution_compliance', grain: 'all' },
	{ name: '投诉 Pareto by category', metric: 'complaint_count', grain: 'all', by: 'category' },
	{ name: '投诉 response-time buckets', metric: 'complaint_count', grain: 'all', by: 'response_bucket' },
	{ name: '投诉 backlog ageing', metric: 'open_backlog', grain: 'all', by: 'age_bucket' },
	{ name: '投诉 repeat rate by month', metric: 'repeat_complaint_rate', grain: 'month' },
	{ name: '满意度 CSAT by month', metric: 'csat', grain: 'month' },
	{ name: '满意度 NPS by month', metric: 'nps', grain: 'month' },
	{ name: '满意度 environment by store', metric: 'environment_mean', grain: 'all', by: 'store' },
	{ name: '满意度 CSAT by method', metric: 'csat', grain: 'all', by: 'method' }
];

/** A request over [from, to], all stores, no filters. */
export const requestInput = (r: Req, from: string, to: string) => ({
	metric: r.metric,
	from,
	to,
	grain: r.grain,
	...(r.by ? { by: r.by } : {}),
	filters: {},
	scope: null
});
