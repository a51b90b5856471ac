import { SURVEY_ITEMS } from '$lib/server/metrics/catalog';
import { drillRows, metricLoader, type DrillResult, type MetricResult, type MetricRow } from '$lib/server/metrics/query';
import type { Database } from '$lib/server/core/db';
import { metricCoverage } from '$lib/server/metrics/coverage';
import { incompleteDays } from '$lib/shared/dashboard/coverage';
import { intervalOf, metricInfo, num } from '$lib/server/features/overview/dashboard';
import type { AuthUser } from '$lib/shared/auth/roles';
import { periodsOf, type DateRange, type PeriodGrain } from '$lib/shared/dashboard/range';
import type { PageFilters } from '$lib/shared/dashboard/filters';
import type { MetricInfo } from '$lib/shared/dashboard/types';
import {
	COMMENTS_PAGE,
	type ExtraQuestion,
	type ItemScore,
	type MethodRow,
	type StoreItemsRow,
	type SurveyItem,
	type SurveyPoint
} from '$lib/features/satisfaction/types';

/**
 * The 满意度 page's data: every number from the metric catalog (cached per data version) within the
 * user's stores and the page's filters; the low-score comments through the drill-down of
 * `low_score_count`, masked for users without pii.
 */

export interface SatisfactionRequest {
	range: DateRange;
	grain: PeriodGrain;
	filters: PageFilters;
	scope: string[] | null;
	user: AuthUser;
	/** the comments' search text, page offset, and whether the user may read rows at all */
	search: string;
	offset: number;
	withComments: boolean;
}

export interface SatisfactionData {
	periods: string[];
	/** per period: the days the data covers when incomplete, null when complete (shared/dashboard/coverage.ts) */
	incomplete: (number | null)[];
	metrics: Record<string, MetricInfo>;
	items: SurveyItem[];
	csat: SurveyPoint[];
	nps: SurveyPoint[];
	totals: { csat: SurveyPoint; nps: SurveyPoint; responses: number; lowScores: number };
	/** stores (rows) × items (columns): mean score and top-2-box, plus the store's CSAT and responses */
	heatmap: StoreItemsRow[];
	/** the items over all stores */
	overallItems: Record<string, ItemScore>;
	methods: MethodRow[];
	/** the numeric questions survey files carried beyond the four items: mean and answers */
	extras: ExtraQuestion[];
	comments: DrillResult | null;
}

const point = (r: MetricRow | undefined): SurveyPoint => ({
	value: num(r?.value),
	ci: intervalOf(r),
	n: num(r?.n) ?? 0,
	lowSample: r ? r.low_sample === true : true
});
const byGroup = (res: MetricResult) => new Map(res.rows.map((r) => [String(r.group), r]));

export async function satisfactionData(db: Database, req: SatisfactionRequest): Promise<SatisfactionData> {
	const { range, grain } = req;
	// requests made together are answered together: one query per shared relation (metrics/bundle.ts)
	const load = metricLoader(db);
	const ask = (metric: string, g: PeriodGrain | 'all', by?: string) =>
		load({ metric, from: range.from, to: range.to, grain: g, ...(by ? { by } : {}), filters: req.filters, scope: req.scope });
	const periods = periodsOf(range, grain);
	const itemIds = SURVEY_ITEMS.map(([id]) => id);

	const [
		csatTrend,
		npsTrend,
		csatAll,
		npsAll,
		responses,
		lowScores,
		csatStore,
		countStore,
		csatMethod,
		npsMethod,
		countMethod,
		extraMean,
		extraCount,
		coverage
	] = await Promise.all([
		ask('csat', grain),
		ask('nps', grain),
		ask('csat', 'all'),
		ask('nps', 'all'),
		ask('response_count', 'all'),
		ask('low_score_count', 'all'),
		ask('csat', 'all', 'store'),
		ask('response_count', 'all', 'store'),
		ask('csat', 'all', 'method'),
		ask('nps', 'all', 'method'),
		ask('response_count', 'all', 'method'),
		ask('extra_answer_mean', 'all', 'question'),
		ask('extra_answer_count', 'all', 'question'),
		metricCoverage(db, ['csat'], range, grain)
	]);
	const itemResults = await Promise.all(
		itemIds.map(async (id) => {
			const [meanStore, t2bStore, meanAll, t2bAll] = await Promise.all([
				ask(`${id}_mean`, 'all', 'store'),
				ask(`${id}_t2b`, 'all', 'store'),
				ask(`${id}_mean`, 'all'),
				ask(`${id}_t2b`, 'all')
			]);
			return {
				id,
				meanStore: byGroup(meanStore),
				t2bStore: byGroup(t2bStore),
				all: { mean: num(meanAll.rows[0]?.value), t2b: num(t2bAll.rows[0]?.value), n: num(t2bAll.rows[0]?.n) ?? 0 }
			};
		})
	);

	const trend = (res: MetricResult) => {
		const m = new Map(res.rows.map((r) => [String(r.period), r]));
		return periods.map((p) => point(m.get(p)));
	};
	const csatByStore = byGroup(csatStore);
	const heatmap = countStore.rows
		.filter((r) => r.group !== null)
		.map((r) => {
			const store = String(r.group);
			return {
				store,
				responses: num(r.value) ?? 0,
				csat: point(csatByStore.get(store)),
				items: Object.fromEntries(
					itemResults.map((it) => [
						it.id,
						{ mean: num(it.meanStore.get(store)?.value), t2b: num(it.t2bStore.get(store)?.value), n: num(it.t2bStore.get(store)?.n) ?? 0 }
					])
				)
			};
		})
		.sort((a, b) => (a.csat.value ?? Infinity) - (b.csat.value ?? Infinity) || a.store.localeCompare(b.store, 'zh-CN'));

	const csatM = byGroup(csatMethod);
	const npsM = byGroup(npsMethod);
	const methods = countMethod.rows
		.filter((r) => r.group !== null)
		.map((r) => ({
			method: String(r.group),
			responses: num(r.value) ?? 0,
			csat: point(csatM.get(String(r.group))),
			nps: point(npsM.get(String(r.group)))
		}));

	const extraMeans = byGroup(extraMean);
	const extras = extraCount.rows
		.filter((r) => r.group !== null)
		.map((r) => ({ question: String(r.group), mean: num(extraMeans.get(String(r.group))?.value), n: num(r.value) ?? 0 }))
		.sort((a, b) => a.question.localeCompare(b.question, 'zh-CN', { numeric: true }));

	const comments = req.withComments
		? await drillRows(db, req.user, {
				metric: 'low_score_count',
				from: range.from,
				to: range.to,
				grain: 'all',
				filters: req.filters,
				scope: req.scope,
				search: req.search || undefined,
				withText: true,
				offset: req.offset,
				limit: COMMENTS_PAGE
			})
		: null;

	return {
		periods,
		incomplete: incompleteDays(coverage),
		metrics: Object.fromEntries(
			[
				'csat',
				'nps',
				'response_count',
				'low_score_count',
				'extra_answer_mean',
				'extra_answer_count',
				...itemIds.flatMap((id) => [`${id}_mean`, `${id}_t2b`])
			].map((id) => [id, metricInfo(id)])
		),
		items: SURVEY_ITEMS.map(([id, label]) => ({ id, label })),
		csat: trend(csatTrend),
		nps: trend(npsTrend),
		totals: {
			csat: point(csatAll.rows[0]),
			nps: point(npsAll.rows[0]),
			responses: num(responses.rows[0]?.value) ?? 0,
			lowScores: num(lowScores.rows[0]?.value) ?? 0
		},
		heatmap,
		overallItems: Object.fromEntries(itemResults.map((it) => [it.id, it.all])),
		methods,
		extras,
		comments
	};
}
