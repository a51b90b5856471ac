import type { Bilingual } from '$lib/shared/bilingual';
import type { ContactLimits } from '$lib/shared/thresholds';
/**
 * The shapes of the metric catalog: units, dimensions and filters, sources, metric definitions and their
 * passports. Values are returned in the metric's unit: 'percent' 0–100, 'permille' ‰, 'hours', 'seconds' (waits and handle times of contacts), 'score'
 * (the source scale), 'nps' points −100…100, 'count'. Ratios also return numerator and denominator.
 */

export type Unit = 'count' | 'permille' | 'percent' | 'hours' | 'score' | 'nps' | 'seconds';
export type Direction = 'higher' | 'lower';

/** Dimensions a metric may be cut by (`by`). */
export const DIMENSIONS = [
	'store',
	'department',
	'channel',
	'category',
	'severity',
	'method',
	'age_bucket',
	'response_bucket',
	'resolution_bucket',
	'grade',
	'question',
	'staff',
	/** contacts: the topic (业务类型), the hour of arrival ('00'–'23'), the ISO weekday ('1' Monday … '7' Sunday), and both ('6-11') */
	'topic',
	'hour',
	'weekday',
	'weekday_hour',
	'inspector',
	'item',
	'fatal_type'
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Dimensions a request may filter on (repeatable query parameters). */
export const FILTERS = ['store', 'department', 'channel', 'category'] as const;
export type FilterName = (typeof FILTERS)[number];

export { bi, type Bilingual } from '$lib/shared/bilingual';

/** 口径说明: what a number means, in words a quality officer can check against the register. */
export interface Passport {
	formula: Bilingual;
	numerator?: Bilingual;
	denominator?: Bilingual;
	source: string;
	exclusions: Bilingual;
}

/**
 * Where a metric's rows come from. Each source yields a relation with a DATE column `d` (the day a row
 * counts on), the dimension columns and the columns the metric's expressions read.
 */
export type SourceId =
	| 'complaints'
	| 'complaint_days'
	| 'complaint_repeats'
	| 'surveys'
	| 'survey_answers'
	| 'appraisals'
	| 'contacts'
	| 'contact_sequences'
	| 'contact_complaints'
	| 'inspections'
	| 'inspection_items';

/** What a source's relation is built from: the request's range and its filters and store scope, all bound. */
export interface RelationRequest {
	/** the range's first and last day, as bound DATE expressions */
	from: string;
	to: string;
	/**
	 * The same days as YYYY-MM-DD when `from` and `to` are the request's own (not a part of it): a relation may then
	 * leave out SQL the range cannot need (rollups.ts, the part-periods of a range of whole periods).
	 */
	days?: { from: string; to: string };
	/**
	 * WHERE conditions of the request's filters and store scope on a relation's columns (`alias` qualifies
	 * them, e.g. 't.'; `only` narrows to these filters). A filter's values are bound once per request, whichever
	 * call comes first.
	 */
	conditions: (alias: string, only?: readonly FilterName[]) => string[];
	/** the request's cut (a rollup of cuts picks its rows by it) */
	by?: Dimension;
	/**
	 * The rows are read as they are, not summed per time first (a percentile from a rollup over every store read at its own
	 * period, `quantileSql`'s `distinct`): rows a relation makes from raw rows (its part-periods) are then summed per
	 * time by the relation, one row per period, group and time like the rollup's own.
	 */
	unsummed?: boolean;
	/**
	 * On a rollup path whose metric depends on "now" for recent days (`RollupUse.settledDays`): the first day
	 * (a bound DATE expression) the rollup with `liveDays` computes from raw rows as of `$now` instead.
	 */
	liveFrom?: string;
	/** with `liveFrom`: the days of the window that must have passed since a row for it to count as settled ("now" less these) */
	liveDays?: number;
	/** with `liveFrom`: that day's rows as computed ahead (a bound JSON text, see `liveCutRows`), instead of computing them */
	liveRows?: string;
}

export interface SourceDef {
	id: SourceId;
	/** the table(s) read, for passports */
	tables: string;
	/** dimension → column of the relation; a dimension not listed here cannot be used with this source */
	dimensions: Partial<Record<Dimension, string>>;
	/** filters this source understands (a filter on another column is refused, not ignored) */
	filters: readonly FilterName[];
	/** the source's rows for a request, as a parenthesised SELECT with `d`, the dimension columns and what metrics read */
	relation: (request: RelationRequest) => string;
	/**
	 * Sources whose rows are staff members' own scores: the column naming the person. For roles without
	 * individual scores, each group's distinct staff are counted and groups under the minimum group
	 * size suppressed (see `suppressSmallGroups` in query.ts).
	 */
	staffColumn?: string;
	/** dimensions that are an attribute of the person (grade), not a group: their rows are one distribution */
	attributeDimensions?: readonly Dimension[];
}

/**
 * The rollups a metric can be read from instead of raw rows (pipelines/rollups/tables.ts holds what their
 * columns count; catalog/rollups.ts their relations). `complaint_traffic` is complaint_daily joined with traffic.
 */
export type RollupId =
	| 'complaint_cuts'
	| 'complaint_daily'
	| 'complaint_cut_traffic'
	| 'complaint_traffic'
	| 'complaint_times'
	| 'complaint_time_cuts'
	| 'complaint_time_weeks'
	| 'survey_daily'
	| 'survey_staff_daily'
	| 'survey_answer_daily'
	| 'contact_cuts'
	| 'contact_channels'
	| 'contact_times'
	| 'contact_time_weeks'
	| 'contact_time_slots';

/** A rollup as the compiler reads it: like a source, but its rows are daily groups, and only some cuts exist. */
export interface RollupSourceDef {
	id: RollupId;
	/** the source kind whose rows it counts (a kind left to a rebuild after a big write reads raw rows) */
	kind: 'complaints' | 'surveys' | 'contacts';
	/** dimension → column; a request cut by another dimension reads raw rows */
	dimensions: Partial<Record<Dimension, string>>;
	/** filters the rollup keeps apart; a request filtering on another reads raw rows */
	filters: readonly FilterName[];
	/** the rollup's rows of a request's range, filters and scope, with the day `d` */
	relation: (request: RelationRequest) => string;
	/** its counts depend on the contact limits: it answers only while the limits in force are the ones it was counted with */
	contactLimits?: boolean;
	/** it can compute the days from `RelationRequest.liveFrom` on from raw rows as of "now" (see `RollupUse.settledDays`) */
	liveDays?: boolean;
	/** its rows are keyed by their month's first day: it answers grains of whole months (month, quarter, year, all) only */
	wholeMonths?: boolean;
	/** its rows are keyed by their week's Monday: it answers the grain of weeks only */
	wholeWeeks?: boolean;
	/** a rollup of times counted per exact value (`n` each): how its percentiles read them (default: `us`, microseconds, as hours) */
	times?: RolledTimes;
	/** its rows sum every store: it answers only requests over every store (no store scope; and no store filter, as it keeps none apart) */
	everyStore?: boolean;
	/**
	 * its count `n` of a key may stand in several rows, some below 0, until the compaction folds them (a period rollup that
	 * grows by rows: pipelines/rollups/tables.ts, `growsByRows`): a group is one only where its `n` sums to more than 0
	 */
	netRows?: boolean;
}

/**
 * The times of a rollup counted per exact value, for its percentiles (compile.ts, `quantileSql`): the column,
 * its value in the metric's unit, and a coarse step of it (a whole number) that the running totals are taken
 * over first, so that only the values of the step holding the percentile are summed one by one.
 */
export interface RolledTimes {
	column: string;
	value: (column: string) => string;
	bucket: (column: string) => string;
}

/**
 * How a rollup serves a metric: the metric's own expressions (the same names: value, or numerator and
 * denominator, or promoters, detractors and n) rewritten over the rollup's columns, and the condition
 * that keeps exactly the groups the raw relation has (e.g. complaints with a phone, for repeats).
 */
export interface RollupUse {
	/** the rollups that can answer, smallest first: the planner takes the first that covers the request */
	from: readonly RollupId[];
	/**
	 * The rollup's counts of this SLA clock were made with the limits of its state: the planner takes it only
	 * when those are the limits in force and every complaint of the range still without the time is past its
	 * limit at "now" (then "open and past its limit" is "open"); raw rows otherwise.
	 */
	sla?: 'response' | 'resolution';
	where?: string;
	/**
	 * The answer depends on "now" for rows younger than this many days (e.g. an FCR window not closed yet):
	 * the rollup answers the days that ended that long before "now"; the later days of a range come from raw
	 * rows as of "now" (a rollup with `liveDays`), or the whole request reads raw rows.
	 */
	settledDays?: (limits: ContactLimits) => number;
	/**
	 * The metric is this percentile (0–1, as quantile_cont) of the rollup's times `us` counted `n` times: computed
	 * from the counts per time, exactly as quantile_cont over the raw rows (compile.ts, `quantileSql`).
	 */
	quantile?: number;
	/** these of its rollups answer only requests not cut by a dimension (cut ones read another or raw rows: see the metric) */
	uncut?: readonly RollupId[];
	value?: string;
	numerator?: string;
	denominator?: string;
	promoters?: string;
	detractors?: string;
	n?: string;
}

export interface DrillDef {
	columns: readonly { name: string; sql: string; type: 'string' | 'number' | 'int' | 'boolean' | 'timestamp' }[];
	/**
	 * ORDER BY of the rows: the relation's own columns as stored (a time, not its text or epoch form), each with DESC
	 * where so. Ordered by a column of the table, a page of the newest rows reads only the blocks it needs (DuckDB
	 * narrows the scan as the top rows fill); ordered by an output expression, it read every row of the range (a year's
	 * low-score comments at 10M responses: 137-356 ms against 14-45 ms).
	 */
	order: readonly string[];
	/**
	 * The source's relation is its table's rows under a filter (no window, no join), and `order` ends with a key no two
	 * rows share: a page is then picked by its order columns alone and only its own rows' other columns are read (a
	 * 100k-row page of 2.7M complaints: 1.2 s and 500 MB of the server's memory, against 0.3 s and 190 MB). Not for a
	 * relation that is costly to read twice (repeats, sequences).
	 */
	narrowFirst?: boolean;
	/** the free-text column a drill-down may search (case-insensitive substring) */
	search?: string;
	/** the row's customer name, masked inside its own text for users without pii */
	customerName?: string;
	/** the free-text output columns (masked for users without pii: phones in any form, the row's customer name) */
	texts: readonly string[];
}

interface MetricBase {
	id: string;
	label: Bilingual;
	source: SourceId;
	unit: Unit;
	direction: Direction;
	/** dimensions allowed for `by`; a subset of the source's */
	dimensions: readonly Dimension[];
	passport: Passport;
	/**
	 * Drill-down: the condition that picks, from the metric's relation, exactly the rows its number
	 * counts (for a ratio, the numerator's). Metrics without it cannot be drilled into.
	 */
	drill?: string;
	/** the rollup that answers this metric when a request's cut, filters and scope are ones it keeps (see compile.ts) */
	rollup?: RollupUse;
}

/** A single aggregate: `value` = expression. */
export interface AggregateMetric extends MetricBase {
	kind: 'aggregate';
	/** `$now` inside is replaced by the bound "as of" timestamp */
	value: string;
}

/**
 * A ratio: value = numerator / denominator × scale (null when the denominator is 0).
 * `survey` ratios also return n (= denominator), the 95% Wilson interval (ci_low, ci_high) and a low-sample flag.
 */
export interface RatioMetric extends MetricBase {
	kind: 'ratio';
	numerator: string;
	denominator: string;
	scale: 100 | 1000;
	survey?: boolean;
}

/** NPS: % promoters − % detractors, with n, promoters, detractors and its 95% interval (trinomial variance, clamped to ±100). */
export interface NpsMetric extends MetricBase {
	kind: 'nps';
	promoters: string;
	detractors: string;
	n: string;
}

export type MetricDef = AggregateMetric | RatioMetric | NpsMetric;
