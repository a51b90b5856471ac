import { ageHours, resolutionHours, responseHours, US_PER_HOUR } from './hours';
import { DEFAULT_SLA, REPEAT_WINDOW_DAYS, SLA_TOKENS } from './limits';
import { bi, type AggregateMetric, type Bilingual, type Dimension, type Direction, type MetricDef, type RatioMetric } from './types';

/** Complaint metrics: volume and rate, response and resolution times, SLA compliance, closure, repeats, backlog. */

const C_DIMS: readonly Dimension[] = ['store', 'department', 'channel', 'category', 'severity'];
/** one cut and a store filter: the small rollup of cuts; any other filter: the daily cross of all dimensions */
const C_ROLLUPS = ['complaint_cuts', 'complaint_daily'] as const;

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
		// whole months from the counts per exact time, the range's part-months from raw rows: the same number.
		// Over every store from the counts summed over the stores (and cut by department, channel, category or
		// severity there), and by week from the counts per week; per store otherwise, and cut by store there only for response times: a store's month of
		// resolution times has about as many distinct times as complaints, and the counts then cost as much as
		// quantile_cont over the raw rows (5M complaints, twelve months by store and month, bare SQL: response
		// median 118 against 258 ms raw, resolution 265 against 207 ms; over nine months by store: response 64-72
		// against 108-133 ms, resolution 132 against 141)
		rollup: {
			from: ['complaint_time_cuts', 'complaint_times', 'complaint_time_weeks'],
			where: `clock = '${which}'`,
			quantile: q,
			...(which === 'resolution' ? { uncut: ['complaint_times'] as const } : {})
		},
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
		rollup: {
			from: C_ROLLUPS,
			sla: which,
			numerator: `sum(${which}_in_time)`,
			denominator: `sum(${which}_done) + sum(${which}_open)`
		},
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
	words: { formula: Bilingual; numerator: Bilingual; denominator: Bilingual; exclusions: Bilingual },
	rolled: [numerator: string, denominator: string]
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
	rollup: { from: C_ROLLUPS, numerator: rolled[0], denominator: rolled[1] },
	passport: {
		...words,
		source: 'complaints',
		exclusions: bi(`${words.exclusions.zh}${NO_EXCLUSIONS_C.zh}`, `${words.exclusions.en} ${NO_EXCLUSIONS_C.en}`.trim())
	}
});

export const COMPLAINT_METRICS: readonly MetricDef[] = [
	{
		id: 'complaint_count',
		kind: 'aggregate',
		label: bi('投诉量', 'Complaints'),
		source: 'complaints',
		unit: 'count',
		direction: 'lower',
		dimensions: [...C_DIMS, 'age_bucket', 'response_bucket', 'resolution_bucket', 'staff'],
		value: 'count(*)',
		// by the bucket of a response or resolution time: the counts per time (over every store summed over the stores)
		rollup: { from: [...C_ROLLUPS, 'complaint_time_cuts', 'complaint_times'], value: 'sum(n)' },
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
		rollup: { from: ['complaint_cut_traffic', 'complaint_traffic'], numerator: 'sum(complaints)', denominator: 'sum(transactions)' },
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
	complaintRatio(
		'closure_rate',
		bi('办结率', 'Closure rate'),
		'higher',
		`count(*) FILTER (WHERE status = '已办结')`,
		'count(*)',
		{
			formula: bi('状态为已办结的投诉 ÷ 全部投诉 × 100%。', 'Complaints with status 已办结 (closed) ÷ all complaints × 100%.'),
			numerator: bi('已办结的投诉', 'closed complaints'),
			denominator: bi('全部投诉', 'all complaints'),
			exclusions: bi('按当前状态统计。', 'By current status.')
		},
		['sum(closed)', 'sum(n)']
	),
	complaintRatio(
		'escalation_rate',
		bi('上报率', 'Escalation rate'),
		'lower',
		'count(*) FILTER (WHERE escalated)',
		'count(escalated)',
		{
			formula: bi(
				'已上报的投诉 ÷ 填写了是否上报的投诉 × 100%。',
				'Escalated complaints ÷ complaints with the escalation field filled × 100%.'
			),
			numerator: bi('是否上报为“是”的投诉', 'complaints marked escalated'),
			denominator: bi('是否上报已填写的投诉', 'complaints with the escalation field filled'),
			exclusions: bi('未填写是否上报的投诉不计入。', 'Complaints without the escalation field are left out.')
		},
		['sum(escalated)', 'sum(escalation_known)']
	),
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
		},
		['sum(out_of_scope)', 'sum(scope_known)']
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
		},
		['sum(followed_up)', 'sum(closed)']
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
		},
		['sum(follow_up_satisfied)', 'sum(follow_up_rated)']
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
		// the raw relation has only complaints with a phone: so only groups with one
		rollup: { from: C_ROLLUPS, where: 'with_phone > 0', numerator: 'sum(repeats)', denominator: 'sum(with_phone)' },
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
		rollup: { from: C_ROLLUPS, value: 'sum(open)' },
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
	}
];
