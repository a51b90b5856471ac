import type { Bilingual } from '$lib/shared/bilingual';
/** What the dashboard page gets from its load: plain data, no SQL, labels from the metric catalog. */
export type MetricUnit = 'count' | 'permille' | 'percent' | 'hours' | 'score' | 'nps' | 'seconds';
export type MetricDirection = 'higher' | 'lower';

export interface MetricInfo {
	id: string;
	label: Bilingual;
	unit: MetricUnit;
	direction: MetricDirection;
}

/** One value per month: period = the month's first day, YYYY-MM-DD. */
export interface MonthPoint {
	period: string;
	value: number | null;
}

/** A tile's trend: trailing periods of the window's grain, with the window and its comparison window marked. */
export interface KpiSpark {
	grain: 'month' | 'quarter';
	/** per period: value, and the days covered when the data does not cover it fully (null: complete) */
	points: { period: string; value: number | null; incomplete: number | null }[];
	/** indexes (first, last) of the tile's window and of the window it is compared with, within `points` (null: not in view) */
	current: [number, number] | null;
	comparison: [number, number] | null;
}

export interface KpiView {
	metric: MetricInfo;
	value: number | null;
	/** the value over the comparison window; null when there is none, or when either window is incomplete */
	previous: number | null;
	/** the tile's window is not fully covered by the data: how many of its days are (null: complete) */
	incomplete: { days: number; of: number } | null;
	/** the comparison window holds some data but not all its days (the change is then not shown either; without any data it is "no previous data") */
	previousIncomplete: boolean;
	/** per month of `months`: the days covered when incomplete, null when complete */
	monthsIncomplete: (number | null)[];
	spark: KpiSpark;
	numerator: number | null;
	denominator: number | null;
	/** survey ratios: responses behind the value, and whether they are under the low-sample limit */
	n: number | null;
	lowSample: boolean;
	months: MonthPoint[];
	/** the target that applies (in the metric's unit), or null; its warning edge; the store it belongs to (null: chain-wide) */
	target: number | null;
	targetWarn: number | null;
	targetScope: string | null;
}

export interface RankItem {
	label: string;
	value: number;
	/** the group value behind the item, for drill-down (null: rows without a value) */
	key?: string | null;
	/** the sum of the items past the top N; the page names it (其他 / Other) */
	other?: boolean;
}

/** One bucket of a time distribution: its name as the metric answers it ('0-2', '72+') and the count. */
export interface BucketPoint {
	key: string;
	value: number;
}
