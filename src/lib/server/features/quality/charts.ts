import type { Database } from '$lib/server/core/db';
import { queryMetric, type MetricResult } from '$lib/server/metrics/query';
import { metricById } from '$lib/server/metrics/catalog';
import { num } from '$lib/server/features/overview/dashboard';
import { periodsOf, type DateRange } from '$lib/shared/dashboard/range';
import { incompleteDays, periodCoverage } from '$lib/shared/dashboard/coverage';
import { metricDataSpan } from '$lib/server/metrics/coverage';
import type { MetricUnit } from '$lib/shared/dashboard/types';
import { computeChart, type ChartKind, type NelsonRule, type SpcResult } from '$lib/shared/quality/spc';
import type { QcGrain } from '$lib/shared/quality/explain';
import { readBaselines, type Baseline } from './baselines';
import type { Bilingual } from '$lib/shared/bilingual';

/**
 * The control charts of 质量监控. Every point's numerator and denominator (or value) comes from the
 * metric catalog through `queryMetric` (cached per data version, store scope bound); this module only
 * arranges them per store and period and hands them to the pure SPC maths.
 */
export const QC_CHARTS = {
	/** p-chart of the complaint proportion (complaints ÷ transactions, shown in ‰) */
	complaint_p: { metric: 'complaint_rate', kind: 'p', scale: 1000, unit: 'permille' },
	/** u-chart of complaints per 1,000 transactions */
	complaint_u: { metric: 'complaint_rate', kind: 'u', scale: 1000, unit: 'permille' },
	/** p-chart of CSAT (satisfied ÷ responses, %) */
	csat_p: { metric: 'csat', kind: 'p', scale: 100, unit: 'percent' },
	/** individuals chart of the mean overall score */
	csat_mean_xmr: { metric: 'csat_mean', kind: 'xmr', scale: 1, unit: 'score' },
	/** individuals chart of the median first-response time */
	response_xmr: { metric: 'first_response_median_h', kind: 'xmr', scale: 1, unit: 'hours' },
	/** 服务过程: p-charts of the service level, the answer rate and first contact resolution (by repeat) */
	service_level_p: { metric: 'service_level', kind: 'p', scale: 100, unit: 'percent' },
	answer_rate_p: { metric: 'answer_rate', kind: 'p', scale: 100, unit: 'percent' },
	fcr_p: { metric: 'fcr_repeat', kind: 'p', scale: 100, unit: 'percent' },
	/** individuals charts of the mean handle time and the mean speed of answer */
	aht_xmr: { metric: 'aht_mean_s', kind: 'xmr', scale: 1, unit: 'seconds' },
	asa_xmr: { metric: 'asa_mean_s', kind: 'xmr', scale: 1, unit: 'seconds' },
	/** p-chart of the inspections' pass rate (质检合格率, %) */
	qa_pass_p: { metric: 'qa_pass_rate', kind: 'p', scale: 100, unit: 'percent' },
	/** p-chart of the inspections' fatal-error rate (%) */
	qa_fatal_p: { metric: 'qa_fatal_rate', kind: 'p', scale: 100, unit: 'percent' }
} as const satisfies Record<string, { metric: string; kind: ChartKind; scale: number; unit: MetricUnit }>;
export type QcChartId = keyof typeof QC_CHARTS;
export const QC_CHART_IDS = Object.keys(QC_CHARTS) as QcChartId[];
/** Own keys only: `in` would take `constructor` or `__proto__` from a URL for a chart. */
export const isChartId = (s: string | null | undefined): s is QcChartId => !!s && Object.hasOwn(QC_CHARTS, s);

/** 'auto': Laney limits when over-dispersion is detected (the default, said on the chart); 'on' / 'off' force it. */
export type LaneyMode = 'auto' | 'on' | 'off';

export interface ChartRequest {
	chart: QcChartId;
	grain: QcGrain;
	range: DateRange;
	/** the user's stores (null = all), bound into every query */
	scope: string[] | null;
	rules: readonly NelsonRule[];
	laney: LaneyMode;
	/** a baseline to try (period first days), overriding the saved one; not saved */
	baseline?: { start: string; end: string } | null;
}

export interface StoreChart {
	/** null = every store in scope together */
	store: string | null;
	chart: SpcResult;
	/** the saved baseline used, when there is one */
	saved: Baseline | null;
}

export interface ChartSet {
	chart: QcChartId;
	metric: { id: string; label: Bilingual; unit: MetricUnit; direction: 'higher' | 'lower' };
	periods: string[];
	/** the chain (or the user's stores together) first, then each store */
	charts: StoreChart[];
}

/** A chart's points: numerators (or values), denominators, and the covered days of incomplete periods. */
type Series = { values: (number | null)[]; n: (number | null)[]; incomplete?: readonly (number | null)[] };

function seriesOf(result: MetricResult, periods: string[], kind: ChartKind, group: string | null): Series {
	const rows = new Map(result.rows.filter((r) => group === null || r.group === group).map((r) => [String(r.period), r]));
	const values: (number | null)[] = [];
	const n: (number | null)[] = [];
	for (const p of periods) {
		const r = rows.get(p);
		if (kind === 'xmr') {
			values.push(num(r?.value));
			n.push(1);
		} else {
			values.push(num(r?.numerator));
			n.push(num(r?.denominator));
		}
	}
	return { values, n };
}

function baselineIndexes(periods: string[], b: { start: string; end: string } | null | undefined): { start: number; end: number } | null {
	if (!b) return null;
	const start = periods.findIndex((p) => p >= b.start);
	let end = -1;
	for (let i = 0; i < periods.length; i++) if (periods[i]! <= b.end) end = i;
	return start < 0 || end < start ? null : { start, end };
}

/** Builds one chart from a series, Laney decided by the mode. */
export function chartFor(
	series: Series,
	periods: string[],
	req: Pick<ChartRequest, 'chart' | 'rules' | 'laney'>,
	baseline: { start: number; end: number } | null
): SpcResult {
	const def = QC_CHARTS[req.chart];
	const input = {
		kind: def.kind,
		periods,
		values: series.values,
		n: series.n,
		incomplete: series.incomplete,
		scale: def.scale,
		rules: req.rules,
		baseline
	};
	if (req.laney === 'on') return computeChart({ ...input, laney: true });
	const plain = computeChart(input);
	if (req.laney === 'auto' && plain.overdispersed && def.kind !== 'xmr') return computeChart({ ...input, laney: true });
	return plain;
}

/** The chart for every store in the user's scope (and all of them together), over the range. */
export async function controlCharts(db: Database, req: ChartRequest): Promise<ChartSet> {
	const def = QC_CHARTS[req.chart];
	const metric = metricById(def.metric)!;
	const periods = periodsOf(req.range, req.grain);
	const base = { metric: def.metric, from: req.range.from, to: req.range.to, grain: req.grain, filters: {}, scope: req.scope };
	const [all, byStore, saved, span] = await Promise.all([
		queryMetric(db, base),
		queryMetric(db, { ...base, by: 'store' }),
		db.withConnection((c) => readBaselines(c, req.chart, req.grain)),
		metricDataSpan(db, [def.metric])
	]);
	// the one coverage rule: a period the range cuts or the data does not fully reach is drawn, never judged
	const incomplete = incompleteDays(periodCoverage(periods, req.grain, req.range, span));
	const stores = [...new Set(byStore.rows.map((r) => r.group).filter((g): g is string => typeof g === 'string'))].sort((a, b) =>
		a.localeCompare(b, 'zh-CN')
	);
	const one = (store: string | null, result: MetricResult): StoreChart => {
		const savedBaseline = saved.get(store ?? '') ?? null;
		const asked = req.baseline ?? savedBaseline;
		const series = { ...seriesOf(result, periods, def.kind, store), incomplete };
		const chart = chartFor(series, periods, req, baselineIndexes(periods, asked));
		return { store, chart, saved: req.baseline ? null : savedBaseline };
	};
	return {
		chart: req.chart,
		metric: { id: metric.id, label: metric.label, unit: metric.unit, direction: metric.direction },
		periods,
		charts: [one(null, all), ...stores.map((s) => one(s, byStore))]
	};
}
