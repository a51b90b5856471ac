import { ABANDONED, ANSWERED, CALLED_BACK, FCR_JUDGED, HANDLED, NO_REPEAT, OFFERED, WITHIN_SL, fcrDue } from '$pipelines/rollups/contacts';
import { CALLBACK_MINUTES, COMPLAINT_LINK_DAYS, DEFAULT_CONTACT_LIMITS } from './limits';
import {
	bi,
	type AggregateMetric,
	type Bilingual,
	type Dimension,
	type Direction,
	type MetricDef,
	type RatioMetric,
	type RollupUse,
	type SourceId
} from './types';

/**
 * Contact-centre metrics (服务过程): how many contacts were offered, how many answered and how fast,
 * how long they took, whether the customer had to come back, whether those who gave up were called back.
 * The limits (short abandon, service-level seconds per channel, FCR window) are tokens bound at compile time.
 */

const DIMS: readonly Dimension[] = ['store', 'channel', 'staff', 'topic', 'hour', 'weekday', 'weekday_hour'];
/** the agent answers: a contact not answered has no agent, so by agent only the answered side is meaningful */
const QUEUE_DIMS: readonly Dimension[] = ['store', 'channel', 'topic', 'hour', 'weekday', 'weekday_hour'];

const L = DEFAULT_CONTACT_LIMITS;

const BY_ARRIVAL = bi('按进线时间落入所选日期范围统计。', 'Counted by the time the contact arrived.');
const SHORT = bi(
	`不计短时放弃：未接起且等待不足“短时放弃”秒数（默认 ${L.shortAbandonSeconds} 秒，在“目标与时限”设置）的来电；呼出（回拨、回访）不计。`,
	`Short abandons are left out: contacts not answered that waited less than the short-abandon limit (default ${L.shortAbandonSeconds} s, set on Targets); outbound contacts (callbacks) are not offered.`
);
const exclusions = (extra: Bilingual = bi('', '')) =>
	bi(`${extra.zh}${SHORT.zh}${BY_ARRIVAL.zh}`, `${extra.en ? `${extra.en} ` : ''}${SHORT.en} ${BY_ARRIVAL.en}`);

const ratio = (
	id: string,
	label: Bilingual,
	direction: Direction,
	numerator: string,
	denominator: string,
	words: { formula: Bilingual; numerator: Bilingual; denominator: Bilingual; exclusions: Bilingual },
	options: { source?: SourceId; dimensions?: readonly Dimension[]; drill?: string } = {}
): RatioMetric => ({
	id,
	kind: 'ratio',
	label,
	source: options.source ?? 'contacts',
	unit: 'percent',
	direction,
	dimensions: options.dimensions ?? QUEUE_DIMS,
	scale: 100,
	numerator: `count(*) FILTER (WHERE ${numerator})`,
	denominator: `count(*) FILTER (WHERE ${denominator})`,
	drill: options.drill ?? numerator,
	passport: { ...words, source: options.source === 'contact_complaints' ? 'contacts, complaints' : 'contacts' }
});

const seconds = (
	id: string,
	label: Bilingual,
	value: string,
	formula: Bilingual,
	extra: Bilingual,
	dimensions: readonly Dimension[] = DIMS
): AggregateMetric => ({
	id,
	kind: 'aggregate',
	label,
	source: 'contacts',
	unit: 'seconds',
	direction: 'lower',
	dimensions,
	value,
	passport: { formula, source: 'contacts', exclusions: exclusions(extra) }
});

const WAIT = bi('等待时长 = 接起时间 − 进线时间（秒）', 'wait = answered − arrived (seconds)');
const HANDLE = bi(
	'处理时长 = 通话 + 保持 + 话后处理时长（秒）；三者都没有时为 结束时间 − 接起时间',
	'handle time = talk + hold + wrap-up (seconds); end − answer when the log has none of the three'
);
const P90 = bi(
	'第90百分位数，线性插值（quantile_cont，同 Excel PERCENTILE.INC）',
	'90th percentile, linear interpolation (as Excel PERCENTILE.INC)'
);
const MEDIAN = bi('中位数，线性插值', 'median, linear interpolation');

/** Answered inbound contacts with a phone whose FCR window has closed by "now" (the data's as-of day). */
const FCR_DUE = `(${FCR_JUDGED} AND ${fcrDue('$now')})`;

/**
 * The contact metrics the contact rollups answer (pipelines/rollups/tables.ts, contact_cuts): by store, channel,
 * agent, topic, hour and weekday, or filtered by channel; the percentiles from the counts per second (contact_times)
 * over whole months, by any of those but weekday × hour and not filtered by channel; the complaint links read raw rows.
 */
const FROM = ['contact_cuts', 'contact_channels'] as const;
const ratioOf = (numerator: string, denominator: string): RollupUse => ({
	from: FROM,
	numerator: `sum(${numerator})`,
	denominator: `sum(${denominator})`
});
const meanOf = (sum: string, n: string): RollupUse => ({ from: FROM, value: `sum(${sum}) / nullif(sum(${n}), 0)` });
const ROLLUPS: Readonly<Record<string, RollupUse>> = {
	contacts_offered: { from: FROM, value: 'sum(offered)' },
	answer_rate: ratioOf('answered', 'offered'),
	service_level: ratioOf('within_sl', 'offered'),
	abandon_rate: ratioOf('abandoned', 'offered'),
	asa_mean_s: meanOf('wait_sum', 'answered'),
	online_first_response_s: meanOf('online_wait_sum', 'online_answered'),
	aht_mean_s: meanOf('handle_sum', 'handled'),
	// percentiles from the counts per exact second (contact_times): by store, channel, agent, topic, hour or weekday
	// (by week over every store from the counts per week, by weekday × hour over every store from those per slot)
	asa_p90_s: { from: ['contact_times', 'contact_time_weeks', 'contact_time_slots'], where: `clock = 'wait'`, quantile: 0.9 },
	aht_median_s: { from: ['contact_times', 'contact_time_weeks', 'contact_time_slots'], where: `clock = 'handle'`, quantile: 0.5 },
	contacts_handled: { from: FROM, value: 'sum(handled)' },
	// a contact's FCR window closes N days after it: the days whose windows have not all closed by "now" are
	// counted from raw rows as of "now" (the rollup's live tail, catalog/rollups.ts)
	fcr_repeat: { ...ratioOf('fcr_kept', 'fcr_judged'), settledDays: (limits) => limits.fcrDays },
	fcr_marked: ratioOf('marked_resolved', 'marked'),
	callback_15m_rate: ratioOf('called_back', 'abandoned')
};

const CONTACT_METRIC_DEFS: readonly MetricDef[] = [
	{
		id: 'contacts_offered',
		kind: 'aggregate',
		label: bi('进线量', 'Contacts offered'),
		source: 'contacts',
		unit: 'count',
		direction: 'lower',
		dimensions: QUEUE_DIMS,
		value: `count(*) FILTER (WHERE ${OFFERED})`,
		drill: OFFERED,
		passport: {
			formula: bi('客户呼入的来电和在线会话数（含未接起的）。', 'Inbound calls and chats from customers, answered or not.'),
			source: 'contacts',
			exclusions: exclusions()
		}
	},
	ratio('answer_rate', bi('接通率', 'Answer rate'), 'higher', ANSWERED, OFFERED, {
		formula: bi('接起的进线 ÷ 进线量 × 100%。', 'Offered contacts answered ÷ contacts offered × 100%.'),
		numerator: bi('已接起（有接起时间）的进线', 'offered contacts with an answer time'),
		denominator: bi('进线量', 'contacts offered'),
		exclusions: exclusions()
	}),
	ratio('service_level', bi('服务水平（限时接通率）', 'Service level'), 'higher', WITHIN_SL, OFFERED, {
		formula: bi(
			`在时限内接起的进线 ÷ 进线量 × 100%（时限默认 ${L.serviceLevel.default} 秒，可按渠道设置；GB/T 33358 热线：15 秒内接听）。`,
			`Contacts answered within the limit ÷ contacts offered × 100% (limit ${L.serviceLevel.default} s by default, per channel as set; GB/T 33358 hotlines: 15 s).`
		),
		numerator: bi(
			`${WAIT.zh}不超过时限（恰好等于时限算达标）的进线`,
			`offered contacts whose ${WAIT.en} is at most the limit (exactly the limit counts)`
		),
		denominator: bi('进线量（放弃的计为未达标）', 'contacts offered (abandoned ones count as missed)'),
		exclusions: exclusions()
	}),
	ratio('abandon_rate', bi('放弃率', 'Abandonment rate'), 'lower', ABANDONED, OFFERED, {
		formula: bi('未接起的进线 ÷ 进线量 × 100%。', 'Offered contacts not answered ÷ contacts offered × 100%.'),
		numerator: bi('没有接起时间的进线（客户挂断或会话超时）', 'offered contacts without an answer time'),
		denominator: bi('进线量', 'contacts offered'),
		exclusions: exclusions()
	}),
	seconds(
		'asa_mean_s',
		bi('平均应答速度（ASA）', 'Average speed of answer (ASA)'),
		`avg(wait_s) FILTER (WHERE ${ANSWERED})`,
		bi(`已接起进线的平均${WAIT.zh}。`, `Mean ${WAIT.en} of answered contacts.`),
		bi('未接起的进线没有等待时长，不计入。', 'Contacts not answered have no wait and are left out.'),
		QUEUE_DIMS
	),
	seconds(
		'asa_p90_s',
		bi('应答速度 P90', 'Speed of answer, P90'),
		`quantile_cont(wait_s, 0.9) FILTER (WHERE ${ANSWERED})`,
		bi(`已接起进线${WAIT.zh}的${P90.zh}。`, `The ${P90.en} of ${WAIT.en} of answered contacts.`),
		bi('未接起的进线不计入。', 'Contacts not answered are left out.'),
		QUEUE_DIMS
	),
	seconds(
		'online_first_response_s',
		bi('在线首次响应时长', 'Online first response'),
		`avg(wait_s) FILTER (WHERE ${ANSWERED} AND channel = '在线')`,
		bi(`在线渠道已接起会话的平均${WAIT.zh}（即在线渠道的 ASA）。`, `Mean ${WAIT.en} of answered online chats (ASA of the online channel).`),
		bi('只计在线渠道。', 'Online channel only.'),
		QUEUE_DIMS
	),
	seconds(
		'aht_mean_s',
		bi('平均处理时长（AHT）', 'Average handle time (AHT)'),
		`avg(handle_s) FILTER (WHERE ${HANDLED})`,
		bi(`已接起联系的平均${HANDLE.zh}。`, `Mean ${HANDLE.en} of answered contacts.`),
		bi(
			'含呼出（回拨）；未接起或没有时长和结束时间的不计入。',
			'Outbound contacts (callbacks) included; contacts not answered or without durations and end time are left out.'
		)
	),
	seconds(
		'aht_median_s',
		bi('处理时长中位数', 'Handle time, median'),
		`quantile_cont(handle_s, 0.5) FILTER (WHERE ${HANDLED})`,
		bi(`已接起联系${HANDLE.zh}的${MEDIAN.zh}。`, `The ${MEDIAN.en} of ${HANDLE.en} of answered contacts.`),
		bi('含呼出（回拨）；未接起的不计入。', 'Outbound contacts included; contacts not answered are left out.')
	),
	{
		id: 'contacts_handled',
		kind: 'aggregate',
		label: bi('接待量', 'Contacts handled'),
		source: 'contacts',
		unit: 'count',
		direction: 'higher',
		dimensions: DIMS,
		value: `count(*) FILTER (WHERE ${HANDLED})`,
		drill: HANDLED,
		passport: {
			formula: bi('已接起并有处理时长的联系数（呼入和呼出）。', 'Answered contacts with a handle time, inbound and outbound.'),
			source: 'contacts',
			exclusions: BY_ARRIVAL
		}
	},
	ratio(
		'fcr_repeat',
		bi('首次解决率（按重复进线）', 'First contact resolution (no repeat)'),
		'higher',
		`${FCR_DUE} AND ${NO_REPEAT}`,
		FCR_DUE,
		{
			formula: bi(
				`接起后 N 天内同一电话没有再次进线的接起数 ÷ 应考核的接起数 × 100%（N 默认 ${L.fcrDays} 天，在“目标与时限”设置）。`,
				`Answered contacts not followed by another inbound contact from the same phone within N days ÷ answered contacts due × 100% (N = ${L.fcrDays} days by default, set on Targets).`
			),
			numerator: bi(
				'N 天内（含第 N 天整）同一电话没有再进线（任何门店、任何批次）的已接起进线',
				'answered contacts with no later inbound contact from the same phone within N days (any store, any file)'
			),
			denominator: bi('有客户电话、且 N 天观察期已结束的已接起进线', 'answered contacts with a phone whose N-day window has closed'),
			exclusions: exclusions(
				bi(
					'没有客户电话的进线无法判断，不计入；观察期未满（进线后不足 N 天）的不计入。按电话的加密指纹（不读号码）匹配。',
					'Contacts without a phone cannot be judged and are left out, as are those whose window has not closed yet. Phones are matched by their keyed hash, never read.'
				)
			)
		},
		{ source: 'contact_sequences', dimensions: DIMS }
	),
	ratio(
		'fcr_marked',
		bi('坐席标记解决率', 'Resolved as marked by agent'),
		'higher',
		`${ANSWERED} AND resolved`,
		`${ANSWERED} AND resolved IS NOT NULL`,
		{
			formula: bi(
				'“是否解决”为是的接起数 ÷ 填写了“是否解决”的接起数 × 100%。',
				'Answered contacts marked resolved ÷ answered contacts with the mark × 100%.'
			),
			numerator: bi('“是否解决”为是的已接起进线', 'answered contacts marked 是 (resolved)'),
			denominator: bi('填写了“是否解决”的已接起进线', 'answered contacts with the mark filled in'),
			exclusions: exclusions(
				bi('坐席自报，与“首次解决率（按重复进线）”口径不同。', 'Self-reported by the agent; not the same as FCR by repeat contact.')
			)
		},
		{ dimensions: DIMS }
	),
	ratio(
		'callback_15m_rate',
		bi('15 分钟回拨率', 'Called back within 15 min'),
		'higher',
		`${ABANDONED} AND ${CALLED_BACK}`,
		ABANDONED,
		{
			formula: bi(
				`放弃后 ${CALLBACK_MINUTES} 分钟内回拨的放弃进线 ÷ 放弃进线 × 100%。`,
				`Abandoned contacts called back within ${CALLBACK_MINUTES} minutes ÷ abandoned contacts × 100%.`
			),
			numerator: bi(
				`回拨时间，或同一电话之后的呼出或被接起的联系，在挂断（无结束时间时为进线）后 ${CALLBACK_MINUTES} 分钟内的放弃进线`,
				`abandoned contacts with a callback time, or a later outbound or answered contact of the same phone, within ${CALLBACK_MINUTES} minutes of the hang-up (of arrival when there is no end time)`
			),
			denominator: bi('放弃的进线（未接起，非短时放弃）', 'abandoned contacts (not answered, not short abandons)'),
			exclusions: exclusions()
		},
		{ source: 'contact_sequences' }
	),
	ratio(
		'contact_complaint_rate',
		bi('进线后投诉率', 'Contacts followed by a complaint'),
		'lower',
		`${OFFERED} AND customer_phone_hash IS NOT NULL AND later_complaint`,
		`${OFFERED} AND customer_phone_hash IS NOT NULL`,
		{
			formula: bi(
				`进线后 ${COMPLAINT_LINK_DAYS} 天内同一电话登记了投诉的进线 ÷ 有客户电话的进线 × 100%。`,
				`Offered contacts whose phone was in a complaint within ${COMPLAINT_LINK_DAYS} days ÷ offered contacts with a phone × 100%.`
			),
			numerator: bi(
				`同一电话（按加密指纹匹配）在进线后 ${COMPLAINT_LINK_DAYS} 天内有投诉的进线`,
				`offered contacts whose phone (matched by keyed hash) is in a complaint received within ${COMPLAINT_LINK_DAYS} days after`
			),
			denominator: bi('有客户电话的进线', 'offered contacts with a phone'),
			exclusions: exclusions(bi('没有客户电话的进线不计入。', 'Contacts without a phone are left out.'))
		},
		{ source: 'contact_complaints' }
	)
];

export const CONTACT_METRICS: readonly MetricDef[] = CONTACT_METRIC_DEFS.map((m) => (ROLLUPS[m.id] ? { ...m, rollup: ROLLUPS[m.id] } : m));
