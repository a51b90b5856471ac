import type { DuckDBValue } from '@duckdb/node-api';
import { formatTimestamp } from '$lib/shared/time';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import type { UiLocale as Locale } from '$lib/shared/views';
import { searchSql } from '$lib/server/core/auth/masked-search';
import { largestLimit, slaFingerprint } from '$lib/shared/sla';
import {
	CONTACT_TOKENS,
	DEFAULT_CONTACT_LIMITS,
	contactLimitsKey,
	type ContactLimits,
	DEFAULT_SLA,
	DIMENSIONS,
	DRILLS,
	FILTERS,
	SLA_TOKENS,
	type SlaLimit,
	type SlaLimits,
	LOW_SAMPLE_N,
	ROLLUP_SOURCES,
	SOURCES,
	US_PER_HOUR,
	complaintSlaTail,
	metricById,
	type FilterName,
	type MetricDef,
	type RollupId,
	type RollupSourceDef,
	type RolledTimes
} from './catalog';

/**
 * One pure function from a metric request to SQL with bound parameters. Every value a user gives is a
 * parameter ($n); identifiers and expressions come only from the catalog.
 */

export const GRAINS = ['day', 'week', 'month', 'quarter', 'year', 'all'] as const;
export type Grain = (typeof GRAINS)[number];

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/u, 'expected YYYY-MM-DD')
	.refine((s) => {
		const d = new Date(`${s}T00:00:00Z`);
		return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
	}, 'not a calendar date');

const values = z.array(z.string().max(200)).max(500);

export const metricRequestSchema = z
	.object({
		metric: z.string(),
		from: isoDate,
		to: isoDate,
		grain: z.enum(GRAINS).default('month'),
		by: z.enum(DIMENSIONS).optional(),
		filters: z
			.object({ store: values.optional(), department: values.optional(), channel: values.optional(), category: values.optional() })
			.strict()
			.default({}),
		/** the user's stores; null = every store */
		scope: z.array(z.string()).nullable(),
		/**
		 * Set for users who may not see individual staff scores: the minimum group size. `by=staff` is
		 * refused, and results of staff-score sources carry each group's distinct staff (`staff_n`).
		 */
		minGroupStaff: z.number().int().min(2).max(1000).optional()
	})
	.strict();

export type MetricRequestInput = z.input<typeof metricRequestSchema>;
export type MetricRequest = z.output<typeof metricRequestSchema>;

export type MetricErrorCode =
	| 'invalid_request'
	| 'unknown_metric'
	| 'dimension_not_allowed'
	| 'filter_not_allowed'
	| 'range_reversed'
	| 'not_drillable'
	| 'individual_not_allowed';

/** A refused request: its code, and its message in either language (the error's own message is English, for logs). */
export class MetricRequestError extends Error {
	constructor(
		readonly code: MetricErrorCode,
		readonly text: (locale: Locale) => string
	) {
		super(text('en'));
		this.name = 'MetricRequestError';
	}
}

const listIn = (items: readonly string[], locale: Locale) => items.join(locale === 'en' ? ', ' : '、');
/** A metric as a message names it: its label in Chinese, its id in English (what API callers write). */
const metricIn = (metric: MetricDef, locale: Locale) => (locale === 'en' ? metric.id : metric.label.zh);

/** 'timestamp': epoch milliseconds of a register wall-clock time (Arrow Timestamp; text in JSON and CSV). */
export type ColumnType = 'string' | 'number' | 'int' | 'boolean' | 'timestamp';
export interface Column {
	name: string;
	type: ColumnType;
}

/** Where a query reads: a rollup that covers the request, or the raw rows. */
export type QueryPath = 'rollup' | 'raw';

export interface CompiledQuery {
	sql: string;
	/** what the planner chose (see `planOf`) */
	path: QueryPath;
	params: DuckDBValue[];
	metric: MetricDef;
	/** the request's range, grain and cut (SQA_PROFILE's log names them; filters and scope are not logged) */
	shape?: Pick<MetricRequest, 'from' | 'to' | 'grain' | 'by'>;
	/** the output columns, in order (also for an empty result) */
	columns: Column[];
	/** groups under `min` distinct staff are to be suppressed (`attribute`: the rows are one distribution, e.g. by grade) */
	suppression?: { min: number; attribute: boolean };
	/** the 95% interval the query adds as `ci_low` / `ci_high` (see shared/intervals.ts) */
	interval?: 'wilson' | 'nps';
}

/** Validates a request: shape (zod), then against the catalog. Throws MetricRequestError. */
export function validateRequest(input: unknown): { request: MetricRequest; metric: MetricDef } {
	const parsed = metricRequestSchema.safeParse(input);
	if (!parsed.success) {
		const msg = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
		throw new MetricRequestError('invalid_request', (locale) => m.metric_error_invalid_request({ detail: msg }, { locale }));
	}
	const request = parsed.data;
	const metric = metricById(request.metric);
	if (!metric)
		throw new MetricRequestError('unknown_metric', (locale) => m.metric_error_unknown_metric({ metric: request.metric }, { locale }));
	if (request.from > request.to)
		throw new MetricRequestError('range_reversed', (locale) =>
			m.metric_error_range_reversed({ from: request.from, to: request.to }, { locale })
		);
	if (request.by && !metric.dimensions.includes(request.by)) {
		const by = request.by;
		throw new MetricRequestError('dimension_not_allowed', (locale) =>
			m.metric_error_dimension_not_allowed({ metric: metricIn(metric, locale), by, allowed: listIn(metric.dimensions, locale) }, { locale })
		);
	}
	if (request.by === 'staff' && request.minGroupStaff !== undefined) {
		throw new MetricRequestError('individual_not_allowed', (locale) => m.metric_error_individual_not_allowed({}, { locale }));
	}
	const allowed = SOURCES[metric.source].filters;
	for (const f of FILTERS) {
		if (request.filters[f]?.length && !allowed.includes(f)) {
			throw new MetricRequestError('filter_not_allowed', (locale) =>
				m.metric_error_filter_not_allowed({ metric: metricIn(metric, locale), filter: f, allowed: listIn(allowed, locale) }, { locale })
			);
		}
	}
	return { request, metric };
}

/** Bound parameters, numbered in order of first use. */
class Params {
	readonly values: DuckDBValue[] = [];
	add(v: DuckDBValue): string {
		this.values.push(v);
		return `$${this.values.length}`;
	}
}

/** The period's first day as YYYY-MM-DD (or NULL for 'all'), from a DATE expression. */
/** The first day of a row's period (a DATE; NULL for the whole range): what rows are grouped by. */
function periodKey(grain: Grain, d: string): string {
	if (grain === 'all') return 'NULL::DATE';
	if (grain === 'day') return d;
	return `date_trunc('${grain}', ${d})::DATE`;
}

function periodSql(grain: Grain, d: string): string {
	if (grain === 'all') return 'NULL::VARCHAR';
	if (grain === 'day') return `strftime(${d}, '%Y-%m-%d')`;
	return `strftime(date_trunc('${grain}', ${d})::DATE, '%Y-%m-%d')`;
}

/** Wall-clock "now" of the registers (times in the tables are local, China time), 'YYYY-MM-DD HH:MM:SS'. */
export const registerNow = (date = new Date(), timeZone = 'Asia/Shanghai'): string =>
	formatTimestamp(date, { tz: timeZone, seconds: true });

/**
 * Compiles a request. `asOf` ('YYYY-MM-DD HH:MM:SS', register wall-clock) is the "now" for SLA
 * breaches of complaints still without a response; default the current time in China.
 */
export interface Prepared {
	p: Params;
	/** the metric's rows: a relation with `d`, the dimension columns and what the expressions read */
	relation: string;
	/** an expression with `$now` bound */
	withNow: (expr: string) => string;
	/** the `by` dimension's expression, or null */
	groupCol: string | null;
}

/** A row's SLA limit in hours: its severity's, else its category's, else the default — every number and name bound. */
function limitSql(limit: SlaLimit, p: Params): string {
	const arms = [
		...Object.entries(limit.bySeverity).map(([sev, h]) => `WHEN severity::VARCHAR = ${p.add(sev)} THEN ${p.add(Number(h))}::DOUBLE`),
		...Object.entries(limit.byCategory).map(([cat, h]) => `WHEN category::VARCHAR = ${p.add(cat)} THEN ${p.add(Number(h))}::DOUBLE`)
	];
	const fallback = `${p.add(limit.default)}::DOUBLE`;
	return arms.length ? `(CASE ${arms.join(' ')} ELSE ${fallback} END)` : fallback;
}

/** A contact limit as SQL: the service level per channel (else the default), the others one number — all bound. */
function contactLimitSql(which: keyof ContactLimits, limits: ContactLimits, p: Params): string {
	if (which !== 'serviceLevel') return which === 'fcrDays' ? `${p.add(limits.fcrDays)}::INTEGER` : `${p.add(limits[which])}::DOUBLE`;
	const arms = Object.entries(limits.serviceLevel.byChannel).map(
		([channel, s]) => `WHEN channel::VARCHAR = ${p.add(channel)} THEN ${p.add(Number(s))}::DOUBLE`
	);
	const fallback = `${p.add(limits.serviceLevel.default)}::DOUBLE`;
	return arms.length ? `(CASE ${arms.join(' ')} ELSE ${fallback} END)` : fallback;
}

/** Options of a compilation: "now" for ages and breaches, and the SLA and contact limits in force (defaults when absent). */
export interface CompileOptions {
	asOf?: string;
	sla?: SlaLimits;
	contacts?: ContactLimits;
	/**
	 * Drill-downs for a user without pii: the search matches the text as that user sees it (masked by
	 * `sqa_masked_text`, which the caller registers on the connection), never the stored text.
	 */
	maskedSearch?: boolean;
	/**
	 * The rollups are built and current in the database asked (the caller knows; see query.ts): without
	 * it every request reads raw rows. `path: 'raw'` forces raw rows even so (the golden test compares both).
	 */
	rollups?: boolean;
	/** the fingerprint of the SLA limits the rollups' compliance counts were made with (shared/sla.ts); absent: SLA metrics read raw rows */
	rollupSla?: string;
	path?: QueryPath;
	/** the contact limits the contact rollups were counted with (default: the defaults); they answer only while those are `contacts` */
	rolledContactLimits?: ContactLimits;
	/** kinds whose rollups a big write left to be rebuilt after its commit: their metrics read raw rows until then */
	staleKinds?: readonly RollupSourceDef['kind'][];
	/**
	 * FCR's live days computed ahead as of `asOf` (`liveCutRowsSql`), as JSON, by `liveKey`: a request whose live
	 * day is among them reads those rows instead of computing the day itself (query.ts computes each once per
	 * data version for all the requests that need it; see `liveDaysOf`)
	 */
	liveRows?: Readonly<Record<string, string>>;
}

/** A live day of FCR as `CompileOptions.liveRows` keys it: its first day and the window's days. */
export const liveKey = (live: { from: string; days: number }) => `${live.from}|${live.days}`;

/** The live days (see `liveFrom`) the requests read on their rollup path, once each; requests that are not valid are passed over. */
export function liveDaysOf(inputs: readonly unknown[], options: CompileOptions): { from: string; days: number }[] {
	const out = new Map<string, { from: string; days: number }>();
	for (const input of inputs) {
		let valid: ReturnType<typeof validateRequest>;
		try {
			valid = validateRequest(input);
		} catch {
			continue;
		}
		if (!planOf(valid.request, valid.metric, options)) continue;
		const live = liveFrom(valid.request, valid.metric, options);
		if (live) out.set(liveKey(live), live);
	}
	return [...out.values()];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How a rollup's SLA counts answer a request exactly, when they were made with the limits in force: a
 * complaint still without the time counts (as a breach) only once past its limit at "now", and every
 * complaint received by `cutoff` is — received before the next day, older than the largest limit — so
 * the rollup answers through `cutoff` and raw rows the days after it (`tail`). Null: raw rows answer.
 * The largest limit of both clocks, so that both SLA metrics of a view split alike and share one query.
 */
function slaSplit(request: MetricRequest, options: CompileOptions): { cutoff: string; tail: boolean } | null {
	const limits = options.sla ?? DEFAULT_SLA;
	if (options.rollupSla === undefined || options.rollupSla !== slaFingerprint(limits)) return null;
	const now = Date.parse(`${(options.asOf ?? registerNow()).replace(' ', 'T')}Z`);
	const largest = Math.max(largestLimit(limits.response), largestLimit(limits.resolution));
	const cutoff = new Date(Math.floor((now - DAY_MS - largest * HOUR_MS) / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
	if (cutoff < request.from) return null;
	return cutoff >= request.to ? { cutoff: request.to, tail: false } : { cutoff, tail: true };
}

/**
 * The planner: a request reads its metric's rollup when there is one and it keeps the request's cut
 * (`by`) and every filter it sets apart — a rollup keyed by store applies the scope; one summed over every store
 * (`everyStore`) answers only a request over every store — the role's minimum group size does not need the rows'
 * staff, and its SLA counts hold for the request (`slaSplit`); a contact rollup also only while it was counted with
 * the contact limits in force, and for a
 * metric that depends on "now" for recent days (FCR) only a rollup that computes those days live; raw rows
 * otherwise.
 */
export function planOf(request: MetricRequest, metric: MetricDef, options: CompileOptions): RollupId | null {
	if (!options.rollups || options.path === 'raw' || !metric.rollup) return null;
	if (request.minGroupStaff !== undefined && SOURCES[metric.source].staffColumn) return null;
	if (metric.rollup.sla && !slaSplit(request, options)) return null;
	const limits = options.contacts ?? DEFAULT_CONTACT_LIMITS;
	const live = liveFrom(request, metric, options) !== null;
	const limitsRolled = contactLimitsKey(limits) === contactLimitsKey(options.rolledContactLimits ?? DEFAULT_CONTACT_LIMITS);
	const uncut = metric.rollup.uncut ?? [];
	const covers = (rollup: RollupSourceDef) =>
		!options.staleKinds?.includes(rollup.kind) &&
		(!request.by || !uncut.includes(rollup.id)) &&
		(!rollup.everyStore || request.scope === null) &&
		(!rollup.contactLimits || limitsRolled) &&
		(!live || !!rollup.liveDays) &&
		(!rollup.wholeMonths || (WHOLE_MONTH_GRAINS.includes(request.grain) && holdsWholeMonth(request))) &&
		(!rollup.wholeWeeks || (request.grain === 'week' && holdsWholeWeek(request))) &&
		(!request.by || !!rollup.dimensions[request.by]) &&
		FILTERS.every((f) => !request.filters[f]?.length || rollup.filters.includes(f));
	return metric.rollup.from.find((id) => covers(ROLLUP_SOURCES[id])) ?? null;
}

/** Grains whose periods are whole months: a rollup keyed by month (`wholeMonths`) answers them. */
export const WHOLE_MONTH_GRAINS: readonly Grain[] = ['month', 'quarter', 'year', 'all'];

/** Whether a range holds at least one whole calendar month (else a rollup per month has nothing to give and raw rows are cheaper). */
export function holdsWholeMonth({ from, to }: { from: string; to: string }): boolean {
	const [y, mo, d] = from.split('-').map(Number) as [number, number, number];
	// the first month starting on or after `from`, and its last day
	const start = d === 1 ? new Date(Date.UTC(y, mo - 1, 1)) : new Date(Date.UTC(y, mo, 1));
	const last = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
	return last.toISOString().slice(0, 10) <= to;
}

/** Whether a range holds at least one whole week, Monday to Sunday (else a rollup per week has nothing to give). */
export function holdsWholeWeek({ from, to }: { from: string; to: string }): boolean {
	const start = new Date(`${from}T00:00:00Z`);
	// the first Monday on or after `from` (getUTCDay: 0 Sunday … 6 Saturday), and its Sunday
	start.setUTCDate(start.getUTCDate() + ((8 - start.getUTCDay()) % 7));
	start.setUTCDate(start.getUTCDate() + 6);
	return start.toISOString().slice(0, 10) <= to;
}

/**
 * For a metric whose answer depends on "now" for its most recent days (`settledDays`): the first day of the
 * request's range not settled by "now" (with the days of the window), or null when the whole range is. Day d is settled once
 * d + 1 + days ≤ now, so the first day that is not is the day of "now" minus `days`.
 */
function liveFrom(request: MetricRequest, metric: MetricDef, options: CompileOptions): { from: string; days: number } | null {
	const days = metric.rollup?.settledDays?.(options.contacts ?? DEFAULT_CONTACT_LIMITS);
	if (days === undefined) return null;
	const now = options.asOf ?? registerNow();
	const first = new Date(Date.parse(`${now.slice(0, 10)}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
	if (first > request.to) return null;
	return { from: first < request.from ? request.from : first, days };
}

/**
 * The relation of a request (dates, filters, store scope bound as parameters), shared by numbers and
 * drill-downs: the metric's source's rows, or on the rollup path its rollup's rows.
 */
export function prepare(request: MetricRequest, metric: MetricDef, options: CompileOptions, rollup: RollupId | null = null): Prepared {
	const p = new Params();
	const from = `${p.add(request.from)}::DATE`;
	const to = `${p.add(request.to)}::DATE`;
	const source = rollup ? ROLLUP_SOURCES[rollup] : SOURCES[metric.source];

	/**
	 * A column's values as `IN ($a, $b, …)`, each value a parameter bound once per request (every branch of the
	 * relation reuses them). DuckDB pushes an IN list of constants into the table scan, where the rollups' sorted
	 * dictionary columns answer it per segment; `list_contains` over one list parameter is evaluated row by row and
	 * cost a store-scoped read of complaint_cuts twice as much (5.1 against 2.3 ms). The lists are bounded: a
	 * filter's values by the request's validation, a scope by the stores there are.
	 */
	const lists = new Map<string, string>();
	const inList = (key: string, vals: readonly string[]) => {
		let placeholders = lists.get(key);
		if (placeholders === undefined) {
			placeholders = [...new Set(vals)].map((v) => `${p.add(v)}::VARCHAR`).join(', ');
			lists.set(key, placeholders);
		}
		return placeholders;
	};
	/** WHERE conditions on a relation's dimension columns: filters and store scope (alias-qualified). */
	const conditions = (alias: string, only?: readonly FilterName[]): string[] => {
		const out: string[] = [];
		for (const f of FILTERS) {
			const vals = request.filters[f];
			if (!vals?.length || (only && !only.includes(f))) continue;
			// ENUM columns (channel, category) are compared as text: an unknown value matches nothing instead of failing a cast.
			out.push(`${alias}${f}::VARCHAR IN (${inList(`filter ${f}`, vals)})`);
		}
		// an empty scope (a user with no stores) sees nothing; an empty list would not bind (no item type)
		if (request.scope !== null) out.push(request.scope.length ? `${alias}store IN (${inList('scope', request.scope)})` : 'false');
		return out;
	};
	// how the relation's rows are read: the request's cut, and whether unsummed
	const reading = {
		...(request.by ? { by: request.by } : {}),
		...(rollup && readsUnsummed(request, metric, rollup) ? { unsummed: true } : {})
	};
	const split = rollup && metric.rollup?.sla ? slaSplit(request, options) : null;
	let rows: string;
	if (split?.tail) {
		const cutoff = `${p.add(split.cutoff)}::DATE`;
		rows = `(SELECT * FROM ${source.relation({ from, to: cutoff, conditions, ...reading })}
			UNION ALL BY NAME SELECT * FROM ${complaintSlaTail({ from: `(${cutoff} + INTERVAL 1 DAY)`, to, conditions, ...reading })})`;
	} else {
		const live = rollup ? liveFrom(request, metric, options) : null;
		const ahead = live ? options.liveRows?.[liveKey(live)] : undefined;
		rows = source.relation({
			from,
			to,
			days: { from: request.from, to: request.to },
			conditions,
			...reading,
			...(live ? { liveFrom: `${p.add(live.from)}::DATE`, liveDays: live.days, ...(ahead ? { liveRows: p.add(ahead) } : {}) } : {})
		});
	}
	const keep = rollup ? metric.rollup?.where : undefined;

	let nowParam: string | null = null;
	const limits: Partial<Record<keyof SlaLimits, string>> = {};
	const contactLimits: Partial<Record<keyof ContactLimits, string>> = {};
	const withNow = (expr: string) => {
		let out = expr.includes('$now') ? expr.replaceAll('$now', (nowParam ??= `${p.add(options.asOf ?? registerNow())}::TIMESTAMP`)) : expr;
		for (const kind of ['response', 'resolution'] as const) {
			if (out.includes(SLA_TOKENS[kind]))
				out = out.replaceAll(SLA_TOKENS[kind], (limits[kind] ??= limitSql((options.sla ?? DEFAULT_SLA)[kind], p)));
		}
		for (const which of Object.keys(CONTACT_TOKENS) as (keyof ContactLimits)[]) {
			if (out.includes(CONTACT_TOKENS[which]))
				out = out.replaceAll(
					CONTACT_TOKENS[which],
					(contactLimits[which] ??= contactLimitSql(which, options.contacts ?? DEFAULT_CONTACT_LIMITS, p))
				);
		}
		return out;
	};

	// the raw tail of SLA counts reads "now" and the limits in force
	const relation = withNow(keep ? `(SELECT * FROM ${rows} WHERE ${keep})` : rows);
	const groupCol = request.by ? withNow(source.dimensions[request.by]!) : null;
	return { p, relation: relation.includes('$now') ? withNow(relation) : relation, withNow, groupCol };
}

/** A metric's aggregates (`inner`, over the relation's rows) and its output columns (`outer`, over those), aliases prefixed. */
export interface Measures {
	inner: string;
	outer: string;
	columns: Column[];
	interval?: CompiledQuery['interval'];
}

/**
 * The SQL of one metric's numbers over a prepared relation: its expressions (its rollup's on the rollup
 * path), every alias prefixed with `prefix` so that several metrics can share one query (bundle.ts).
 */
export function measureSql(metric: MetricDef, withNow: (expr: string) => string, prefix = ''): Measures {
	const a = (name: string) => `${prefix}${name}`;
	const col = (name: string, type: Column['type'] = 'number'): Column => ({ name, type });
	switch (metric.kind) {
		case 'aggregate':
			return {
				inner: `${withNow(metric.value)} AS ${a('value')}`,
				outer: `${a('value')}::DOUBLE AS ${a('value')}`,
				columns: [col('value')]
			};
		case 'ratio': {
			const [num, den] = [a('numerator'), a('denominator')];
			const m: Measures = {
				inner: `${withNow(metric.numerator)} AS ${num}, ${withNow(metric.denominator)} AS ${den}`,
				outer: `${num}::DOUBLE / nullif(${den}, 0) * ${metric.scale} AS ${a('value')}, ${num}::DOUBLE AS ${num}, ${den}::DOUBLE AS ${den}`,
				columns: [col('value'), col('numerator'), col('denominator')]
			};
			if (!metric.survey) return m;
			// ci_low / ci_high: the Wilson interval, filled in by the query from numerator and denominator
			return {
				...m,
				outer: `${m.outer}, ${den}::DOUBLE AS ${a('n')}, ${den} < ${LOW_SAMPLE_N} AS ${a('low_sample')}`,
				columns: [...m.columns, col('n'), col('ci_low'), col('ci_high'), col('low_sample', 'boolean')],
				interval: 'wilson'
			};
		}
		case 'nps': {
			const [pro, det, n] = [a('promoters'), a('detractors'), a('n')];
			// ci_low / ci_high: the trinomial interval, filled in by the query from promoters, detractors and n
			return {
				inner: `${metric.promoters} AS ${pro}, ${metric.detractors} AS ${det}, ${metric.n} AS ${n}`,
				outer: `(${pro}::DOUBLE / nullif(${n}, 0) - ${det}::DOUBLE / nullif(${n}, 0)) * 100 AS ${a('value')},
					(${pro} - ${det})::DOUBLE AS ${a('numerator')}, ${n}::DOUBLE AS ${a('denominator')}, ${n}::DOUBLE AS ${n},
					${pro}::DOUBLE AS ${pro}, ${det}::DOUBLE AS ${det}, ${n} < ${LOW_SAMPLE_N} AS ${a('low_sample')}`,
				columns: ['value', 'numerator', 'denominator', 'n', 'promoters', 'detractors', 'ci_low', 'ci_high']
					.map((c) => col(c))
					.concat(col('low_sample', 'boolean')),
				interval: 'nps'
			};
		}
	}
}

/**
 * The period and group keys of a request, and the query around its measures: grouped by them, ordered as the API answers.
 * Rows are grouped by the period's first day and the dimension's own value, and only the groups are turned into
 * text: formatting every row's period before grouping doubled a twelve-month raw query at millions of rows.
 */
export function groupedSql(grain: Grain, groupCol: string | null, relation: string, inner: string, outer: string, having?: string) {
	const keys = [`${periodKey(grain, 'd')} AS period`, ...(groupCol ? [`${groupCol} AS "group"`] : [])];
	const keyNames = ['period', ...(groupCol ? ['"group"'] : [])];
	const shown = [`strftime(period, '%Y-%m-%d') AS period`, ...(groupCol ? ['"group"::VARCHAR AS "group"'] : [])];
	const columns: Column[] = [{ name: 'period', type: 'string' }, ...(groupCol ? [{ name: 'group', type: 'string' as const }] : [])];
	const sql = `SELECT ${shown.join(', ')}, ${outer}
FROM (SELECT ${keys.join(', ')}, ${inner} FROM ${relation} GROUP BY ${keyNames.map((_, i) => i + 1).join(', ')}${having ? ` HAVING ${having}` : ''})
ORDER BY 1 NULLS FIRST${groupCol ? ', 2 NULLS LAST' : ''}`;
	return { sql, columns };
}

/** complaint_times' times: microseconds, read as hours, a step per whole hour */
const HOURS_OF_US: RolledTimes = { column: 'us', value: (c) => `${c} / ${US_PER_HOUR}.0`, bucket: (c) => `(${c} // ${US_PER_HOUR})` };

/**
 * A percentile (`RollupUse.quantile`) over a relation of times (`times`: by default `us`, microseconds read as hours) counted `n` times, per period and
 * group: the counts per time are summed, and the order statistics that quantile_cont would interpolate between
 * are read off their running totals — the same arithmetic as DuckDB's (position (n - 1) × q with fraction d, then
 * (1 - d) × lo + d × hi, on hours; checked bit for bit by the rollup tests), so the same number as over the raw rows. Rows with no time (`us` NULL)
 * keep their group, whose value is then NULL, as the raw FILTER leaves it.
 *
 * The running totals are taken in two steps, because a window over every distinct time of a year is most of
 * the query's cost (84,707 times over 18 months at 5M complaints: 0.10 s of 0.13): first over the counts per
 * whole hour, which says in which hour (or two) the order statistics lie and how many times come before it,
 * then over the distinct times of that hour only. The result is the same to the bit: only the rows summed change.
 *
 * A rollup's time may stand in several rows, some below 0 (a key keeps what later writes change it by in rows of its own
 * until the compaction folds them: pipelines/rollups/tables.ts, `growsByRows`), and a time, an hour or a group whose rows
 * sum to 0 has no row left: the hours and the groups are kept only where their counts sum to more than 0.
 *
 * `distinct`: the relation's rows are already about one per period, group and time (a rollup over every store read
 * at its own period: 450k rows for a year of resolution times by week, whose regrouping took 0.11 s of 0.16). They
 * are then not summed per time first: a time split over rows only splits its running total, taken over the rows below 0
 * first, so no partial total passes the time's whole one, and the first time whose total passes a rank is the same
 * (the golden test compares both with the raw rows). Where rows of many
 * stores or months share a time, summing first is what keeps the windows small (a year by hour of contact_times
 * read unsummed: 0.54 s instead of 0.2).
 */
export function quantileSql(
	grain: Grain,
	groupCol: string | null,
	relation: string,
	q: number,
	times: RolledTimes = HOURS_OF_US,
	distinct = false
) {
	const { column: us, value, bucket } = times;
	const keyList = ['period', ...(groupCol ? ['"group"'] : [])];
	const keys = keyList.join(', ');
	// groups match null-safely (a dimension's value may be NULL)
	const same = (a: string, b: string) => keyList.map((k) => `${a}.${k} IS NOT DISTINCT FROM ${b}.${k}`).join(' AND ');
	const shown = [`strftime(k.period, '%Y-%m-%d') AS period`, ...(groupCol ? ['k."group"::VARCHAR AS "group"'] : [])];
	const columns: Column[] = [{ name: 'period', type: 'string' }, ...(groupCol ? [{ name: 'group', type: 'string' as const }] : [])];
	const sql = `WITH counted AS MATERIALIZED (
	SELECT ${periodKey(grain, 'd')} AS period${groupCol ? `, ${groupCol} AS "group"` : ''}, ${us}, ${distinct ? `n FROM ${relation}` : `sum(n) AS n FROM ${relation} GROUP BY ALL`}
), hours AS (
	SELECT ${keys}, hour, n, sum(n) OVER (PARTITION BY ${keys} ORDER BY hour ROWS UNBOUNDED PRECEDING) AS upto,
		(sum(n) OVER (PARTITION BY ${keys}) - 1)::DOUBLE * ${Number(q)}::DOUBLE AS pos
	FROM (SELECT ${keys}, ${bucket(us)} AS hour, sum(n) AS n FROM counted WHERE ${us} IS NOT NULL GROUP BY ALL HAVING sum(n) <> 0)
), found AS (
	SELECT ${keys}, any_value(pos) AS pos, min(hour) FILTER (WHERE upto > floor(pos)) AS first_hour,
		min(hour) FILTER (WHERE upto > ceil(pos)) AS last_hour, min(upto - n) FILTER (WHERE upto > floor(pos)) AS before
	FROM hours GROUP BY ALL
), running AS (
	SELECT ${keyList.map((k) => `c.${k}`).join(', ')}, ${value(`c.${us}`)} AS h, f.pos,
		f.before + sum(c.n) OVER (PARTITION BY ${keyList.map((k) => `c.${k}`).join(', ')} ORDER BY c.${us}, c.n ROWS UNBOUNDED PRECEDING) AS upto
	FROM counted c JOIN found f ON ${same('c', 'f')}
	WHERE c.${us} IS NOT NULL AND ${bucket(`c.${us}`)} BETWEEN f.first_hour AND f.last_hour
), ends AS (
	SELECT ${keys}, min(h) FILTER (WHERE upto > floor(pos)) AS lo, min(h) FILTER (WHERE upto > ceil(pos)) AS hi, any_value(pos) AS pos
	FROM running GROUP BY ALL
)
SELECT ${shown.join(', ')}, ((1 - (e.pos - floor(e.pos))) * e.lo + (e.pos - floor(e.pos)) * e.hi)::DOUBLE AS value
FROM (SELECT ${keys} FROM counted GROUP BY ALL HAVING sum(n) <> 0) k LEFT JOIN ends e ON ${same('k', 'e')}
ORDER BY 1 NULLS FIRST${groupCol ? ', 2 NULLS LAST' : ''}`;
	return { sql, columns: [...columns, { name: 'value', type: 'number' as const }] };
}

/**
 * A percentile read from a rollup over every store keyed by the request's own period: its rows are one per period, group
 * and time, and its part-periods' are summed so by the relation (`RelationRequest.unsummed`), so they are read unsummed.
 */
function readsUnsummed(request: MetricRequest, metric: MetricDef, rollup: RollupId): boolean {
	const source = ROLLUP_SOURCES[rollup];
	return (
		metric.rollup?.quantile !== undefined &&
		!!source.everyStore &&
		((!!source.wholeWeeks && request.grain === 'week') || (!!source.wholeMonths && request.grain === 'month'))
	);
}

/**
 * The condition a group of a rollup's rows must meet to be a group of the raw rows: for one whose counts may stand in
 * rows below 0 (`RollupSourceDef.netRows`), that its count sums to more than 0 (its rows did not all leave).
 */
export const groupsHeld = (rollup: RollupId | null): string | undefined =>
	rollup && ROLLUP_SOURCES[rollup].netRows ? 'sum(n) <> 0' : undefined;

/** A request's metric as its path reads it: on the rollup path, the rollup's expressions under the metric's own names. */
export const asRead = (def: MetricDef, rollup: RollupId | null): MetricDef => (rollup ? ({ ...def, ...def.rollup } as MetricDef) : def);

export function compileMetric(input: unknown, options: CompileOptions = {}): CompiledQuery {
	const { request, metric: def } = validateRequest(input);
	const rollup = planOf(request, def, options);
	const { p, relation, withNow, groupCol } = prepare(request, def, options, rollup);
	const shape = { from: request.from, to: request.to, grain: request.grain, by: request.by };
	if (rollup && def.rollup?.quantile !== undefined) {
		const source = ROLLUP_SOURCES[rollup];
		const { sql, columns } = quantileSql(
			request.grain,
			groupCol,
			relation,
			def.rollup.quantile,
			source.times,
			readsUnsummed(request, def, rollup)
		);
		return { sql, path: 'rollup', params: p.values, metric: def, shape, columns };
	}
	const metric = asRead(def, rollup);
	const { interval, ...measures } = measureSql(metric, withNow);
	let { inner, outer, columns: measured } = measures;

	const staffColumn = request.minGroupStaff !== undefined ? SOURCES[metric.source].staffColumn : undefined;
	if (staffColumn) {
		inner += `, count(DISTINCT ${staffColumn}) AS staff_n`;
		outer += ', staff_n::DOUBLE AS staff_n';
		measured = [...measured, { name: 'staff_n', type: 'number' }];
	}
	const { sql, columns } = groupedSql(request.grain, groupCol, relation, inner, outer, groupsHeld(rollup));
	const suppression = staffColumn
		? { min: request.minGroupStaff!, attribute: !!request.by && !!SOURCES[metric.source].attributeDimensions?.includes(request.by) }
		: undefined;
	return {
		sql,
		path: rollup ? 'rollup' : 'raw',
		params: p.values,
		metric: def,
		shape,
		columns: [...columns, ...measured],
		...(suppression ? { suppression } : {}),
		...(interval ? { interval } : {})
	};
}

export const DRILL_PAGE_MAX = 100_000;
/** Drill-down pages of more rows than this are picked by their keys first (`DrillDef.narrowFirst`). */
export const NARROW_PAGE_FROM = 1_000;

const drillSchema = z
	.object({
		/** the period clicked (its first day, as the metric answered it); absent with grain 'all' */
		period: isoDate.nullable().optional(),
		/** the group clicked (with `by`); null = the rows without a value for the dimension */
		group: z.string().max(200).nullable().optional(),
		/** text the source's free-text column must contain (case-insensitive) */
		search: z.string().max(100).optional(),
		/** only rows whose free-text column is filled in (comments of low scores, not blank forms) */
		withText: z.boolean().optional(),
		offset: z.number().int().min(0).max(1_000_000_000).default(0),
		limit: z.number().int().min(1).max(DRILL_PAGE_MAX).default(50)
	})
	.strict();

export type DrillInput = MetricRequestInput & z.input<typeof drillSchema>;

export interface CompiledRows {
	/** the page of rows */
	sql: string;
	params: DuckDBValue[];
	/** how many rows there are in all (same conditions, no paging) */
	countSql: string;
	countParams: DuckDBValue[];
	metric: MetricDef;
	columns: Column[];
	/** the free-text columns (masked with the row's customer name for users without pii) */
	texts: readonly string[];
}

/**
 * The rows behind one number of a metric: the same relation and parameters as `compileMetric`, the
 * metric's `drill` condition, and the clicked period and group, so the count of the drill-down is the
 * number on the chart. Ordered by time received, paged.
 */
export function compileRows(input: unknown, options: CompileOptions = {}): CompiledRows {
	const { period, group, search, withText, offset, limit, ...rest } = (input ?? {}) as Record<string, unknown>;
	const { request, metric } = validateRequest(rest);
	const drill = drillSchema.safeParse({ period, group, search, withText, offset, limit });
	if (!drill.success) {
		const msg = drill.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
		throw new MetricRequestError('invalid_request', (locale) => m.metric_error_invalid_drill({ detail: msg }, { locale }));
	}
	const def = DRILLS[metric.source];
	if (metric.drill === undefined || !def) {
		throw new MetricRequestError('not_drillable', (locale) =>
			m.metric_error_not_drillable({ metric: metricIn(metric, locale) }, { locale })
		);
	}
	const d = drill.data;
	const { p, relation, withNow, groupCol } = prepare(request, metric, options);
	const where = [`(${withNow(metric.drill)})`];
	if (request.grain !== 'all' && d.period != null) where.push(`${periodSql(request.grain, 'd')} = ${p.add(d.period)}`);
	if (groupCol && d.group !== undefined)
		where.push(d.group === null ? `(${groupCol}) IS NULL` : `(${groupCol})::VARCHAR = ${p.add(d.group)}`);
	if (d.withText && def.search) where.push(`trim(coalesce(${def.search}, '')) <> ''`);
	if (d.search?.trim() && def.search) {
		const q = d.search.trim();
		where.push(searchSql(`coalesce(${def.search}, '')`, def.customerName ?? null, p.add(q), q, !!options.maskedSearch));
	}
	// the relation under a name of its own: the order is on its columns, not on the output columns of the same names
	const body = `FROM ${relation} AS drilled WHERE ${where.join(' AND ')}`;
	const countParams = [...p.values];
	const lim = p.add(d.limit);
	const off = p.add(d.offset);
	const order = def.order.map((o) => `drilled.${o}`).join(', ');
	const select = `SELECT ${def.columns.map((c) => `${c.sql} AS ${c.name}`).join(', ')}`;
	// narrowFirst: the page's keys from the order columns alone, then the other columns of those rows only. Only for big
	// pages (an export's), whose rows' columns would all be held in the sort: a page on screen is read at once, which
	// cost a store's low-score comments 13 ms of CPU against 32 (the second read found the page's few rows among all of
	// the range's, since sparse rows span it)
	const keys = def.order.map((o) => o.replace(/ DESC$/u, ''));
	const sql =
		def.narrowFirst && d.limit > NARROW_PAGE_FROM
			? `WITH page AS MATERIALIZED (SELECT ${keys.map((k, i) => `drilled.${k} AS k${i}`).join(', ')} ${body} ORDER BY ${order} LIMIT ${lim} OFFSET ${off})
${select} FROM ${relation} AS drilled SEMI JOIN page ON ${keys.map((k, i) => `drilled.${k} = page.k${i}`).join(' AND ')} ORDER BY ${order}`
			: `${select} ${body} ORDER BY ${order} LIMIT ${lim} OFFSET ${off}`;
	return {
		sql,
		params: p.values,
		countSql: `SELECT count(*)::BIGINT AS n ${body}`,
		countParams,
		metric,
		columns: def.columns.map((c) => ({ name: c.name, type: c.type })),
		texts: def.texts
	};
}
