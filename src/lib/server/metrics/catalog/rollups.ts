import {
	complaintTimeCuts,
	complaintTimes,
	complaintTimeWeeks,
	contactCutsAsOf,
	contactTimes,
	contactTimeSlots,
	contactTimeWeeks,
	liveCutRows
} from '$pipelines/rollups/tables';
import { periodOfDay } from '$lib/shared/dashboard/range';
import { ageHours, bucketSql, resolutionHours, responseHours, US_PER_HOUR } from './hours';
import { SLA_TOKENS } from './limits';
import type { Dimension, RelationRequest, RolledTimes, RollupId, RollupSourceDef } from './types';

/**
 * The rollups as the compiler reads them: daily rows per store and dimension (pipelines/rollups/tables.ts
 * declares and maintains them). Each relation picks the request's days, filters and scope, as the raw
 * sources in sources.ts do, so a metric's expressions over a rollup give the raw rows' numbers.
 */

const where = (conds: string[]) => (conds.length ? conds.join(' AND ') : 'true');
const daysIn = ({ from, to }: RelationRequest, column = 'd') => `${column} BETWEEN ${from} AND ${to}`;
const rowsOf = (table: string) => (request: RelationRequest) =>
	`(SELECT * FROM ${table} WHERE ${where([daysIn(request), ...request.conditions('')])})`;

const COMPLAINT_DIMENSIONS = { store: 'store', department: 'department', channel: 'channel', category: 'category', severity: 'severity' };

/** complaint_cuts: the rows of a request's cut (none, or by store: cut ''), the cut's value as `member` */
const CUT_OF: Partial<Record<Dimension, string>> = {
	department: 'department',
	channel: 'channel',
	category: 'category',
	severity: 'severity'
};
const cutRows = (request: RelationRequest) =>
	`(SELECT * FROM complaint_cuts WHERE ${where([daysIn(request), `cut = '${(request.by && CUT_OF[request.by]) ?? ''}'`, ...request.conditions('')])})`;

/** store-days with traffic, their transactions and the complaints of `daily` (store, d, n) */
const withTraffic = (request: RelationRequest, daily: string) =>
	`(SELECT t.date AS d, t.store AS store, t.transactions AS transactions, coalesce(c.n, 0) AS complaints
		FROM traffic t LEFT JOIN (${daily}) c ON c.store = t.store AND c.d = t.date
		WHERE ${where([daysIn(request, 't.date'), ...request.conditions('t.', ['store'])])})`;
/** contact_cuts: the cut of a request (weekday_hour from the hour cut's days, weekday from the store rows' days) */
const CONTACT_CUT_OF: Partial<Record<Dimension, string>> = {
	channel: 'channel',
	staff: 'staff',
	topic: 'topic',
	hour: 'hour',
	weekday_hour: 'hour'
};
const WEEKDAY = 'isodow(d)::VARCHAR';
/**
 * The contact_cuts rows of a request's days and cut; with `liveFrom`, FCR's counts from that day on are those
 * of the raw contacts as of "now" (`$now`), for a metric whose answer still depends on "now" there (FCR).
 * Only contacts whose window has closed by "now" are judged, and from `liveFrom` (the day of "now" less the
 * window) on those all arrived on that one day: its raw contacts give FCR's counts, and every other count of
 * the live days is the rollup's, which does not depend on "now". Windowing one day's phones instead of the
 * whole window's is what makes a range ending at the data's last day (the default one) cheap. With `liveRows`,
 * that day's rows were computed ahead (shared by a page's requests) and are read from them.
 */
const contactCuts = (request: RelationRequest, cut: string) => {
	const rolled = `SELECT * FROM contact_cuts WHERE d BETWEEN ${request.from} AND ${request.to} AND ${cut}`;
	if (!request.liveFrom) return `(${rolled})`;
	const live = request.liveFrom;
	const unsettled = (column: string) => `CASE WHEN d >= ${live} THEN 0 ELSE ${column} END AS ${column}`;
	return `(SELECT * REPLACE (${unsettled('fcr_judged')}, ${unsettled('fcr_kept')}) FROM (${rolled})
		UNION ALL BY NAME SELECT d, store, cut, member, fcr_judged, fcr_kept FROM ${
			request.liveRows ? liveCutRows(request.liveRows) : contactCutsAsOf(live, live, '$now', request.liveDays)
		} WHERE ${cut})`;
};
const SURVEY_CUTS = { store: 'store', channel: 'channel', method: 'method' };
/** complaint_times: hours from a row's time in microseconds, as the raw rows compute them */
const TIME_HOURS = `(us / ${US_PER_HOUR}.0)`;

/**
 * The first month of a range when the range starts after its first day or ends before its last, and the last
 * month when it is another one and the range ends before its last day: a rollup per month (`wholeMonths`) reads
 * those days from raw rows. `days(lo, hi, when)`: the raw rows from day lo to day hi when `when` holds. With the
 * range's days known (`RelationRequest.days`), a part the range does not have is left out (a range of whole months,
 * as the presets are, has none): parsing and binding those raw branches was most of a percentile query's binding
 * (5.8 ms of a one-store month's median, which itself read 1,117 rows).
 */
const partPeriods = (unit: 'month' | 'week', request: RelationRequest, days: (lo: string, hi: string, when: string) => string) => {
	const { from, to, days: range } = request;
	const end = (day: string) => (unit === 'month' ? `last_day(${day})` : `(date_trunc('week', ${day})::DATE + 6)`);
	// with the days known: whether the range starts on the first day of a period it covers whole, and whether it ends on
	// a period's last day or inside the period it starts in (the SQL guards below, evaluated here)
	const head = range && periodOfDay(range.from, unit);
	const tail = range && periodOfDay(range.to, unit);
	const startsWhole = !!range && !!head && range.from === head.first && head.last <= range.to;
	const endsWhole = !!range && !!tail && (tail.first <= range.from || range.to === tail.last);
	const parts: string[] = [];
	if (!startsWhole)
		parts.push(days(from, `least(${to}, ${end(from)})`, `NOT (${from} = date_trunc('${unit}', ${from}) AND ${end(from)} <= ${to})`));
	if (!endsWhole)
		parts.push(days(`date_trunc('${unit}', ${to})::DATE`, to, `date_trunc('${unit}', ${to}) > ${from} AND ${to} <> ${end(to)}`));
	return parts;
};
/** A rollup's rows of whole periods and the raw rows of the part-periods, as one relation */
const withParts = (whole: string, parts: string[]) => [whole, ...parts].join(' UNION ALL ');
const partMonths = (request: RelationRequest, days: (lo: string, hi: string, when: string) => string) =>
	partPeriods('month', request, days);
/**
 * The rows of the range's whole months. `d <= to` follows from `last_day(d) <= to`, but only a plain comparison of the
 * column prunes the table's row groups by their min/max: without it a range ending before the data's last month read
 * every month after it too.
 */
const wholeMonthsIn = ({ from, to }: RelationRequest) => [`d >= ${from}`, `d <= ${to}`, `last_day(d) <= ${to}`];
/**
 * Raw rows in a rollup's shape (`columns` from `rows`), each counted once: as they are (n = 1) where the reader sums
 * counts per time, summed per time where it reads rows unsummed (`RelationRequest.unsummed`: a month of 190k complaints
 * is some thousands of times, and the running total over each complaint took 0.2 s of a 24-month median's 0.25).
 */
const rawCounts = (request: RelationRequest, columns: string, rows: string) =>
	request.unsummed ? `SELECT ${columns}, count(*) AS n FROM ${rows} GROUP BY ALL` : `SELECT ${columns}, 1 AS n FROM ${rows}`;
/** the same for a rollup per week (`wholeWeeks`): rows keyed by the week's Monday, the part-weeks at the edges from raw rows */
const wholeWeeksIn = ({ from, to }: RelationRequest) => [`d >= ${from}`, `d <= ${to}`, `d + 6 <= ${to}`];
/**
 * A rollup of times per week over every store (`table`, its time column `value`): its rows of the range's whole
 * weeks, and the part-weeks from `raw` (the rollup's own rows from source rows, their time column `at`) with n = 1.
 */
const weekRows = (request: RelationRequest, table: string, value: string, raw: (where: string) => string, at: string) => {
	const weeks = `SELECT d, clock, ${value}, n FROM ${table} WHERE ${where(wholeWeeksIn(request))}`;
	const days = (lo: string, hi: string, when: string) =>
		rawCounts(
			request,
			`d, clock, ${value}`,
			raw(where([`${at} >= ${lo}`, `${at} < ${hi} + INTERVAL 1 DAY`, when, ...request.conditions('s.')]))
		);
	return `(${withParts(weeks, partPeriods('week', request, days))})`;
};

/** contact_times: the cut of a request (the store's rows: cut '') */
const CONTACT_TIME_CUT_OF: Partial<Record<Dimension, string>> = {
	channel: 'channel',
	staff: 'staff',
	topic: 'topic',
	hour: 'hour',
	weekday: 'weekday'
};
/** contact_times' seconds, as the raw rows compute them, in steps of a minute */
const SECONDS: RolledTimes = { column: 's', value: (c) => c, bucket: (c) => `floor(${c} / 60)` };

export const ROLLUP_SOURCES: Readonly<Record<RollupId, RollupSourceDef>> = {
	complaint_cuts: {
		id: 'complaint_cuts',
		kind: 'complaints',
		dimensions: { store: 'store', department: 'member', channel: 'member', category: 'member', severity: 'member' },
		filters: ['store'],
		relation: cutRows
	},
	complaint_daily: {
		id: 'complaint_daily',
		kind: 'complaints',
		dimensions: COMPLAINT_DIMENSIONS,
		filters: ['store', 'department', 'channel', 'category'],
		relation: rowsOf('complaint_daily')
	},
	/**
	 * As the complaint_days source: store-days with traffic, their transactions and complaints (filters narrow the
	 * complaints). A store-day's complaints are summed first: its count may stand in several rows (`growsByRows`).
	 */
	complaint_cut_traffic: {
		id: 'complaint_cut_traffic',
		kind: 'complaints',
		dimensions: { store: 'store' },
		filters: ['store'],
		relation: (request) =>
			withTraffic(
				request,
				`SELECT store, d, sum(n) AS n FROM complaint_cuts WHERE ${where([daysIn(request), `cut = ''`, ...request.conditions('')])} GROUP BY ALL`
			)
	},
	complaint_traffic: {
		id: 'complaint_traffic',
		kind: 'complaints',
		dimensions: { store: 'store' },
		filters: ['store', 'department', 'channel', 'category'],
		relation: (request) =>
			withTraffic(
				request,
				`SELECT store, d, sum(n) AS n FROM complaint_daily WHERE ${where([daysIn(request), ...request.conditions('')])} GROUP BY ALL`
			)
	},
	/**
	 * Complaints' response and resolution times, counted per exact time: the range's whole months from the
	 * rollup (per month and store), the days of a month the range covers only in part from raw rows in the same
	 * shape (n = 1). Rows carry their month's first day as `d`, so only grains of whole months read it.
	 */
	complaint_times: {
		id: 'complaint_times',
		kind: 'complaints',
		netRows: true,
		dimensions: {
			store: 'store',
			// a complaint's bucket of its own time, as the raw source cuts it: its count is then the sum of `n`
			response_bucket: bucketSql('response_bucket', TIME_HOURS, 'us IS NOT NULL'),
			resolution_bucket: bucketSql('resolution_bucket', TIME_HOURS, 'us IS NOT NULL')
		},
		filters: ['store'],
		wholeMonths: true,
		relation: (request) => {
			const { by, conditions } = request;
			// cut by a clock's bucket: that clock's rows (each complaint once); otherwise the metric picks its clock (`where`)
			const clock = by === 'response_bucket' ? [`clock = 'response'`] : by === 'resolution_bucket' ? [`clock = 'resolution'`] : [];
			const months = `SELECT d, store, clock, us, n FROM complaint_times WHERE ${where([...wholeMonthsIn(request), ...clock, ...conditions('')])}`;
			const days = (lo: string, hi: string, when: string) =>
				`SELECT d, store, clock, us, 1 AS n FROM ${complaintTimes(
					where([`s.received_at >= ${lo}`, `s.received_at < ${hi} + INTERVAL 1 DAY`, when, ...conditions('s.')])
				)}`;
			const rows = withParts(months, partMonths(request, days));
			return clock.length ? `(SELECT * FROM (${rows}) WHERE ${clock[0]})` : `(${rows})`;
		}
	},
	/**
	 * complaint_times summed over every store, per cut: for requests over every store, cut by none of the
	 * dimensions, by department, channel, category or severity, or by a clock's bucket (the cut '' rows), and
	 * the part-months from raw rows in the same shape, as there.
	 */
	complaint_time_cuts: {
		id: 'complaint_time_cuts',
		kind: 'complaints',
		netRows: true,
		dimensions: {
			department: 'member',
			channel: 'member',
			category: 'member',
			severity: 'member',
			response_bucket: bucketSql('response_bucket', TIME_HOURS, 'us IS NOT NULL'),
			resolution_bucket: bucketSql('resolution_bucket', TIME_HOURS, 'us IS NOT NULL')
		},
		filters: [],
		everyStore: true,
		wholeMonths: true,
		relation: (request) => {
			const { by, conditions } = request;
			const cut = (by && CUT_OF[by]) ?? '';
			const clock = by === 'response_bucket' ? [`clock = 'response'`] : by === 'resolution_bucket' ? [`clock = 'resolution'`] : [];
			const months = `SELECT d, clock, member, us, n FROM complaint_time_cuts WHERE ${where([...wholeMonthsIn(request), `cut = '${cut}'`, ...clock])}`;
			const days = (lo: string, hi: string, when: string) =>
				rawCounts(
					request,
					`d, clock, ${cut ? `${cut}::VARCHAR` : 'NULL::VARCHAR'} AS member, us`,
					complaintTimeCuts(where([`s.received_at >= ${lo}`, `s.received_at < ${hi} + INTERVAL 1 DAY`, when, ...conditions('s.')]))
				);
			const rows = withParts(months, partMonths(request, days));
			return clock.length ? `(SELECT * FROM (${rows}) WHERE ${clock[0]})` : `(${rows})`;
		}
	},
	/** complaint_times per week over every store, uncut: percentiles by week (the part-weeks at a range's edges from raw rows) */
	complaint_time_weeks: {
		id: 'complaint_time_weeks',
		kind: 'complaints',
		netRows: true,
		dimensions: {},
		filters: [],
		everyStore: true,
		wholeWeeks: true,
		relation: (request) => weekRows(request, 'complaint_time_weeks', 'us', complaintTimeWeeks, 's.received_at')
	},
	/**
	 * Contacts' wait and handle seconds, counted per exact value: whole months from the rollup (per month, store and
	 * the request's cut), the days of a month the range covers only in part from raw rows in the same shape (n = 1).
	 * The metric picks its clock (`where`).
	 */
	contact_times: {
		id: 'contact_times',
		kind: 'contacts',
		dimensions: { store: 'store', channel: 'member', staff: 'member', topic: 'member', hour: 'member', weekday: 'member' },
		filters: ['store'],
		wholeMonths: true,
		times: SECONDS,
		relation: (request) => {
			const cut = (request.by && CONTACT_TIME_CUT_OF[request.by]) ?? '';
			const months = `SELECT d, store, clock, member, s, n FROM contact_times WHERE ${where([...wholeMonthsIn(request), `cut = '${cut}'`, ...request.conditions('')])}`;
			const days = (lo: string, hi: string, when: string) =>
				`SELECT d, store, clock, ${cut ? cut : 'NULL::VARCHAR'} AS member, s, 1 AS n FROM ${contactTimes(
					where([`s.arrived_at >= ${lo}`, `s.arrived_at < ${hi} + INTERVAL 1 DAY`, when, ...request.conditions('s.')])
				)}`;
			return `(${withParts(months, partMonths(request, days))})`;
		}
	},
	/** contact_times per week over every store, uncut: percentiles by week (the part-weeks at a range's edges from raw rows) */
	contact_time_weeks: {
		id: 'contact_time_weeks',
		kind: 'contacts',
		dimensions: {},
		filters: [],
		everyStore: true,
		wholeWeeks: true,
		times: SECONDS,
		relation: (request) => weekRows(request, 'contact_time_weeks', 's', contactTimeWeeks, 's.arrived_at')
	},
	/**
	 * contact_times over every store per weekday × hour of arrival (`slot`): percentiles by weekday × hour over every
	 * store, the part-months from raw rows in the same shape
	 */
	contact_time_slots: {
		id: 'contact_time_slots',
		kind: 'contacts',
		dimensions: { weekday_hour: 'slot' },
		filters: [],
		everyStore: true,
		wholeMonths: true,
		times: SECONDS,
		relation: (request) => {
			const months = `SELECT d, clock, slot, s, n FROM contact_time_slots WHERE ${where(wholeMonthsIn(request))}`;
			const days = (lo: string, hi: string, when: string) =>
				rawCounts(
					request,
					'd, clock, slot, s',
					contactTimeSlots(where([`s.arrived_at >= ${lo}`, `s.arrived_at < ${hi} + INTERVAL 1 DAY`, when, ...request.conditions('s.')]))
				);
			return `(${withParts(months, partMonths(request, days))})`;
		}
	},
	survey_daily: {
		id: 'survey_daily',
		kind: 'surveys',
		dimensions: SURVEY_CUTS,
		filters: ['store', 'channel'],
		relation: rowsOf('survey_daily')
	},
	/** survey_daily by the staff member rated instead of channel and method (the survey metrics by staff) */
	survey_staff_daily: {
		id: 'survey_staff_daily',
		kind: 'surveys',
		dimensions: { store: 'store', staff: 'staff' },
		filters: ['store'],
		relation: rowsOf('survey_staff_daily')
	},
	survey_answer_daily: {
		id: 'survey_answer_daily',
		kind: 'surveys',
		dimensions: { ...SURVEY_CUTS, question: 'question' },
		filters: ['store', 'channel'],
		relation: rowsOf('survey_answer_daily')
	},
	/** contacts by store, or by one of channel, agent, topic, hour (weekday from the day) */
	contact_cuts: {
		id: 'contact_cuts',
		kind: 'contacts',
		dimensions: {
			store: 'store',
			channel: 'member',
			staff: 'member',
			topic: 'member',
			hour: 'member',
			weekday: WEEKDAY,
			weekday_hour: `${WEEKDAY} || '-' || member`
		},
		filters: ['store'],
		contactLimits: true,
		liveDays: true,
		relation: (request) =>
			`(SELECT * FROM ${contactCuts(request, `cut = '${(request.by && CONTACT_CUT_OF[request.by]) ?? ''}'`)} WHERE ${where(request.conditions(''))})`
	},
	/** contacts by channel, for requests filtering channels (uncut, or by store, channel or weekday) */
	contact_channels: {
		id: 'contact_channels',
		kind: 'contacts',
		dimensions: { store: 'store', channel: 'channel', weekday: WEEKDAY },
		filters: ['store', 'channel'],
		contactLimits: true,
		liveDays: true,
		relation: (request) =>
			`(SELECT * FROM (SELECT *, member AS channel FROM ${contactCuts(request, `cut = 'channel'`)}) WHERE ${where(request.conditions(''))})`
	}
};

/**
 * The last days of a range whose complaints may still be within their SLA limit at "now": raw rows in the
 * shape of the rollups' SLA counts (one row per complaint, each count 0 or 1; the dimensions, and the cut's
 * value as `member`), where "still without the time" counts only past the row's limit, as the raw metric
 * does. `$now` and the SLA tokens are bound by the compiler. Unioned by name with the rollup's earlier days.
 */
export function complaintSlaTail(request: RelationRequest): string {
	const { from, to, by, conditions } = request;
	const clocks = { response: ['first_response_at', responseHours], resolution: ['resolved_at', resolutionHours] } as const;
	const counts = Object.entries(clocks).map(
		([which, [col, hours]]) => `coalesce(${col} >= received_at, false)::BIGINT AS ${which}_done,
		coalesce(${col} >= received_at AND ${hours} <= ${SLA_TOKENS[which as keyof typeof clocks]}, false)::BIGINT AS ${which}_in_time,
		(${col} IS NULL AND ${ageHours('$now')} > ${SLA_TOKENS[which as keyof typeof clocks]})::BIGINT AS ${which}_open`
	);
	const cut = by && CUT_OF[by];
	return `(SELECT received_at::DATE AS d, store, department, channel, category, severity, ${cut ? `${cut}::VARCHAR` : 'NULL::VARCHAR'} AS member,
		${counts.join(', ')}
		FROM complaints WHERE ${where([`received_at >= ${from} AND received_at < ${to} + INTERVAL 1 DAY`, ...conditions('')])})`;
}
