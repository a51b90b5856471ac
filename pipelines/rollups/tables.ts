import { CONTACT_TOKENS, DEFAULT_CONTACT_LIMITS, LOW_SCORE_MAX, REPEAT_WINDOW_DAYS, contactLimitsKey } from '$lib/shared/thresholds';
import { DEFAULT_SLA, slaFingerprint } from '$lib/shared/sla';
import {
	ABANDONED,
	ANSWERED,
	CALLED_BACK,
	CONTACT_HOUR,
	CONTACT_TIMES,
	CONTACT_WEEKDAY,
	CONTACT_WEEKDAY_HOUR,
	FCR_JUDGED,
	fcrDue,
	HANDLE_S,
	HANDLED,
	NO_REPEAT,
	OFFERED,
	WAIT_S,
	WITHIN_SL
} from './contacts';

/**
 * The rollup tables: per day × store × the dimensions the catalog cuts a source by, the counts and sums
 * its metrics need. Every load, replacing load and rollback keeps them current for the (day, store)
 * keys it touched (maintain.ts); the metric compiler reads them when they cover a request
 * (server/metrics/catalog/rollups.ts) and the raw rows otherwise. Their tables are created by migration 11.
 *
 * A rollup row is the aggregate of the source rows with the same key. The survey and contact rollups'
 * touched keys are recomputed from those rows. The complaints' rollups are counts of rows, so a write changes
 * each key by what the rows that came and left count for it (`signed`, `period: 'month'`): recomputing their
 * keys read every complaint of the touched days, most of the table for a batch spread over its months
 * (measured: 1.3 s of a 1,000-row batch's 2.4 s upkeep at 5M complaints). Adjusting can drift where
 * recomputing cannot, so `verifyRollups` compares every rollup with the raw rows (at the end of the tests, and
 * `npm run rollups -- verify`), and a rebuild makes them whole again.
 */

export type RolledKind = 'complaints' | 'surveys' | 'contacts';

export interface RollupTable {
	table: string;
	/** the source kind whose loads change it */
	kind: RolledKind;
	/** its key columns besides the day `d` (store first) */
	keys: readonly string[];
	/**
	 * A table of cuts: one row per day × store (cut '') and per day × store × member of each of these
	 * dimensions (cut = its name, member = its value as text) — small, for requests cut by at most one
	 * dimension and filtered by store only. Its keys are then store, cut and member.
	 */
	cuts?: readonly string[];
	/** column → aggregate over the rows of `rows` */
	measures: Readonly<Record<string, string>>;
	/**
	 * The source rows to aggregate, with the day `d`, the key columns and what the measures read:
	 * `where` picks rows of the source table (alias `s`), `lookback` is the first day the repeat
	 * window must reach back to (null: no bound); contacts look ahead from it, to what the phone did next.
	 * `keys`: a table of (d, store) the rows must be of, semi-joined (a correlated EXISTS on the same keys
	 * took 15× as long at 5M complaints: DuckDB planned it as a delim join).
	 */
	rows: (where: string, lookback: string | null, keys?: string | null) => string;
	/**
	 * A rollup whose measures are all counts and whose keys are a coarsening of another's (complaint_cuts of
	 * complaint_daily): kept current and rebuilt by summing that table's rows (it is listed after it), which
	 * gives the same numbers as aggregating the raw rows again at a fraction of the cost. `verifyRollups`
	 * still compares it with the raw rows.
	 */
	sumOf?: string;
	/**
	 * Its rows are per month (`d` = the month's first day) or per week (`d` = its Monday), not per day, counting each exact value of what it
	 * counts (`touched`), and its only measure is the count `n`. A write changes the count of each key by the rows it
	 * adds and removes with that key (maintain.ts, `refreshPeriods`) instead of recomputing its months from every
	 * row of them, which would read most of the table for a batch spread over many months. With `growsByRows`, a key's
	 * count may stand in more than one row (a write that changes it adds a row, below 0 where rows left): a key's count is
	 * the sum of its rows', and a key whose rows sum to 0 counts no row (a group of such keys alone is no group).
	 */
	period?: 'month' | 'week';
	/**
	 * A rollup whose keys grow by rows of their own (maintain.ts, `refreshPeriods`, `addRows`): a write changing keys
	 * spread over every month skips the scan for the keys' rows. A key may then stand in several rows, and every reader
	 * sums its rows; the compaction after the commit folds them (`compactSplit`).
	 * - A period rollup: a key's change gets a row of its own, below 0 where rows left. Its readers leave out a group
	 *   whose count sums to 0, and take a running total over a time's rows in the order that puts the ones below 0
	 *   first, so that no partial total passes the time's whole one (server/metrics/compile.ts, `quantileSql`).
	 * - A rollup of counts kept by signed rows (no `signed.sums`): a key that only rows coming changed gets a row of their
	 *   counts. Each row is then the counts of a set of the key's source rows, so a condition on one row's counts keeps
	 *   the answer of the same condition on the key's sums (`repeat_complaint_rate` keeps rows with `with_phone > 0`:
	 *   one without has no repeats either). A key that rows leaving changed has its rows folded into one, or none when
	 *   no source row is left.
	 * Not for contact_times: finding and deleting the rows of keys whose counts fall there took 354-412 ms for 1,001
	 * contacts replaced over two years, against 214-252 by the MERGE.
	 */
	growsByRows?: boolean;
	/**
	 * With `growsByRows`: at most how many of its rows one source row adds (default 1; a table of cuts one per cut and the
	 * uncut row, a table of times one per clock): what the compaction weighs the source rows a write touched by.
	 */
	rowsPerSource?: number;
	/**
	 * For a rollup per month or week: what a touched row records beside its day, store and whether it came or left
	 * (column → expression over the source row), and what the write changes each key's count by (`touchedSums`: over
	 * `rollup_touched`, `d` the period's first day, the other keys, and `n` the sum of the key's rows' `sign`, +1 for a
	 * row that came, -1 for one that left).
	 */
	touched?: { columns: Readonly<Record<string, string>>; sums: string };
	/**
	 * Its measures are all counts of the rows meeting a condition (`counts`), so a write changes each key's
	 * counts by the rows it adds less those it removes, without recomputing the keys from the source (maintain.ts,
	 * `refreshTouched` and `applyDelta`). `columns` are the source columns `rows` reads, recorded for each touched
	 * row; `rows` gives the same rows as `rows` does from a table of such rows with a column `sign` (+1 came, -1
	 * left). A row whose stored derived value the write changed (a complaint's repeat gap) leaves with its old
	 * value and comes back with its new one.
	 */
	signed?: {
		counts: Readonly<Record<string, string>>;
		/**
		 * Measures that are sums of a value over the rows one of `counts` counts (value, and that count's measure): a
		 * write changes them by the values of the rows that came less those that left, and a key whose count falls to
		 * 0 has NULL, as the sum of no rows is
		 */
		sums?: Readonly<Record<string, { value: string; count: string }>>;
		columns: readonly string[];
		rows: (source: string) => string;
	};
	/** the limits its counts are made with (SLA, contact limits): new limits rebuild it, and only the tables with limits */
	limits?: 'sla' | 'contacts';
	/** the order a rebuild writes its rows in (default: by day and store), so that the reads' filters skip blocks */
	order?: string;
	/**
	 * A table of cuts built and verified one cut at a time (each a plain GROUP BY, which spills to disk), not in one
	 * aggregate of every grouping set: contact_times' at 19.5M contacts ran out of the 488 MiB memory limit (and so
	 * did its cut by hour of both clocks at once, 3.3M keys; of one, 3.0M, took 6 s in the limit). For a
	 * table whose rows are cheap to read again (no windows over phones), as every cut reads them once more.
	 */
	byCut?: boolean;
	/** conditions on its rows (and its own columns) that split each of those builds further, one statement each */
	parts?: readonly string[];
}

const US_PER_DAY = 86_400_000_000;

/** The rows of a source (alias `s`) whose (day, store) is in the table `keys`, as a join clause; none without. */
const keyedBy = (keys: string | null | undefined, day: string) =>
	keys ? `SEMI JOIN ${keys} k ON k.d = s.${day} AND k.store = s.store` : '';

/** The SLA clocks a complaint row keeps: first response and resolution, each with its time column. */
const SLA_CLOCKS = { response: 'first_response_at', resolution: 'resolved_at' } as const;

/**
 * The limits the rollups count SLA compliance with: rollup_state.sla (the fingerprint of the limits,
 * written by `rebuildRollups`), the defaults when NULL. Every write counts with these, never with a
 * newer setting, so the counts of one rollup are all made with one set of limits. One row per severity ×
 * category (NULL included) with each clock's limit — its severity's, else its category's, else the default,
 * as the metric compiler's limit (compile.ts) — read once, not per complaint.
 */
const limitOf = (which: string) =>
	`coalesce((l.sla->'${which}'->'bySeverity'->>sev)::DOUBLE, (l.sla->'${which}'->'byCategory'->>cat)::DOUBLE, (l.sla->'${which}'->>'default')::DOUBLE) AS ${which}_limit`;
const COUNTED_LIMITS = `(SELECT sev, cat, ${Object.keys(SLA_CLOCKS).map(limitOf).join(', ')}
	FROM (SELECT coalesce(max(sla), '${slaFingerprint(DEFAULT_SLA)}')::JSON AS sla FROM rollup_state) l,
		(SELECT unnest(enum_range(NULL::severity_t))::VARCHAR AS sev UNION ALL SELECT NULL),
		(SELECT unnest(enum_range(NULL::category_t))::VARCHAR AS cat UNION ALL SELECT NULL))`;

/**
 * Per SLA clock: hours from receipt (NULL unless done after receipt, as the metrics count them), whether
 * the time is missing, and the row's limit, with the hours computed as the metrics compute them.
 */
const slaColumns = Object.entries(SLA_CLOCKS)
	.map(
		([
			which,
			col
		]) => `CASE WHEN s.${col} >= s.received_at THEN ((epoch_us(s.${col}) - epoch_us(s.received_at)) / 3600000000.0) END AS ${which}_h,
		s.${col} IS NULL AS ${which}_missing, l.${which}_limit`
	)
	.join(',\n\t\t');

/**
 * What a write changes a period rollup's counts by (`RollupTable.touched`): per clock (clock → the column of
 * `rollup_touched` holding the row's value of it, named `value` in the rollup), the key of the row's period `d`, its
 * `keys` and its value, with `n` the sum of the rows' `sign`. With `cuts` (columns of `rollup_touched`, each a cut of the
 * same name), the key of every cut (`cut` '' and member NULL: every row; else the cut's name and the row's member as
 * text), by one aggregate of grouping sets per clock: a union of one copy of the rows per cut, grouped once, took twice
 * as long (a million complaints' complaint_time_cuts: 1.15-1.43 s against 0.55-0.63 s).
 */
const touchedSums = (
	period: 'month' | 'week',
	keys: readonly string[],
	value: string,
	clocks: Readonly<Record<string, string>>,
	cuts?: readonly string[]
): string => {
	const own = keys.map((k) => `${k}, `).join('');
	if (!cuts)
		return `SELECT d, ${own}clock, ${value}, sum(sign) AS n FROM (${Object.entries(clocks)
			.map(
				([clock, column]) =>
					`SELECT date_trunc('${period}', d)::DATE AS d, ${own}'${clock}' AS clock, ${column} AS ${value}, sign FROM rollup_touched`
			)
			.join(' UNION ALL ')}) GROUP BY ALL`;
	const base = ['d', ...keys, value].join(', ');
	return Object.entries(clocks)
		.map(
			([clock, column]) => `SELECT d, ${own}'${clock}' AS clock,
			CASE ${cuts.map((c) => `WHEN grouping(${c}) = 0 THEN '${c}'`).join(' ')} ELSE '' END AS cut,
			CASE ${cuts.map((c) => `WHEN grouping(${c}) = 0 THEN ${c}::VARCHAR`).join(' ')} END AS member, ${value}, sum(sign) AS n
			FROM (SELECT date_trunc('${period}', d)::DATE AS d, ${own}${cuts.join(', ')}, ${column} AS ${value}, sign FROM rollup_touched)
			GROUP BY GROUPING SETS ((${base}), ${cuts.map((c) => `(${base}, ${c})`).join(', ')})`
		)
		.join(' UNION ALL ');
};

/**
 * Microseconds since the previous complaint of the same phone (any store), as the repeat-complaint metric
 * defines it, when that complaint is within the repeat window (NULL otherwise: only whether it is counts), per
 * complaint (rowid `rid`) of the phones `phones` picks (a condition on complaints; 'true': all) received at
 * `since` or later (a TIMESTAMP expression; null: all), with the complaint's columns `carried`. Only the rows
 * from the window before `since` are windowed: a previous complaint earlier than that is outside the window
 * of every row picked. `byTime`: the phone's complaints ordered by receipt alone, with `ties` (how many of them share
 * the row's receipt; the order is the exact one where none does), so the complaint ids are not read.
 */
export const repeatGaps = (
	phones: string,
	since: string | null = null,
	carried: readonly string[] = [],
	byTime = false
) => `SELECT rid, ${carried.map((c) => `${c}, `).join('')}${byTime ? 'ties, ' : ''}CASE WHEN gap <= ${REPEAT_WINDOW_DAYS} * ${US_PER_DAY} THEN gap END AS gap
	FROM (SELECT rowid AS rid, ${carried
		.filter((c) => c !== 'received_at')
		.map((c) => `${c}, `)
		.join('')}received_at,
		epoch_us(received_at) - lag(epoch_us(received_at)) OVER (PARTITION BY customer_phone_hash ORDER BY received_at${byTime ? '' : ', complaint_id'}) AS gap
		${byTime ? ', count(*) OVER (PARTITION BY customer_phone_hash, received_at) AS ties' : ''}
		FROM complaints WHERE customer_phone_hash IS NOT NULL AND ${phones}${since === null ? '' : ` AND received_at >= ${since} - INTERVAL ${REPEAT_WINDOW_DAYS} DAY`})
	${since === null ? '' : `WHERE received_at >= ${since}`}`;

/**
 * Complaints with `since_prev_us` (see `repeatGaps`) and their SLA clocks. Keeping a write current
 * (`lookback` given) reads the gap each complaint stores (`repeat_gap_us`, recomputed for the write's phones
 * first); a rebuild or a verify (`lookback` null) computes it from the rows, so verify checks the stored
 * gaps too.
 */
const complaintRows = (
	where: string,
	lookback: string | null,
	keys?: string | null,
	signed?: string
) => `(SELECT s.received_at::DATE AS d, s.store, s.department, s.channel,
		s.category, s.severity, s.status, s.escalated, s.in_scope, s.follow_up_at, s.follow_up_satisfaction, s.customer_phone_hash,
		${lookback === null ? 'p.gap' : 's.repeat_gap_us'} AS since_prev_us,
		${slaColumns}${signed ? ', s.sign' : ''}
	FROM ${signed ?? 'complaints'} s ${keyedBy(keys, 'received_at::DATE')} JOIN ${COUNTED_LIMITS} l ON l.sev IS NOT DISTINCT FROM s.severity::VARCHAR AND l.cat IS NOT DISTINCT FROM s.category::VARCHAR
	${lookback === null ? `LEFT JOIN (${repeatGaps('true')}) p ON p.rid = s.rowid` : ''}
	WHERE ${where})`;

const ITEMS = ['environment', 'product_quality', 'service_quality', 'price'] as const;

/** Each measure of the complaints' rollups: the rows it counts, as a condition over complaintRows' columns. */
const COMPLAINT_COUNTS: Readonly<Record<string, string>> = {
	n: 'true',
	closed: `status = '已办结'`,
	open: `status <> '已办结'`,
	escalated: 'escalated',
	escalation_known: 'escalated IS NOT NULL',
	out_of_scope: 'NOT in_scope',
	scope_known: 'in_scope IS NOT NULL',
	followed_up: `status = '已办结' AND follow_up_at IS NOT NULL`,
	follow_up_satisfied: 'follow_up_satisfaction >= 4',
	follow_up_rated: 'follow_up_satisfaction IS NOT NULL',
	with_phone: 'customer_phone_hash IS NOT NULL',
	repeats: `customer_phone_hash IS NOT NULL AND since_prev_us <= ${REPEAT_WINDOW_DAYS} * ${US_PER_DAY}`,
	// SLA compliance, counted with the limits of rollup_state.sla: done after receipt, done within the limit, no time yet
	...Object.fromEntries(
		Object.keys(SLA_CLOCKS).flatMap((which) => [
			[`${which}_done`, `${which}_h IS NOT NULL`],
			[`${which}_in_time`, `${which}_h <= ${which}_limit`],
			[`${which}_open`, `${which}_missing`]
		])
	)
};
const countsOf = (counts: Readonly<Record<string, string>>) =>
	Object.fromEntries(Object.entries(counts).map(([m, cond]) => [m, cond === 'true' ? 'count(*)' : `count(*) FILTER (WHERE ${cond})`]));
const COMPLAINT_MEASURES = countsOf(COMPLAINT_COUNTS);
/** what complaintRows reads of a complaint, recorded for each row a write touches */
const COMPLAINT_COLUMNS = [
	'received_at',
	'store',
	'department',
	'channel',
	'category',
	'severity',
	'status',
	'escalated',
	'in_scope',
	'follow_up_at',
	'follow_up_satisfaction',
	'customer_phone_hash',
	'repeat_gap_us',
	...Object.values(SLA_CLOCKS)
] as const;
const COMPLAINT_SIGNED = {
	counts: COMPLAINT_COUNTS,
	columns: COMPLAINT_COLUMNS,
	rows: (source: string) => complaintRows('true', 'stored', null, source)
};

const COMPLAINT_DIMENSIONS = ['department', 'channel', 'category', 'severity'] as const;

/**
 * Each complaint once per SLA clock, with the microseconds from receipt to the clock's time (NULL when it has
 * none, or one before receipt: the time metrics leave those out), keyed by the first day of its month. A
 * percentile over whole months is then exact from the counts per time (catalog/rollups.ts): registers keep
 * times to the minute, so a month of a store holds a few thousand distinct times, not tens of thousands of rows.
 */
const clockUs = (col: string, alias = '') =>
	`CASE WHEN ${alias}${col} >= ${alias}received_at THEN epoch_us(${alias}${col}) - epoch_us(${alias}received_at) END`;
export const complaintTimes = (where: string) =>
	`(${Object.entries(SLA_CLOCKS)
		.map(
			([which, col]) => `SELECT date_trunc('month', s.received_at)::DATE AS d, s.store, '${which}' AS clock, ${clockUs(col, 's.')} AS us
			FROM complaints s WHERE ${where}`
		)
		.join(' UNION ALL ')})`;
/** complaint_times: a touched complaint records its times; it touches the key of each of its times in its month */
/** each SLA clock's column in rollup_touched (its microseconds from receipt) */
const COMPLAINT_CLOCK_COLUMNS = Object.fromEntries(Object.keys(SLA_CLOCKS).map((which) => [which, `${which}_us`]));
const COMPLAINT_TIMES_TOUCHED = {
	columns: Object.fromEntries(Object.entries(SLA_CLOCKS).map(([which, col]) => [`${which}_us`, clockUs(col)])),
	sums: touchedSums('month', ['store'], 'us', COMPLAINT_CLOCK_COLUMNS)
};

/**
 * complaint_time_cuts: the same times summed over every store, once per clock and per member of each dimension
 * (cut '': all complaints). Without the store a month's times repeat far more (at 5M complaints over 24 months:
 * 115,084 distinct response times against 473,161 per store, 358,781 resolution times against 1.6M), so the
 * percentiles of a request over every store (no store filter, no store scope: leadership, a chain's quality
 * office) read a quarter of the rows, and their cuts by department, channel, category and severity read the
 * rollup instead of every complaint.
 */
export const complaintTimeCuts = (where: string) =>
	`(${Object.entries(SLA_CLOCKS)
		.map(
			([which, col]) => `SELECT date_trunc('month', s.received_at)::DATE AS d, '${which}' AS clock, ${clockUs(col, 's.')} AS us,
			${COMPLAINT_DIMENSIONS.map((c) => `s.${c}`).join(', ')}
			FROM complaints s WHERE ${where}`
		)
		.join(' UNION ALL ')})`;
/** complaint_time_cuts: a touched complaint counts for each clock's key of every cut (its dimensions are recorded for the signed rollups) */
const COMPLAINT_TIME_CUTS_TOUCHED = {
	columns: COMPLAINT_TIMES_TOUCHED.columns,
	sums: touchedSums('month', [], 'us', COMPLAINT_CLOCK_COLUMNS, COMPLAINT_DIMENSIONS)
};

/**
 * complaint_time_weeks: the same times per week (`d` its Monday) over every store, uncut, for percentiles by week
 * over every store (at 5M complaints over 24 months: 270,978 response and 909,969 resolution rows, against 5M of each).
 */
export const complaintTimeWeeks = (where: string) =>
	`(${Object.entries(SLA_CLOCKS)
		.map(
			([which, col]) => `SELECT date_trunc('week', s.received_at)::DATE AS d, '${which}' AS clock, ${clockUs(col, 's.')} AS us
			FROM complaints s WHERE ${where}`
		)
		.join(' UNION ALL ')})`;
const COMPLAINT_TIME_WEEKS_TOUCHED = {
	columns: COMPLAINT_TIMES_TOUCHED.columns,
	sums: touchedSums('week', [], 'us', COMPLAINT_CLOCK_COLUMNS)
};

/**
 * The contact limits the contact rollups count with, as one row: those recorded in `rollup_state` (the
 * defaults when none are), so a rollup row always says which limits it was counted with. Never a user value
 * in the SQL text: the limits are read from the table.
 */
const CONTACT_LIMITS_ROW = `(SELECT (l->>'$.shortAbandonSeconds')::DOUBLE AS lim_short, (l->>'$.serviceLevel.default')::DOUBLE AS lim_sl,
		CAST(json_extract(l, '$.serviceLevel.byChannel') AS MAP(VARCHAR, DOUBLE)) AS lim_sl_by, (l->>'$.fcrDays')::INTEGER AS lim_fcr
	FROM (SELECT coalesce(max(contact_limits), '${contactLimitsKey(DEFAULT_CONTACT_LIMITS)}') AS l FROM rollup_state))`;
const withRolledLimits = (expr: string) =>
	expr
		.replaceAll(CONTACT_TOKENS.shortAbandonSeconds, 'lim_short')
		.replaceAll(CONTACT_TOKENS.serviceLevel, 'coalesce(lim_sl_by[channel::VARCHAR], lim_sl)')
		.replaceAll(CONTACT_TOKENS.fcrDays, 'lim_fcr');

/** What each contact row counts as, with the rolled limits (contacts.ts defines each condition for the catalog too). */
const CONTACT_FLAGS: Readonly<Record<string, string>> = {
	is_offered: OFFERED,
	is_answered: ANSWERED,
	is_abandoned: ABANDONED,
	is_within_sl: WITHIN_SL,
	is_handled: HANDLED,
	is_judged: FCR_JUDGED,
	is_kept: `${FCR_JUDGED} AND ${NO_REPEAT}`,
	is_marked: `${ANSWERED} AND resolved IS NOT NULL`,
	is_resolved: `${ANSWERED} AND resolved`,
	is_called_back: `${ABANDONED} AND ${CALLED_BACK}`
};

/** The same, as of `now`: FCR judges only contacts whose window has closed by then (as the catalog's metric does). */
const contactFlagsAsOf = (now: string): Readonly<Record<string, string>> => ({
	...CONTACT_FLAGS,
	is_judged: `${FCR_JUDGED} AND ${fcrDue(now)}`,
	is_kept: `${FCR_JUDGED} AND ${fcrDue(now)} AND ${NO_REPEAT}`
});

/**
 * Contacts with what the same phone did next (any store, any file), as each contact stores it (`storedNext`: the
 * upkeep keeps it, a rebuild fills it first; `verifyRollups` compares it with the phones' windows). With `now` (a
 * TIMESTAMP expression), FCR counts only the contacts whose window has closed by then (the compiler's live days,
 * see `contactCutsAsOf`).
 */
export const contactRows = (where: string, _lookback: string | null, keys: string | null = null, now: string | null = null) =>
	contactFlags(`SELECT ${CONTACT_ROW_COLUMNS} FROM contacts s ${keyedBy(keys, 'arrived_at::DATE')} WHERE ${where}`, now);

/** What contactRows reads of a contact (alias `s`), with the next times it stores under the names the flags read. */
const CONTACT_ROW_COLUMNS = `s.store, s.channel, s.agent_id AS staff, s.topic, ${CONTACT_HOUR} AS hour, s.direction, s.arrived_at, s.answered_at,
			s.ended_at, s.callback_at, s.resolved, s.customer_phone_hash, ${CONTACT_TIMES},
			s.stored_next_inbound_at AS next_inbound_at, s.stored_next_reach_at AS next_reach_at`;
/** the source columns those read, recorded for each contact a write touches (with the next times it stores) */
const CONTACT_COLUMNS = [
	'store',
	'channel',
	'agent_id',
	'topic',
	'direction',
	'arrived_at',
	'answered_at',
	'ended_at',
	'talk_seconds',
	'hold_seconds',
	'wrap_seconds',
	'callback_at',
	'resolved',
	'customer_phone_hash',
	'stored_next_inbound_at',
	'stored_next_reach_at'
] as const;

/** Rows of `inner` (CONTACT_ROW_COLUMNS, and `extra`) with what each counts as, with the rolled limits. */
const contactFlags = (inner: string, now: string | null, extra = '') => `(SELECT d, store, channel, staff, topic, hour, wait_s, handle_s,
		${Object.entries(now ? contactFlagsAsOf(now) : CONTACT_FLAGS)
			.map(([name, expr]) => `${withRolledLimits(expr)} AS ${name}`)
			.join(', ')}${extra}
	FROM (${inner}), ${CONTACT_LIMITS_ROW})`;

/** Each count of the contact rollup: the rows it counts, as a condition over contactRows' columns. */
const CONTACT_COUNTS: Readonly<Record<string, string>> = {
	n: 'true',
	offered: 'is_offered',
	answered: 'is_answered',
	abandoned: 'is_abandoned',
	within_sl: 'is_within_sl',
	online_answered: `is_answered AND channel = '在线'`,
	handled: 'is_handled',
	fcr_judged: 'is_judged',
	fcr_kept: 'is_kept',
	marked: 'is_marked',
	marked_resolved: 'is_resolved',
	called_back: 'is_called_back'
};
/** and each sum: of a value over the rows one of the counts counts (never NULL on those rows) */
const CONTACT_SUMS = {
	wait_sum: { value: 'wait_s', count: 'answered' },
	online_wait_sum: { value: 'wait_s', count: 'online_answered' },
	handle_sum: { value: 'handle_s', count: 'handled' }
} as const;
const CONTACT_MEASURES: Readonly<Record<string, string>> = {
	...countsOf(CONTACT_COUNTS),
	...Object.fromEntries(
		Object.entries(CONTACT_SUMS).map(([m, { value, count }]) => [m, `sum(${value}) FILTER (WHERE ${CONTACT_COUNTS[count]})`])
	)
};

/**
 * Per day × store, and per member of each cut, the contacts' counts and sums. Kept by signed rows: a contact's counts
 * depend on its own columns and on what its phone did next, which each contact stores (`storedNext`, recomputed by
 * the upkeep for the phones a write touches), so a write changes the rollup by the contacts that came and left and
 * by those whose stored next times changed. Recomputing the touched days' keys instead windowed every phone of
 * those days: 30.6 s for 1,000 contacts spread over two years of 19.5M.
 */
export const CONTACT_CUTS: RollupTable = {
	table: 'contact_cuts',
	kind: 'contacts',
	keys: ['store', 'cut', 'member'],
	cuts: ['channel', 'staff', 'topic', 'hour'],
	measures: CONTACT_MEASURES,
	rows: contactRows,
	signed: {
		counts: CONTACT_COUNTS,
		sums: CONTACT_SUMS,
		columns: CONTACT_COLUMNS,
		rows: (source) => contactFlags(`SELECT ${CONTACT_ROW_COLUMNS}, s.sign FROM ${source} s`, null, ', sign')
	},
	limits: 'contacts'
};

/**
 * contact_cuts rows computed now from the contacts that arrived from day `from` to day `to` (bound DATE
 * expressions), as of `now`: what the rollup would hold for those days if FCR counted only closed windows.
 * With `dueDays` (the FCR window in force), only the contacts whose window has closed by `now`: FCR's counts
 * are the same, the others count those contacts only. Read only while the rollups are current (the next times
 * each contact stores are then current too).
 */
export const contactCutsAsOf = (from: string, to: string, now: string, dueDays?: number) => {
	const due = dueDays === undefined ? '' : ` AND ${fcrDue(now, 's.arrived_at', String(Math.trunc(dueDays)))}`;
	const where = `s.arrived_at >= ${from} AND s.arrived_at < ${to} + INTERVAL 1 DAY${due}`;
	return `(${aggregateSql(CONTACT_CUTS, where, from, contactRows(where, from, null, now))})`;
};

/**
 * Contacts' wait (answered inbound contacts: arrival to answer) and handle time (handled contacts), in seconds as
 * the catalog computes them (`WAIT_S`, `HANDLE_S`): per month × store × clock, once per store and once per
 * member of each cut, counted per exact value. A percentile of whole months is then exact from the counts
 * (catalog/rollups.ts). Every contact counts in each clock, those without its time as `s` NULL: a group whose
 * contacts have none keeps its row, with no value, as on the raw rows. Logs keep times to the second, so a
 * store's month holds a few hundred distinct waits and a few thousand handle times, not its tens of thousands of
 * contacts. Not cut by weekday × hour: at 19.5M contacts that cut alone held 10M of 18M counts per value, about
 * as many rows as the contacts it counts (over every store it is small enough: contact_time_slots).
 */
const CONTACT_CLOCKS = {
	wait: { s: `CASE WHEN direction = '呼入' THEN ${WAIT_S} END`, cut: 'wait_s' },
	handle: { s: HANDLE_S, cut: 'handle_s' }
} as const;
const CONTACT_TIME_CUTS = {
	channel: 'channel::VARCHAR',
	staff: 'agent_id',
	topic: 'topic::VARCHAR',
	hour: CONTACT_HOUR,
	weekday: CONTACT_WEEKDAY
};
export const contactTimes = (where: string) =>
	`(${Object.entries(CONTACT_CLOCKS)
		.map(
			([clock, { s: value }]) => `SELECT date_trunc('month', arrived_at)::DATE AS d, store, '${clock}' AS clock, ${value} AS s,
			${Object.entries(CONTACT_TIME_CUTS)
				.map(([cut, expr]) => `${expr} AS ${cut}`)
				.join(', ')}
			FROM contacts s WHERE ${where}`
		)
		.join(' UNION ALL ')})`;
/** contact_times: a touched contact records its two times and its cuts' members; it counts for each cut's key of each time */
/** each clock's column in rollup_touched */
const CONTACT_CLOCK_COLUMNS = Object.fromEntries(Object.entries(CONTACT_CLOCKS).map(([clock, { cut }]) => [clock, cut]));
const CONTACT_TIMES_TOUCHED = {
	columns: {
		...Object.fromEntries(Object.values(CONTACT_CLOCKS).map(({ s: value, cut }) => [cut, value])),
		...CONTACT_TIME_CUTS
	},
	sums: touchedSums('month', ['store'], 's', CONTACT_CLOCK_COLUMNS, Object.keys(CONTACT_TIME_CUTS))
};

/** contact_time_weeks: the contacts' two times per week (`d` its Monday) over every store, uncut, for percentiles by week */
export const contactTimeWeeks = (where: string) =>
	`(${Object.entries(CONTACT_CLOCKS)
		.map(
			([clock, { s: value }]) => `SELECT date_trunc('week', arrived_at)::DATE AS d, '${clock}' AS clock, ${value} AS s
			FROM contacts s WHERE ${where}`
		)
		.join(' UNION ALL ')})`;
const CONTACT_TIME_WEEKS_TOUCHED = {
	columns: CONTACT_TIMES_TOUCHED.columns,
	sums: touchedSums('week', [], 's', CONTACT_CLOCK_COLUMNS)
};

/**
 * contact_time_slots: the contacts' two times per month × weekday and hour of arrival ('3-09', `slot`) over every store,
 * for percentiles by weekday × hour over every store (at 19.5M contacts over two years: ~175k wait and ~2M handle rows;
 * from raw rows a year of P90 waits by weekday × hour took 0.75 s).
 */
export const contactTimeSlots = (where: string) =>
	`(${Object.entries(CONTACT_CLOCKS)
		.map(
			([
				clock,
				{ s: value }
			]) => `SELECT date_trunc('month', arrived_at)::DATE AS d, '${clock}' AS clock, ${CONTACT_WEEKDAY_HOUR} AS slot, ${value} AS s
			FROM contacts s WHERE ${where}`
		)
		.join(' UNION ALL ')})`;
const CONTACT_TIME_SLOTS_TOUCHED = {
	columns: { ...CONTACT_TIMES_TOUCHED.columns, slot: CONTACT_WEEKDAY_HOUR },
	sums: touchedSums('month', ['slot'], 's', CONTACT_CLOCK_COLUMNS)
};

/**
 * FCR's live day as rows computed ahead (`contactCutsAsOf` of one day, as of `now`): the query that gives them, as
 * JSON-ready rows (`day`, `now`: bound expressions), and the relation that reads them back from that JSON (`json`:
 * a bound VARCHAR expression), so that the requests of a page that all need the same live day compute it once
 * (server/metrics/query.ts).
 */
export const liveCutRowsSql = (day: string, now: string, dueDays: number) =>
	`SELECT strftime(d, '%Y-%m-%d') AS d, store, cut, member, fcr_judged, fcr_kept FROM ${contactCutsAsOf(day, day, now, dueDays)}`;
const LIVE_CUT_TYPE = JSON.stringify([
	{ d: 'DATE', store: 'VARCHAR', cut: 'VARCHAR', member: 'VARCHAR', fcr_judged: 'BIGINT', fcr_kept: 'BIGINT' }
]);
export const liveCutRows = (json: string) => `(SELECT unnest(from_json(${json}::JSON, '${LIVE_CUT_TYPE}'), recursive := true))`;

/** The survey rollups' measures: what the survey metrics sum (scores, top boxes, NPS groups), per key. */
const SURVEY_MEASURES: Readonly<Record<string, string>> = {
	n: 'count(*)',
	overall_n: 'count(overall)',
	overall_sum: 'sum(overall)',
	overall_top: 'count(*) FILTER (WHERE overall >= 4)',
	overall_low: `count(*) FILTER (WHERE overall <= ${LOW_SCORE_MAX})`,
	nps_n: 'count(nps)',
	promoters: 'count(*) FILTER (WHERE nps >= 9)',
	detractors: 'count(*) FILTER (WHERE nps <= 6)',
	...Object.fromEntries(
		ITEMS.flatMap((i) => [
			[`${i}_n`, `count(${i})`],
			[`${i}_sum`, `sum(${i})`],
			[`${i}_top`, `count(*) FILTER (WHERE ${i} >= 4)`]
		])
	)
};

/**
 * A rollup of a kind's times over every store per `period` (`d` its first day: a month's, or a week's Monday) × clock ×
 * `keys` (the exact value last), built a clock at a time.
 */
const periodTimes = (
	table: string,
	kind: RolledKind,
	period: 'month' | 'week',
	keys: readonly string[],
	rows: (where: string) => string,
	touched: RollupTable['touched'],
	clocks: readonly string[],
	growsByRows = false
): RollupTable => ({
	table,
	kind,
	keys: ['clock', ...keys],
	measures: { n: 'count(*)' },
	rows,
	period,
	touched,
	growsByRows,
	rowsPerSource: clocks.length,
	order: 'clock, d',
	parts: clocks.map((clock) => `clock = '${clock}'`)
});

export const ROLLUP_TABLES: readonly RollupTable[] = [
	{
		table: 'complaint_daily',
		kind: 'complaints',
		keys: ['store', ...COMPLAINT_DIMENSIONS],
		measures: COMPLAINT_MEASURES,
		rows: complaintRows,
		signed: COMPLAINT_SIGNED,
		growsByRows: true,
		limits: 'sla'
	},
	{
		table: 'complaint_cuts',
		kind: 'complaints',
		keys: ['store', 'cut', 'member'],
		cuts: COMPLAINT_DIMENSIONS,
		measures: COMPLAINT_MEASURES,
		rows: complaintRows,
		signed: COMPLAINT_SIGNED,
		sumOf: 'complaint_daily',
		growsByRows: true,
		rowsPerSource: COMPLAINT_DIMENSIONS.length + 1,
		limits: 'sla'
	},
	{
		table: 'complaint_times',
		kind: 'complaints',
		keys: ['store', 'clock', 'us'],
		measures: { n: 'count(*)' },
		rows: complaintTimes,
		period: 'month',
		touched: COMPLAINT_TIMES_TOUCHED,
		growsByRows: true,
		rowsPerSource: Object.keys(SLA_CLOCKS).length
	},
	{
		table: 'complaint_time_cuts',
		kind: 'complaints',
		keys: ['clock', 'cut', 'member', 'us'],
		cuts: COMPLAINT_DIMENSIONS,
		measures: { n: 'count(*)' },
		rows: complaintTimeCuts,
		period: 'month',
		touched: COMPLAINT_TIME_CUTS_TOUCHED,
		growsByRows: true,
		rowsPerSource: Object.keys(SLA_CLOCKS).length * (COMPLAINT_DIMENSIONS.length + 1),
		// a read takes one clock and one cut: their rows together, by month
		order: 'clock, cut, d',
		byCut: true,
		parts: Object.keys(SLA_CLOCKS).map((clock) => `clock = '${clock}'`)
	},
	periodTimes(
		'complaint_time_weeks',
		'complaints',
		'week',
		['us'],
		complaintTimeWeeks,
		COMPLAINT_TIME_WEEKS_TOUCHED,
		Object.keys(SLA_CLOCKS),
		true
	),
	{
		table: 'survey_daily',
		kind: 'surveys',
		keys: ['store', 'channel', 'method'],
		measures: SURVEY_MEASURES,
		rows: (where, _lookback, keys) =>
			`(SELECT s.submitted_at AS d, s.store, s.channel, s.method, s.overall, s.nps, ${ITEMS.map((i) => `s.${i}`).join(', ')} FROM surveys s ${keyedBy(keys, 'submitted_at')} WHERE ${where})`
	},
	{
		// by the staff member a response rates (over every channel and method): the survey metrics by staff
		table: 'survey_staff_daily',
		kind: 'surveys',
		keys: ['store', 'staff'],
		measures: SURVEY_MEASURES,
		rows: (where, _lookback, keys) =>
			`(SELECT s.submitted_at AS d, s.store, s.staff_id AS staff, s.overall, s.nps, ${ITEMS.map((i) => `s.${i}`).join(', ')} FROM surveys s ${keyedBy(keys, 'submitted_at')} WHERE ${where})`
	},
	{
		table: 'survey_answer_daily',
		kind: 'surveys',
		keys: ['store', 'channel', 'method', 'question'],
		measures: { answer_n: 'count(answer)', answer_sum: 'sum(answer)' },
		rows: (where, _lookback, keys) => `(SELECT s.store, s.channel, s.method, s.submitted_at AS d,
			unnest(map_keys(s.extra_answers)) AS question, unnest(map_values(s.extra_answers)) AS answer
			FROM surveys s ${keyedBy(keys, 'submitted_at')} WHERE s.extra_answers IS NOT NULL AND ${where})`
	},
	CONTACT_CUTS,
	{
		table: 'contact_times',
		kind: 'contacts',
		keys: ['store', 'clock', 'cut', 'member', 's'],
		cuts: Object.keys(CONTACT_TIME_CUTS),
		measures: { n: 'count(*)' },
		rows: contactTimes,
		period: 'month',
		touched: CONTACT_TIMES_TOUCHED,
		// a read takes one clock and one cut: their rows together skip the rest (by day first, a year's read of one
		// cut scanned every cut's rows of its months: 0.24 s of a 0.36 s percentile by hour). Built one cut at a time,
		// each in clock and day order
		order: 'clock, d, store',
		byCut: true,
		parts: Object.keys(CONTACT_CLOCKS).map((clock) => `clock = '${clock}'`)
	},
	periodTimes('contact_time_weeks', 'contacts', 'week', ['s'], contactTimeWeeks, CONTACT_TIME_WEEKS_TOUCHED, Object.keys(CONTACT_CLOCKS)),
	periodTimes(
		'contact_time_slots',
		'contacts',
		'month',
		['slot', 's'],
		contactTimeSlots,
		CONTACT_TIME_SLOTS_TOUCHED,
		Object.keys(CONTACT_CLOCKS)
	)
];

/** The day column of each rolled kind's table, as its rollup keys them. */
export const DAY_OF: Record<RolledKind, string> = {
	complaints: 'received_at::DATE',
	surveys: 'submitted_at',
	contacts: 'arrived_at::DATE'
};

/**
 * The aggregate that fills a rollup table from `rows` (by default the source rows `where` picks, see
 * `RollupTable.rows`). `summed`: `rows` are those of the table it is the sum of (`sumOf`), and each measure is
 * the sum of their column of the same name. `signed`: `rows` carry `sign` (`RollupTable.signed`), and each
 * measure is what the rows change its count by (keys changed in no measure left out), with `left_rows`, how many
 * of the key's rows left (a key changed by rows coming only grows: `RollupTable.growsByRows`). `added`: the same for
 * rows that all came (`sign` +1 on every one), counted without their sign. `summedChange`:
 * `rows` are such a change of the table it is the sum of, summed as `summed` does, `left_rows` too. `cut`: of a
 * table of cuts, only that cut's rows ('' the stores').
 */
export function aggregateSql(
	t: RollupTable,
	where: string,
	lookback: string | null,
	rows = t.rows(where, lookback),
	mode: 'rows' | 'summed' | 'signed' | 'added' | 'summedChange' = 'rows',
	cut?: string
): string {
	// (a sum of CASE took 0.8× as long as sum(sign) FILTER over a 1M-row change; rows that all came are counted, which
	// took 0.55× as long as the sum of CASE: a million complaints' complaint_daily change 440-495 ms against 780-910)
	const signedCount = (cond: string) =>
		mode === 'added'
			? cond === 'true'
				? 'count(*)'
				: `count(*) FILTER (WHERE ${cond})`
			: `sum(${cond === 'true' ? 'sign' : `CASE WHEN ${cond} THEN sign ELSE 0 END`})::BIGINT`;
	const aggregates = Object.entries(t.measures).map(([col, agg]): [string, string] => {
		if (mode === 'summed' || mode === 'summedChange') return [col, `sum(${col})`];
		if (mode !== 'signed' && mode !== 'added') return [col, agg];
		const cond = t.signed?.counts[col];
		if (cond !== undefined) return [col, signedCount(cond)];
		const sum = t.signed?.sums?.[col];
		const when = sum && t.signed?.counts[sum.count];
		if (!sum || when === undefined) throw new Error(`${t.table}.${col}: not a count or sum of rows, so not kept by signed rows`);
		// (0, not NULL, where no row counts: what the change adds)
		return [
			col,
			mode === 'added'
				? `coalesce(sum(${sum.value}) FILTER (WHERE ${when}), 0)`
				: `sum(CASE WHEN ${when} THEN sign * ${sum.value} ELSE 0 END)`
		];
	});
	const measures = [
		...aggregates.map(([col, agg]) => `${agg} AS ${col}`),
		...(mode === 'signed'
			? ['count(*) FILTER (WHERE sign < 0) AS left_rows']
			: mode === 'added'
				? ['0::BIGINT AS left_rows']
				: mode === 'summedChange'
					? ['sum(left_rows)::BIGINT AS left_rows']
					: [])
	];
	// a table of cuts: its keys but cut and member in every grouping set, and each cut's column in one
	const base = ['d', ...t.keys.filter((k) => k !== 'cut' && k !== 'member')].join(', ');
	// (one cut asked: its name and column as they are; grouping() names only columns of every grouping set)
	const cutKey = (cuts: readonly string[], k: string) => {
		if (k === 'cut')
			return cut !== undefined
				? `'${cut}' AS cut`
				: `CASE ${cuts.map((c) => `WHEN grouping(${c}) = 0 THEN '${c}'`).join(' ')} ELSE '' END AS cut`;
		if (k === 'member')
			return cut !== undefined
				? `${cut ? `${cut}::VARCHAR` : 'NULL::VARCHAR'} AS member`
				: `CASE ${cuts.map((c) => `WHEN grouping(${c}) = 0 THEN ${c}::VARCHAR`).join(' ')} END AS member`;
		return k;
	};
	const grouped = !t.cuts
		? `SELECT d, ${t.keys.join(', ')}, ${measures.join(', ')} FROM ${rows} GROUP BY ALL`
		: `SELECT d, ${t.keys.map((k) => cutKey(t.cuts!, k)).join(', ')}, ${measures.join(', ')}
			FROM ${rows} GROUP BY GROUPING SETS (${(cut === undefined ? ['', ...t.cuts] : [cut]).map((c) => (c ? `(${base}, ${c})` : `(${base})`)).join(', ')})`;
	// a change: the keys it changes (filtered outside the aggregate: a HAVING over every measure took 7× as long)
	if (mode === 'rows') return grouped;
	return `SELECT * FROM (${grouped}) WHERE ${aggregates.map(([col]) => `${col} <> 0`).join(' OR ')}`;
}

export const columnsOf = (t: RollupTable) => ['d', ...t.keys, ...Object.keys(t.measures)];

/**
 * The statements a rebuild fills a table with, and a verify compares it by: one (`cut` undefined, no condition),
 * or one per cut and part (`RollupTable.byCut`, `parts`), with the condition that picks that part's rows of the
 * table (`where`) and the aggregate of the source rows that gives them (`fill`).
 */
export function rebuildParts(t: RollupTable): { where: string; fill: string }[] {
	if (t.sumOf) return [{ where: 'true', fill: aggregateSql(t, '', null, t.sumOf, 'summed') }];
	if (!t.byCut && !t.parts) return [{ where: 'true', fill: aggregateSql(t, 'true', null) }];
	const cuts: (string | undefined)[] = t.byCut ? ['', ...(t.cuts ?? [])] : [undefined];
	return cuts.flatMap((cut) =>
		(t.parts ?? ['true']).map((part) => ({
			where: cut === undefined ? part : `cut = '${cut}' AND ${part}`,
			fill: aggregateSql(t, 'true', null, `(SELECT * FROM ${t.rows('true', null)} WHERE ${part})`, 'rows', cut)
		}))
	);
}
