/**
 * The metric catalog: every metric the product shows, declared once as data. Pages, the metric API,
 * exports and (later) alerts read these definitions; `compile.ts` turns a request for one of them into
 * SQL with bound parameters. Identifiers in SQL come only from here, never from a request.
 *
 * Values are returned in the metric's unit: 'percent' 0–100, 'permille' ‰, 'hours', 'score' (the
 * source scale), 'nps' points −100…100, 'count'. Ratios also return numerator and denominator.
 */

export type Unit = 'count' | 'permille' | 'percent' | 'hours' | 'score' | 'nps';
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
	'staff'
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Dimensions a request may filter on (repeatable query parameters). */
export const FILTERS = ['store', 'department', 'channel', 'category'] as const;
export type FilterName = (typeof FILTERS)[number];

export interface Bilingual {
	zh: string;
	en: string;
}

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
export type SourceId = 'complaints' | 'complaint_days' | 'complaint_repeats' | 'surveys' | 'survey_answers' | 'appraisals';

export interface SourceDef {
	id: SourceId;
	/** the table(s) read, for passports */
	tables: string;
	/** dimension → column of the relation; a dimension not listed here cannot be used with this source */
	dimensions: Partial<Record<Dimension, string>>;
	/** filters this source understands (a filter on another column is refused, not ignored) */
	filters: readonly FilterName[];
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
 * Hour buckets of the time dimensions, as upper bounds: a value h falls in the first bucket whose bound
 * exceeds it ("lo-hi", hi excluded), the last one is "lo+". The API returns the bucket as the group;
 * this order (not text order) is the one to show them in. Complaints without the time have no bucket.
 */
export const HOUR_BUCKETS = {
	/** age of a still-open complaint at "now" */
	age_bucket: [24, 72, 168, 720],
	/** hours from receipt to first response */
	response_bucket: [2, 4, 8, 12, 24, 48, 72],
	/** hours from receipt to resolution */
	resolution_bucket: [12, 24, 48, 72, 120, 168, 336]
} as const satisfies Partial<Record<Dimension, readonly number[]>>;
export type BucketDimension = keyof typeof HOUR_BUCKETS;

/** The bucket names of a time dimension, in order: ['0-24', '24-72', …, '720+']. */
export function bucketNames(dim: BucketDimension): string[] {
	const bounds = HOUR_BUCKETS[dim];
	return [...bounds.map((hi, i) => `${i === 0 ? 0 : bounds[i - 1]}-${hi}`), `${bounds[bounds.length - 1]}+`];
}

const US_PER_HOUR = 3_600_000_000;
const hoursBetween = (later: string, earlier: string) => `((epoch_us(${later}) - epoch_us(${earlier})) / ${US_PER_HOUR}.0)`;
const responseHours = hoursBetween('first_response_at', 'received_at');
const resolutionHours = hoursBetween('resolved_at', 'received_at');
/** Hours since receipt by the time "now" (bound as `$now`, wall-clock of the registers). */
const ageHours = (now: string) => hoursBetween(now, 'received_at');

/** SQL of a bucket dimension: its name for rows where `hours` applies (`when`), NULL otherwise. */
function bucketSql(dim: BucketDimension, hours: string, when: string): string {
	const names = bucketNames(dim);
	const arms = HOUR_BUCKETS[dim].map((hi, i) => `WHEN ${hours} < ${hi} THEN '${names[i]}'`).join(' ');
	return `(CASE WHEN NOT (${when}) OR (${when}) IS NULL THEN NULL ${arms} ELSE '${names[names.length - 1]}' END)`;
}

const COMPLAINT_DIMENSIONS: Partial<Record<Dimension, string>> = {
	store: 'store',
	department: 'department',
	channel: 'channel',
	category: 'category',
	severity: 'severity',
	age_bucket: bucketSql('age_bucket', ageHours('$now'), `status <> '已办结'`),
	response_bucket: bucketSql('response_bucket', responseHours, 'first_response_at >= received_at'),
	resolution_bucket: bucketSql('resolution_bucket', resolutionHours, 'resolved_at >= received_at'),
	/** the staff member complained about (被投诉员工工号): the evidence beside an appraisal */
	staff: 'subject_staff_id'
};

export const SOURCES: Readonly<Record<SourceId, SourceDef>> = {
	complaints: {
		id: 'complaints',
		tables: 'complaints',
		dimensions: COMPLAINT_DIMENSIONS,
		filters: ['store', 'department', 'channel', 'category']
	},
	complaint_repeats: {
		id: 'complaint_repeats',
		tables: 'complaints',
		dimensions: COMPLAINT_DIMENSIONS,
		filters: ['store', 'department', 'channel', 'category']
	},
	complaint_days: {
		id: 'complaint_days',
		tables: 'complaints, traffic',
		dimensions: { store: 'store' },
		filters: ['store', 'department', 'channel', 'category']
	},
	surveys: {
		id: 'surveys',
		tables: 'surveys',
		dimensions: { store: 'store', channel: 'channel', method: 'method', staff: 'staff_id' },
		filters: ['store', 'channel']
	},
	/** one row per answer to an extra question of a survey file (beyond the four items), question = its column header */
	survey_answers: {
		id: 'survey_answers',
		tables: 'surveys (extra_answers)',
		dimensions: { store: 'store', channel: 'channel', method: 'method', question: 'question' },
		filters: ['store', 'channel']
	},
	appraisals: {
		id: 'appraisals',
		tables: 'appraisals',
		dimensions: { store: 'store', department: 'department', grade: 'grade' },
		filters: ['store', 'department'],
		staffColumn: 'staff_id',
		attributeDimensions: ['grade']
	}
};

/**
 * SLA limits in hours: a default per kind, overridden per category, and per severity over that (a 重大
 * complaint's limit wins over its category's). These are the defaults (DESIGN.md); quality officers set
 * their own on the targets page (`src/lib/server/metrics/sla.ts`), and every query binds the limits in force.
 */
export interface SlaLimit {
	default: number;
	bySeverity: Partial<Record<string, number>>;
	byCategory: Partial<Record<string, number>>;
}
export interface SlaLimits {
	response: SlaLimit;
	resolution: SlaLimit;
}
export const DEFAULT_SLA: SlaLimits = {
	response: { default: 24, bySeverity: {}, byCategory: {} },
	resolution: { default: 72, bySeverity: { 重大: 168 }, byCategory: {} }
};
/** Replaced in metric SQL by the limit in hours of each row (bound parameters, see compile.ts). */
export const SLA_TOKENS = { response: '$sla_response', resolution: '$sla_resolution' } as const;

/** Survey ratios under this many responses are flagged as low-sample. */
export const LOW_SAMPLE_N = 30;
/** Overall scores up to this count as low (1 非常不满意, 2 不满意). */
export const LOW_SCORE_MAX = 2;
/** Repeat complaint window in days. */
export const REPEAT_WINDOW_DAYS = 30;

export interface DrillDef {
	columns: readonly { name: string; sql: string; type: 'string' | 'number' | 'int' | 'boolean' | 'timestamp' }[];
	/** ORDER BY of the rows (output column names) */
	order: string;
	/** the free-text column a drill-down may search (case-insensitive substring) */
	search?: string;
	/** the row's customer name, masked inside its own text for users without pii */
	customerName?: string;
	/** the free-text output columns (masked for users without pii: phones in any form, the row's customer name) */
	texts: readonly string[];
}

/**
 * The rows a drill-down shows, per source: the register's own columns (times as epoch milliseconds of
 * the register's wall-clock, shown as text in JSON and CSV), their order and the searchable text. Customer name and phone are masked server-side
 * for users without `pii`, and so are phone numbers written into free text.
 */
export const DRILLS: Partial<Record<SourceId, DrillDef>> = (() => {
	const ts = (c: string) => `epoch_ms(${c})`;
	const complaints: DrillDef = {
		columns: [
			{ name: 'complaint_id', sql: 'complaint_id', type: 'string' },
			{ name: 'received_at', sql: ts('received_at'), type: 'timestamp' },
			{ name: 'store', sql: 'store', type: 'string' },
			{ name: 'department', sql: 'department', type: 'string' },
			{ name: 'channel', sql: 'channel::VARCHAR', type: 'string' },
			{ name: 'category', sql: 'category::VARCHAR', type: 'string' },
			{ name: 'severity', sql: 'severity::VARCHAR', type: 'string' },
			{ name: 'status', sql: 'status::VARCHAR', type: 'string' },
			{ name: 'summary', sql: 'summary', type: 'string' },
			{ name: 'customer_name', sql: 'customer_name', type: 'string' },
			{ name: 'customer_phone', sql: 'customer_phone', type: 'string' },
			{ name: 'first_response_at', sql: ts('first_response_at'), type: 'timestamp' },
			{ name: 'resolved_at', sql: ts('resolved_at'), type: 'timestamp' },
			{ name: 'escalated', sql: 'escalated', type: 'boolean' },
			{ name: 'follow_up_satisfaction', sql: 'follow_up_satisfaction::INTEGER', type: 'int' }
		],
		order: 'received_at, complaint_id', // epoch ms: time order
		search: 'summary',
		customerName: 'customer_name',
		texts: ['summary']
	};
	const surveys: DrillDef = {
		columns: [
			{ name: 'response_id', sql: 'response_id', type: 'string' },
			{ name: 'submitted_at', sql: "strftime(submitted_at, '%Y-%m-%d')", type: 'string' },
			{ name: 'wave', sql: 'wave', type: 'string' },
			{ name: 'method', sql: 'method::VARCHAR', type: 'string' },
			{ name: 'store', sql: 'store', type: 'string' },
			{ name: 'channel', sql: 'channel::VARCHAR', type: 'string' },
			{ name: 'staff_id', sql: 'staff_id', type: 'string' },
			{ name: 'overall', sql: 'overall::INTEGER', type: 'int' },
			{ name: 'nps', sql: 'nps::INTEGER', type: 'int' },
			{ name: 'environment', sql: 'environment::INTEGER', type: 'int' },
			{ name: 'product_quality', sql: 'product_quality::INTEGER', type: 'int' },
			{ name: 'service_quality', sql: 'service_quality::INTEGER', type: 'int' },
			{ name: 'price', sql: 'price::INTEGER', type: 'int' },
			{ name: 'comment', sql: 'comment', type: 'string' }
		],
		order: 'submitted_at DESC, response_id',
		search: 'comment',
		texts: ['comment']
	};
	return { complaints, complaint_repeats: complaints, surveys };
})();

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
}

/** A single aggregate: `value` = expression. */
export interface AggregateMetric extends MetricBase {
	kind: 'aggregate';
	/** `$now` inside is replaced by the bound "as of" timestamp */
	value: string;
}

/**
 * A ratio: value = numerator / denominator × scale (null when the denominator is 0).
 * `survey` ratios also return n (= denominator), the 95% margin of error and a low-sample flag.
 */
export interface RatioMetric extends MetricBase {
	kind: 'ratio';
	numerator: string;
	denominator: string;
	scale: 100 | 1000;
	survey?: boolean;
}

/** NPS: % promoters − % detractors, with n and its margin of error (trinomial variance). */
export interface NpsMetric extends MetricBase {
	kind: 'nps';
	promoters: string;
	detractors: string;
	n: string;
}

export type MetricDef = AggregateMetric | RatioMetric | NpsMetric;

const bi = (zh: string, en: string): Bilingual => ({ zh, en });

const C_DIMS: readonly Dimension[] = ['store', 'department', 'channel', 'category', 'severity'];
const S_DIMS: readonly Dimension[] = ['store', 'channel', 'method', 'staff'];

const NO_EXCLUSIONS_C = bi('按投诉时间（受理时间）落入所选日期范围统计。', 'Counted by the date the complaint was received.');

const hoursMetric = (id: string, zh: string, en: string, which: 'response' | 'resolution', q: 0.5 | 0.9): AggregateMetric => {
	const expr = which === 'response' ? responseHours : resolutionHours;
	const col = which === 'response' ? 'first_response_at' : 'resolved_at';
	const qName = q === 0.5 ? bi('中位数', 'median') : bi('第90百分位数', '90th percentile');
	return {
		id,
		kind: 'aggregate',
		label: bi(zh, en),
		source: 'complaints',
		unit: 'hours',
		direction: 'lower',
		dimensions: C_DIMS,
		value: `quantile_cont(${expr}, ${q}) FILTER (WHERE ${col} IS NOT NULL AND ${col} >= received_at)`,
		passport: {
			formula: bi(
				`${which === 'response' ? '首次响应时间' : '办结时间'}减投诉时间（小时）的${qName.zh}，线性插值（quantile_cont，同 Excel PERCENTILE.INC）。`,
				`The ${qName.en} of hours from receipt to ${which === 'response' ? 'first response' : 'resolution'}, linear interpolation (quantile_cont, as Excel PERCENTILE.INC).`
			),
			source: 'complaints',
			exclusions: bi(
				`不含尚无${which === 'response' ? '首次响应时间' : '办结时间'}的投诉，以及该时间早于投诉时间的记录（数据错误）。${NO_EXCLUSIONS_C.zh}`,
				`Complaints without a ${col} are left out, as are rows where it precedes receipt (data errors). ${NO_EXCLUSIONS_C.en}`
			)
		}
	};
};

const slaMetric = (which: 'response' | 'resolution'): RatioMetric => {
	const col = which === 'response' ? 'first_response_at' : 'resolved_at';
	const hours = which === 'response' ? responseHours : resolutionHours;
	const limit = SLA_TOKENS[which];
	const l = DEFAULT_SLA[which];
	const limitsZh = `按“时效标准”设置，可按类别和级别分别规定；默认 ${l.default} 小时${Object.entries(l.bySeverity)
		.map(([s, h]) => `，${s} ${h} 小时`)
		.join('')}`;
	const limitsEn = `as set under "SLA limits", per category and severity; by default ${l.default} h${Object.entries(l.bySeverity)
		.map(([s, h]) => `, ${s} (${s === '重大' ? 'major' : s}) ${h} h`)
		.join('')}`;
	const done = which === 'response' ? bi('首次响应', 'first response') : bi('办结', 'resolution');
	return {
		id: `sla_${which}_compliance`,
		kind: 'ratio',
		label: which === 'response' ? bi('响应时效达标率', 'Response SLA compliance') : bi('办结时效达标率', 'Resolution SLA compliance'),
		source: 'complaints',
		unit: 'percent',
		direction: 'higher',
		dimensions: C_DIMS,
		scale: 100,
		numerator: `count(*) FILTER (WHERE ${col} IS NOT NULL AND ${col} >= received_at AND ${hours} <= ${limit})`,
		denominator: `count(*) FILTER (WHERE (${col} IS NOT NULL AND ${col} >= received_at) OR (${col} IS NULL AND ${ageHours('$now')} > ${limit}))`,
		passport: {
			formula: bi(
				`时限内${done.zh}的投诉数 ÷ 应考核投诉数 × 100%（时限：${limitsZh}）。`,
				`Complaints with ${done.en} within the limit ÷ complaints due × 100% (limits: ${limitsEn}).`
			),
			numerator: bi(`${done.zh}时间减投诉时间不超过时限的投诉`, `complaints whose ${done.en} came within the limit`),
			denominator: bi(
				`已${done.zh}的投诉，加上尚未${done.zh}且已超时的投诉（超时未${done.zh}计为不达标）`,
				`complaints with a ${done.en}, plus those still without one whose limit has passed (counted as breaches)`
			),
			source: 'complaints',
			exclusions: bi(
				`尚未${done.zh}且未到时限的投诉不计入；${done.zh}时间早于投诉时间的记录不计入。${NO_EXCLUSIONS_C.zh}`,
				`Complaints still within their limit without a ${done.en} are not counted yet; rows where ${col} precedes receipt are left out. ${NO_EXCLUSIONS_C.en}`
			)
		}
	};
};

const complaintRatio = (
	id: string,
	label: Bilingual,
	direction: Direction,
	numerator: string,
	denominator: string,
	words: { formula: Bilingual; numerator: Bilingual; denominator: Bilingual; exclusions: Bilingual }
): RatioMetric => ({
	id,
	kind: 'ratio',
	label,
	source: 'complaints',
	unit: 'percent',
	direction,
	dimensions: C_DIMS,
	scale: 100,
	numerator,
	denominator,
	passport: {
		...words,
		source: 'complaints',
		exclusions: bi(`${words.exclusions.zh}${NO_EXCLUSIONS_C.zh}`, `${words.exclusions.en} ${NO_EXCLUSIONS_C.en}`.trim())
	}
});

const surveyMean = (id: string, column: string, label: Bilingual): AggregateMetric => ({
	id,
	kind: 'aggregate',
	label,
	source: 'surveys',
	unit: 'score',
	direction: 'higher',
	dimensions: S_DIMS,
	value: `avg(${column})::DOUBLE`,
	passport: {
		formula: bi(`${label.zh}得分（1-5 分）的平均值。`, `Mean of the ${label.en} score (1-5).`),
		source: 'surveys',
		exclusions: bi('未作答该题的问卷不计入。按调查日期统计。', 'Responses without this answer are left out. Counted by survey date.')
	}
});

/** The four rated items of a survey besides the overall score (环境/商品质量/服务质量/价格). */
export const SURVEY_ITEMS: readonly (readonly [string, Bilingual])[] = [
	['environment', bi('商场环境', 'Environment')],
	['product_quality', bi('商品质量', 'Product quality')],
	['service_quality', bi('服务质量', 'Service quality')],
	['price', bi('价格', 'Price')]
];

/** Top-2-box of one survey item: answers 4-5 ÷ answers, with n, margin of error and low-sample flag. */
const surveyTopBox = (column: string, label: Bilingual): RatioMetric => ({
	id: `${column}_t2b`,
	kind: 'ratio',
	label: bi(`${label.zh}满意度（top-2-box）`, `${label.en}, top-2-box`),
	source: 'surveys',
	unit: 'percent',
	direction: 'higher',
	dimensions: S_DIMS,
	scale: 100,
	survey: true,
	numerator: `count(*) FILTER (WHERE ${column} >= 4)`,
	denominator: `count(${column})`,
	passport: {
		formula: bi(
			`${label.zh}为 4-5 分的问卷 ÷ 作答${label.zh}的问卷 × 100%，含 n、95% 误差幅度与样本不足标记（n < 30）。`,
			`Responses rating ${label.en} 4-5 ÷ responses rating it × 100%, with n, the 95% margin of error and the low-sample flag (n < 30).`
		),
		numerator: bi(`${label.zh} ≥ 4 的问卷`, `responses with ${label.en} ≥ 4`),
		denominator: bi(`作答${label.zh}的问卷`, `responses rating ${label.en}`),
		source: 'surveys',
		exclusions: bi('未作答该题的问卷不计入。按调查日期统计。', 'Responses without this answer are left out. Counted by survey date.')
	}
});

export const METRICS: readonly MetricDef[] = [
	{
		id: 'complaint_count',
		kind: 'aggregate',
		label: bi('投诉量', 'Complaints'),
		source: 'complaints',
		unit: 'count',
		direction: 'lower',
		dimensions: [...C_DIMS, 'age_bucket', 'response_bucket', 'resolution_bucket', 'staff'],
		value: 'count(*)',
		drill: 'true',
		passport: {
			formula: bi('投诉登记表中的投诉条数。', 'Number of complaints in the register.'),
			source: 'complaints',
			exclusions: NO_EXCLUSIONS_C
		}
	},
	{
		id: 'complaint_rate',
		kind: 'ratio',
		label: bi('投诉率（每千笔交易）', 'Complaint rate (per 1,000 transactions)'),
		source: 'complaint_days',
		unit: 'permille',
		direction: 'lower',
		dimensions: ['store'],
		scale: 1000,
		numerator: 'sum(complaints)',
		denominator: 'sum(transactions)',
		passport: {
			formula: bi(
				'投诉数 ÷ 交易笔数 × 1000（‰），分子分母取相同的门店和日期。',
				'Complaints ÷ transactions × 1000 (‰), numerator and denominator over the same stores and days.'
			),
			numerator: bi('有客流记录的门店-日的投诉数', 'complaints on store-days that have a traffic row'),
			denominator: bi('同一批门店-日的交易笔数', 'transactions of the same store-days'),
			source: 'complaints, traffic',
			exclusions: bi(
				'没有客流记录的门店-日，其投诉既不计入分子也不计入分母（因此分子可能小于投诉量）。部门、渠道、类别筛选只作用于分子（交易笔数无此划分）。',
				'Store-days without a traffic row are left out of both numerator and denominator (so the numerator can be below the complaint count). Department, channel and category filters narrow the numerator only (transactions have no such split).'
			)
		}
	},
	hoursMetric('first_response_median_h', '首次响应时长中位数', 'First response time, median', 'response', 0.5),
	hoursMetric('first_response_p90_h', '首次响应时长P90', 'First response time, p90', 'response', 0.9),
	hoursMetric('resolution_median_h', '办结时长中位数', 'Resolution time, median', 'resolution', 0.5),
	hoursMetric('resolution_p90_h', '办结时长P90', 'Resolution time, p90', 'resolution', 0.9),
	slaMetric('response'),
	slaMetric('resolution'),
	complaintRatio('closure_rate', bi('办结率', 'Closure rate'), 'higher', `count(*) FILTER (WHERE status = '已办结')`, 'count(*)', {
		formula: bi('状态为已办结的投诉 ÷ 全部投诉 × 100%。', 'Complaints with status 已办结 (closed) ÷ all complaints × 100%.'),
		numerator: bi('已办结的投诉', 'closed complaints'),
		denominator: bi('全部投诉', 'all complaints'),
		exclusions: bi('按当前状态统计。', 'By current status.')
	}),
	complaintRatio('escalation_rate', bi('上报率', 'Escalation rate'), 'lower', 'count(*) FILTER (WHERE escalated)', 'count(escalated)', {
		formula: bi(
			'已上报的投诉 ÷ 填写了是否上报的投诉 × 100%。',
			'Escalated complaints ÷ complaints with the escalation field filled × 100%.'
		),
		numerator: bi('是否上报为“是”的投诉', 'complaints marked escalated'),
		denominator: bi('是否上报已填写的投诉', 'complaints with the escalation field filled'),
		exclusions: bi('未填写是否上报的投诉不计入。', 'Complaints without the escalation field are left out.')
	}),
	complaintRatio(
		'out_of_scope_rate',
		bi('非职责范围投诉占比', 'Out-of-scope rate'),
		'lower',
		'count(*) FILTER (WHERE NOT in_scope)',
		'count(in_scope)',
		{
			formula: bi(
				'非职责范围（转办）的投诉 ÷ 填写了是否职责范围内的投诉 × 100%。',
				'Out-of-scope (routed) complaints ÷ complaints with the in-scope field filled × 100%.'
			),
			numerator: bi('是否职责范围内为“否”的投诉', 'complaints marked not in scope'),
			denominator: bi('是否职责范围内已填写的投诉', 'complaints with the in-scope field filled'),
			exclusions: bi('未填写是否职责范围内的投诉不计入。', 'Complaints without the in-scope field are left out.')
		}
	),
	complaintRatio(
		'followup_rate',
		bi('回访率', 'Follow-up rate'),
		'higher',
		`count(*) FILTER (WHERE status = '已办结' AND follow_up_at IS NOT NULL)`,
		`count(*) FILTER (WHERE status = '已办结')`,
		{
			formula: bi('已回访的已办结投诉 ÷ 已办结投诉 × 100%。', 'Closed complaints with a follow-up ÷ closed complaints × 100%.'),
			numerator: bi('有回访时间的已办结投诉', 'closed complaints with a follow-up time'),
			denominator: bi('已办结的投诉', 'closed complaints'),
			exclusions: bi('未办结的投诉不计入。', 'Complaints not closed are left out.')
		}
	),
	complaintRatio(
		'followup_satisfaction',
		bi('回访满意率', 'Follow-up satisfaction'),
		'higher',
		'count(*) FILTER (WHERE follow_up_satisfaction >= 4)',
		'count(follow_up_satisfaction)',
		{
			formula: bi(
				'回访满意度为 4-5（满意、非常满意；基本满意为 3）的投诉 ÷ 有回访满意度的投诉 × 100%。',
				'Follow-ups rated 4-5 (满意 satisfied, 非常满意 very satisfied; 基本满意 is 3) ÷ follow-ups with a rating × 100%.'
			),
			numerator: bi('回访满意度 ≥ 4 的投诉', 'complaints with follow-up satisfaction ≥ 4'),
			denominator: bi('有回访满意度结果的投诉', 'complaints with a follow-up satisfaction result'),
			exclusions: bi('没有回访结果的投诉不计入。', 'Complaints without a follow-up result are left out.')
		}
	),
	{
		id: 'repeat_complaint_rate',
		kind: 'ratio',
		label: bi('重复投诉率', 'Repeat complaint rate'),
		source: 'complaint_repeats',
		unit: 'percent',
		direction: 'lower',
		dimensions: C_DIMS,
		scale: 100,
		drill: `since_prev_us <= ${REPEAT_WINDOW_DAYS * 24} * ${US_PER_HOUR}`,
		numerator: `count(*) FILTER (WHERE since_prev_us <= ${REPEAT_WINDOW_DAYS * 24} * ${US_PER_HOUR})`,
		denominator: 'count(*)',
		passport: {
			formula: bi(
				`同一客户电话在此前 ${REPEAT_WINDOW_DAYS} 天内已有投诉的投诉 ÷ 有客户电话的投诉 × 100%。`,
				`Complaints whose customer phone had another complaint in the previous ${REPEAT_WINDOW_DAYS} days ÷ complaints with a customer phone × 100%.`
			),
			numerator: bi(
				`此前 ${REPEAT_WINDOW_DAYS} 天内（含所选范围之前）同一电话已有投诉的投诉`,
				`complaints with an earlier complaint from the same phone in the ${REPEAT_WINDOW_DAYS} days before (also before the selected range)`
			),
			denominator: bi('有客户电话（电话哈希）的投诉', 'complaints with a customer phone (phone hash)'),
			source: 'complaints',
			exclusions: bi(
				'没有客户电话的投诉不计入。此前投诉可以在任何门店、渠道、类别（同一客户的重复来访），以电话的密钥哈希比对，不读取电话号码。按投诉时间统计。',
				'Complaints without a customer phone are left out. The earlier complaint may be at any store, channel or category (the same customer coming back); phones are compared by their keyed hash, never read. Counted by the date received.'
			)
		}
	},
	{
		id: 'open_backlog',
		kind: 'aggregate',
		label: bi('未办结投诉', 'Open backlog'),
		source: 'complaints',
		unit: 'count',
		direction: 'lower',
		dimensions: [...C_DIMS, 'age_bucket'],
		value: `count(*) FILTER (WHERE status <> '已办结')`,
		drill: `status <> '已办结'`,
		passport: {
			formula: bi(
				'当前状态不是已办结（待处理、处理中）的投诉条数。',
				'Complaints whose current status is not 已办结 (open or in progress).'
			),
			source: 'complaints',
			exclusions: bi(
				'按投诉时间落入所选范围、且当前仍未办结统计（当前积压，而非历史某日的积压）。',
				'Complaints received in the range that are open now (the current backlog, not the backlog as of a past day).'
			)
		}
	},
	{
		id: 'csat',
		kind: 'ratio',
		label: bi('满意度（CSAT）', 'CSAT'),
		source: 'surveys',
		unit: 'percent',
		direction: 'higher',
		dimensions: S_DIMS,
		scale: 100,
		survey: true,
		numerator: 'count(*) FILTER (WHERE overall >= 4)',
		denominator: 'count(overall)',
		passport: {
			formula: bi(
				'总体满意度为 4-5 分（满意、非常满意）的问卷 ÷ 有总体满意度的问卷 × 100%（top-2-box）。同时给出样本量 n、95% 误差幅度 1.96·√(p(1−p)/n)，n < 30 标记为样本不足。',
				'Responses with overall 4-5 ÷ responses with an overall score × 100% (top-2-box). Also n, the 95% margin of error 1.96·√(p(1−p)/n), and a low-sample flag when n < 30.'
			),
			numerator: bi('总体满意度 ≥ 4 的问卷', 'responses with overall ≥ 4'),
			denominator: bi('有总体满意度的问卷', 'responses with an overall score'),
			source: 'surveys',
			exclusions: bi(
				'未作答总体满意度的问卷不计入。按调查日期统计。',
				'Responses without an overall score are left out. Counted by survey date.'
			)
		}
	},
	surveyMean('csat_mean', 'overall', bi('总体满意度均分', 'Overall satisfaction, mean')),
	{
		id: 'nps',
		kind: 'nps',
		label: bi('净推荐值（NPS）', 'NPS'),
		source: 'surveys',
		unit: 'nps',
		direction: 'higher',
		dimensions: S_DIMS,
		promoters: 'count(*) FILTER (WHERE nps >= 9)',
		detractors: 'count(*) FILTER (WHERE nps <= 6)',
		n: 'count(nps)',
		passport: {
			formula: bi(
				'推荐者（9-10 分）占比 − 贬损者（0-6 分）占比，单位为分（−100 到 100）。分子为推荐者数减贬损者数，分母为有推荐意愿得分的问卷数；95% 误差幅度 = 1.96·√((p₊+p₋−(p₊−p₋)²)/n)×100，n < 30 标记为样本不足。',
				'% promoters (9-10) − % detractors (0-6), in points (−100 to 100). Numerator = promoters − detractors, denominator = responses with an NPS answer; 95% margin of error = 1.96·√((p₊+p₋−(p₊−p₋)²)/n)×100, low-sample flag when n < 30.'
			),
			numerator: bi('推荐者数 − 贬损者数', 'promoters − detractors'),
			denominator: bi('有推荐意愿得分（0-10）的问卷', 'responses with an NPS answer (0-10)'),
			source: 'surveys',
			exclusions: bi(
				'未作答推荐意愿的问卷不计入。按调查日期统计。',
				'Responses without an NPS answer are left out. Counted by survey date.'
			)
		}
	},
	{
		id: 'response_count',
		kind: 'aggregate',
		label: bi('问卷数', 'Survey responses'),
		source: 'surveys',
		unit: 'count',
		direction: 'higher',
		dimensions: S_DIMS,
		value: 'count(*)',
		passport: {
			formula: bi('调查问卷（含访谈、神秘顾客）条数。', 'Number of survey responses (questionnaires, interviews, mystery-shopper visits).'),
			source: 'surveys',
			exclusions: bi('按调查日期统计。', 'Counted by survey date.')
		}
	},
	{
		id: 'low_score_count',
		kind: 'aggregate',
		label: bi('低分问卷', 'Low-score responses'),
		source: 'surveys',
		unit: 'count',
		direction: 'lower',
		dimensions: S_DIMS,
		value: `count(*) FILTER (WHERE overall <= ${LOW_SCORE_MAX})`,
		drill: `overall <= ${LOW_SCORE_MAX}`,
		passport: {
			formula: bi(
				`总体满意度为 1-${LOW_SCORE_MAX} 分（不满意、非常不满意）的问卷条数。`,
				`Responses with an overall score of 1-${LOW_SCORE_MAX} (dissatisfied, very dissatisfied).`
			),
			source: 'surveys',
			exclusions: bi(
				'未作答总体满意度的问卷不计入。按调查日期统计。',
				'Responses without an overall score are left out. Counted by survey date.'
			)
		}
	},
	...SURVEY_ITEMS.map(([column, label]) => surveyMean(`${column}_mean`, column, label)),
	...SURVEY_ITEMS.map(([column, label]) => surveyTopBox(column, label)),
	{
		id: 'extra_answer_mean',
		kind: 'aggregate',
		label: bi('附加题目均分', 'Extra question, mean'),
		source: 'survey_answers',
		unit: 'score',
		direction: 'higher',
		dimensions: ['store', 'channel', 'method', 'question'],
		value: 'avg(answer)::DOUBLE',
		passport: {
			formula: bi(
				'问卷文件中四个维度以外的数值题目（按列名区分）的平均分，按题目拆分。',
				'Mean answer to the numeric questions a survey file carries beyond the four items (named by their column), cut by question.'
			),
			source: 'surveys',
			exclusions: bi(
				'空白答案不计入；不同文件的同名列视为同一题目。按调查日期统计。',
				'Blank answers are left out; columns of the same name in different files count as one question. Counted by survey date.'
			)
		}
	},
	{
		id: 'extra_answer_count',
		kind: 'aggregate',
		label: bi('附加题目答题数', 'Extra question, answers'),
		source: 'survey_answers',
		unit: 'count',
		direction: 'higher',
		dimensions: ['store', 'channel', 'method', 'question'],
		value: 'count(answer)',
		passport: {
			formula: bi(
				'四个维度以外的数值题目的作答数，按题目拆分。',
				'Answers to the numeric questions beyond the four items, cut by question.'
			),
			source: 'surveys',
			exclusions: bi('空白答案不计入。按调查日期统计。', 'Blank answers are left out. Counted by survey date.')
		}
	},
	{
		id: 'appraisal_mean',
		kind: 'aggregate',
		label: bi('考核总分均值', 'Appraisal score, mean'),
		source: 'appraisals',
		unit: 'score',
		direction: 'higher',
		dimensions: ['store', 'department'],
		value: 'avg(total_score)::DOUBLE',
		passport: {
			formula: bi('员工考核总分（0-100）的平均值。', 'Mean of staff appraisal total scores (0-100).'),
			source: 'appraisals',
			exclusions: bi(
				'按考核周期的起始日统计；月度、季度、年度考核一并平均。',
				'Counted by the first day of the appraisal period; monthly, quarterly and yearly appraisals are averaged together.'
			)
		}
	},
	{
		id: 'appraisal_count',
		kind: 'aggregate',
		label: bi('考核人次', 'Appraisals'),
		source: 'appraisals',
		unit: 'count',
		direction: 'higher',
		dimensions: ['store', 'department', 'grade'],
		value: 'count(*)',
		passport: {
			formula: bi(
				'员工考核记录条数；按等级（A/B/C/D）拆分即为等级分布。',
				'Number of staff appraisals; cut by grade (A/B/C/D) it is the grade distribution.'
			),
			source: 'appraisals',
			exclusions: bi(
				'按考核周期的起始日统计；月度、季度、年度考核一并计数。',
				'Counted by the first day of the appraisal period; monthly, quarterly and yearly appraisals together.'
			)
		}
	}
];

export const METRIC_IDS = METRICS.map((m) => m.id);

const BY_ID = new Map(METRICS.map((m) => [m.id, m]));

export const metricById = (id: string): MetricDef | undefined => BY_ID.get(id);

/** Checks the catalog itself: unique snake_case ids, dimensions the source has. Run by the tests. */
export function catalogProblems(): string[] {
	const out: string[] = [];
	const seen = new Set<string>();
	for (const m of METRICS) {
		if (!/^[a-z][a-z0-9_]*$/u.test(m.id)) out.push(`${m.id}: not snake_case`);
		if (seen.has(m.id)) out.push(`${m.id}: duplicate id`);
		seen.add(m.id);
		for (const d of m.dimensions) if (!SOURCES[m.source].dimensions[d]) out.push(`${m.id}: dimension ${d} not in source ${m.source}`);
	}
	return out;
}

/** What the API lists: everything but the SQL. */
export function publicCatalog() {
	return METRICS.map((m) => ({
		id: m.id,
		label: m.label,
		unit: m.unit,
		direction: m.direction,
		kind: m.kind === 'aggregate' ? 'value' : m.kind === 'nps' || (m.kind === 'ratio' && m.survey) ? 'survey_ratio' : 'ratio',
		dimensions: m.dimensions,
		buckets: Object.fromEntries(m.dimensions.filter((d): d is BucketDimension => d in HOUR_BUCKETS).map((d) => [d, bucketNames(d)])),
		filters: SOURCES[m.source].filters,
		passport: m.passport
	}));
}
