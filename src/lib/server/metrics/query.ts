import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import {
	Bool,
	Dictionary,
	Float64,
	Int8,
	Int16,
	Int32,
	Table,
	TimestampSecond,
	Utf8,
	tableToIPC,
	vectorFromArray,
	type Vector
} from 'apache-arrow';
import { queryRows, type Database } from '$lib/server/core/db';
import { csvCell, csvText } from '$lib/shared/csv';
import { wallClock } from '$lib/shared/format';
import { npsInterval, wilsonInterval } from '$lib/shared/intervals';
import { lastYearRange, periodEnd, periodsOf, previousRange } from '$lib/shared/dashboard/range';
import type { AuthUser } from '$lib/shared/auth/roles';
import { suppressedGroups } from '$lib/shared/auth/privacy';
import { customerView, type CustomerContact } from '$lib/server/core/auth/pii';
import { maskFreeText } from '$lib/server/core/auth/masking';
import { registerMaskedText } from '$lib/server/core/auth/masked-search';
import { slaLimits } from '$lib/server/metrics/sla';
import {
	compileRows,
	validateRequest,
	planOf,
	liveDaysOf,
	liveKey,
	type Column,
	type CompiledQuery,
	type CompileOptions,
	type Grain,
	type QueryPath
} from './compile';
import { liveCutRowsSql } from '$pipelines/rollups/tables';
import { rollupState, type RollupState } from '$pipelines/rollups/maintain';
import { compileBundles, type BundleMember } from './bundle';
import { contactLimits } from '$lib/server/metrics/contact-limits';
import { config } from '$lib/server/core/config';
import { log } from '$lib/server/core/log';
import { metricsAsOf } from './as-of';
import { DEFAULT_CONTACT_LIMITS } from './catalog';

/** One result row: period, group (with `by`), value, and for ratios numerator/denominator (+ n, ci_low, ci_high, low_sample). */
export type MetricRow = Record<string, string | number | boolean | null>;

export interface MetricResult {
	columns: Column[];
	rows: MetricRow[];
	/** where the numbers were read: a rollup or the raw rows (metric requests; see compile.ts `planOf`) */
	path?: QueryPath;
}

const plain = (v: unknown): string | number | boolean | null => {
	if (v === null || v === undefined) return null;
	if (typeof v === 'bigint') return Number(v);
	if (typeof v === 'number') return Number.isFinite(v) ? v : null;
	if (typeof v === 'boolean' || typeof v === 'string') return v;
	return String(v);
};

/** Runs a compiled metric query; numbers come back as JS numbers (never BigInt), NaN/Infinity as null. */
export async function runMetric(conn: DuckDBConnection, compiled: CompiledQuery): Promise<MetricResult> {
	const started = performance.now();
	const reader = await conn.runAndReadAll(compiled.sql, compiled.params);
	// with SQA_PROFILE=1, each metric query's time and path (what a slow page spends its time on); no values
	if (config().profile)
		log('metrics').info(
			{ metric: compiled.metric.id, ...compiled.shape, path: compiled.path, ms: Math.round(performance.now() - started) },
			'metric query'
		);
	// read by column and build each row once: a drill-down page of 100k rows held as DuckDB's row objects and
	// then as ours took the server's memory up by hundreds of MB (docs/scaling.md, "The server's memory")
	const names = compiled.columns.map((c) => c.name);
	const byName = reader.getColumnsObjectJS();
	const values = names.map((n) => byName[n] ?? []);
	const count = reader.currentRowCount;
	const rows: MetricRow[] = new Array<MetricRow>(count);
	for (let i = 0; i < count; i++) {
		const out: MetricRow = {};
		for (let j = 0; j < names.length; j++) out[names[j]!] = plain(values[j]![i]);
		rows[i] = compiled.interval
			? withInterval(out, compiled.interval, compiled.metric.kind === 'ratio' ? compiled.metric.scale : 100)
			: out;
	}
	return { columns: compiled.columns, rows };
}

/** A survey row's 95% interval in the value's unit (`ci_low`, `ci_high`), from the one definition in shared/intervals.ts. */
function withInterval(row: MetricRow, kind: 'wilson' | 'nps', scale: number): MetricRow {
	const n = typeof row.n === 'number' ? row.n : 0;
	const ci =
		kind === 'wilson'
			? wilsonInterval(Number(row.numerator ?? 0), n)
			: npsInterval(Number(row.promoters ?? 0), Number(row.detractors ?? 0), n);
	const factor = kind === 'wilson' ? scale : 1;
	return { ...row, ci_low: ci ? ci.low * factor : null, ci_high: ci ? ci.high * factor : null };
}

/**
 * Arrow IPC stream of a result. Text columns with few distinct values (periods, groups, stores,
 * categories, templated summaries) are dictionary-encoded with the narrowest index that fits; mostly
 * unique text (ids, names, phones) is plain UTF-8; numbers Float64 (counts stay exact up to 2^53),
 * small integers Int8, times TimestampSecond, flags Bool. The schema is the same for an empty result.
 */
export function toArrow(result: MetricResult): Uint8Array {
	const vectors: Record<string, Vector> = {};
	for (const c of result.columns) {
		const vals = result.rows.map((r) => r[c.name] ?? null);
		switch (c.type) {
			case 'string': {
				// a dictionary pays when values repeat a lot; its indices are as narrow as the count allows
				const present = vals.filter((v) => v !== null);
				const distinct = new Set(present).size;
				const dictionary = present.length === 0 || distinct <= Math.max(16, present.length / 2);
				const index = distinct < 128 ? new Int8() : distinct < 32_768 ? new Int16() : new Int32();
				vectors[c.name] = vectorFromArray(vals as (string | null)[], dictionary ? new Dictionary(new Utf8(), index) : new Utf8());
				break;
			}
			case 'number':
				vectors[c.name] = vectorFromArray(vals as (number | null)[], new Float64());
				break;
			case 'int':
				// scores and ratings (1-5, 0-10): one byte each when they fit
				vectors[c.name] = vectorFromArray(
					vals as (number | null)[],
					vals.every((v) => v === null || (typeof v === 'number' && v >= -128 && v <= 127)) ? new Int8() : new Int32()
				);
				break;
			case 'timestamp':
				// whole seconds (the registers keep minutes): smaller than milliseconds once gzipped; readers get milliseconds back
				vectors[c.name] = vectorFromArray(vals as (number | null)[], new TimestampSecond());
				break;
			case 'boolean':
				vectors[c.name] = vectorFromArray(vals as (boolean | null)[], new Bool());
				break;
		}
	}
	return tableToIPC(new Table(vectors), 'stream');
}

/** The same result with times as text (for JSON and CSV, which people and spreadsheets read). */
export function withTextTimes(result: MetricResult): MetricResult {
	const times = result.columns.filter((c) => c.type === 'timestamp').map((c) => c.name);
	if (!times.length) return result;
	return {
		...result,
		rows: result.rows.map((r) => {
			const out = { ...r };
			for (const t of times) out[t] = typeof r[t] === 'number' ? wallClock(r[t]) : null;
			return out;
		})
	};
}

export { csvCell };

/** CSV with a header row, CRLF line ends and a UTF-8 BOM (so Excel reads the Chinese); see `$lib/csv`. */
export function toCsv(result: MetricResult): string {
	return csvText(
		result.columns.map((c) => c.name),
		result.rows.map((r) => result.columns.map((c) => r[c.name]))
	);
}

export type Compare = 'previous' | 'last_year';
export const COMPARES: readonly Compare[] = ['previous', 'last_year'];

/** The database's rollup state (current, and the SLA and contact limits they count with), kept until the next write (a load, rollback or rebuild changes it). */
function rollupsNow(db: Database): Promise<RollupState> {
	if (!db.rollupsKept) return Promise.resolve({ current: false, sla: '', contactLimits: DEFAULT_CONTACT_LIMITS, stale: [] });
	return db.keptUntilWrite('rollup state', () => db.withConnection(rollupState));
}

/** Whether the database's rollups are current. */
export const rollupsReady = async (db: Database): Promise<boolean> => (await rollupsNow(db)).current;

export interface MetricOptions {
	/** "now" for SLA breaches and backlog ages, 'YYYY-MM-DD HH:MM:SS' register wall-clock; default: the data's as-of (as-of.ts) */
	asOf?: string;
	/** also answer the same metric over the previous period or the same period last year (`compare_value`) */
	compare?: Compare;
	/** 'raw': read raw rows even where a rollup covers the request (the golden test compares both paths) */
	path?: QueryPath;
	/** false: every period asked, none read from another range's answer (`periodsKept`; its test compares both) */
	keepPeriods?: boolean;
}

/**
 * Results kept per database, keyed by the database's data version and the exact SQL and parameters:
 * a committed or rolled-back batch changes the version, so nothing stale is ever served. Identical
 * requests arriving together share one query.
 */
const CACHE_ENTRIES = 2_000;
/** A query running (or waiting for a slot), and how to let it go without its background turn (read-slots.ts). */
interface Running<T> {
	result: Promise<T>;
	promote: () => void;
}
const caches = new WeakMap<Database, { version: number; done: Map<string, MetricResult>; running: Map<string, Running<MetricResult>> }>();

/**
 * `work`'s connection, and a function that lets it go without its background turn: a user's request that joins a
 * background query calls it (`joined`), so a page never waits on the background's reads one at a time.
 */
function sharedRead<T>(db: Database, work: (conn: DuckDBConnection) => Promise<T>): Running<T> {
	let promote: (() => void) | undefined;
	const result = db.withConnection(work, { onWait: (p) => (promote = p) });
	return { result, promote: () => promote?.() };
}
const joined = <T>(db: Database, running: Running<T>): Promise<T> => {
	if (!db.inBackground) running.promote();
	return running.result;
};

/** `METRIC_CACHE=off` turns the cache off (the query benchmark measures uncached requests that way). */
const CACHE_ON = config().metricCache;

export function cachedRun(db: Database, compiled: CompiledQuery): Promise<MetricResult> {
	if (!CACHE_ON) return db.withConnection((conn) => runMetric(conn, compiled));
	let cache = caches.get(db);
	if (!cache || cache.version !== db.dataVersion) {
		cache = { version: db.dataVersion, done: new Map(), running: new Map() };
		caches.set(db, cache);
	}
	const key = `${compiled.sql}\u0000${JSON.stringify(compiled.params)}`;
	const hit = cache.done.get(key);
	if (hit) {
		// most recently used last, so the oldest entry is the first to go
		cache.done.delete(key);
		cache.done.set(key, hit);
		return Promise.resolve(hit);
	}
	const running = cache.running.get(key);
	if (running) return joined(db, running);
	const entry = cache;
	const read = sharedRead(db, (conn) => runMetric(conn, compiled));
	const run = read.result
		.then((result) => {
			entry.done.set(key, result);
			if (entry.done.size > CACHE_ENTRIES) entry.done.delete(entry.done.keys().next().value!);
			return result;
		})
		.finally(() => entry.running.delete(key));
	entry.running.set(key, { result: run, promote: read.promote });
	return run;
}

const SUPPRESSED_VALUES = ['value', 'numerator', 'denominator', 'n', 'promoters', 'detractors', 'ci_low', 'ci_high', 'low_sample'];

/**
 * The minimum group size on a result of staff scores (compiled with `minGroupStaff`, i.e. for a user
 * without individual scores): within each period, groups with fewer distinct staff than the minimum are
 * suppressed, and then the smallest shown groups until what is hidden holds none or at least the
 * minimum (`suppressedGroups`); a distribution (by grade) is suppressed whole when the period has fewer
 * staff. A suppressed row keeps its period and group, its numbers are null and `suppressed` is true —
 * so it reads as suppressed, never as zero. The staff counts themselves are not returned.
 */
export function suppressSmallGroups(result: MetricResult, suppression: CompiledQuery['suppression']): MetricResult {
	if (!suppression || !result.columns.some((c) => c.name === 'staff_n')) return result;
	const periods = new Map<string, number[]>();
	result.rows.forEach((r, i) => {
		const key = String(r.period);
		periods.set(key, [...(periods.get(key) ?? []), i]);
	});
	const hidden: boolean[] = result.rows.map(() => false);
	for (const idx of periods.values()) {
		const sizes = idx.map((i) => Number(result.rows[i]!.staff_n ?? 0));
		const total = sizes.reduce((a, b) => a + b, 0);
		const out = suppression.attribute ? sizes.map(() => total < suppression.min) : suppressedGroups(sizes, suppression.min);
		idx.forEach((i, j) => (hidden[i] = out[j]!));
	}
	const columns: Column[] = [...result.columns.filter((c) => c.name !== 'staff_n'), { name: 'suppressed', type: 'boolean' }];
	const rows = result.rows.map((r, i) => {
		const out: MetricRow = {};
		for (const c of columns)
			out[c.name] = c.name === 'suppressed' ? hidden[i]! : hidden[i] && SUPPRESSED_VALUES.includes(c.name) ? null : (r[c.name] ?? null);
		return out;
	});
	return { columns, rows };
}

/**
 * Validates, compiles and runs one metric request (cached, see `cachedRun`). With `compare`, each row
 * also gets `compare_period` and `compare_value`: the same group in the comparison range, periods
 * matched by position (the first month of this range with the first month of that one).
 */
export async function queryMetric(db: Database, input: unknown, options: MetricOptions = {}): Promise<MetricResult> {
	const { compare, ...asked } = options;
	const [result] = await queryMetrics(db, [input], asked);
	if (!compare) return result!;

	const request = input as { from: string; to: string; grain?: Grain };
	const grain: Grain = request.grain ?? 'month';
	const range = { from: request.from, to: request.to };
	const other = compare === 'previous' ? previousRange(range) : lastYearRange(range);
	const [before] = await queryMetrics(db, [{ ...(input as object), ...other }], asked);
	const periods = grain === 'all' ? [null] : periodsOf(range, grain);
	const otherPeriods = grain === 'all' ? [null] : periodsOf(other, grain);
	const key = (period: unknown, group: unknown) => `${String(period)}\u0000${String(group ?? '')}`;
	const index = new Map(periods.map((p, i) => [String(p), i]));
	const previousValues = new Map(before!.rows.map((r) => [key(r.period, r.group), r.value ?? null]));
	const columns: Column[] = [...result!.columns, { name: 'compare_period', type: 'string' }, { name: 'compare_value', type: 'number' }];
	const rows = result!.rows.map((r) => {
		const i = index.get(String(r.period));
		const comparePeriod = i === undefined ? null : (otherPeriods[i] ?? null);
		const value = i === undefined ? null : (previousValues.get(key(comparePeriod, r.group)) ?? null);
		return { ...r, compare_period: grain === 'all' ? null : comparePeriod, compare_value: value };
	});
	return { columns, rows, path: result!.path };
}

/** The plan options of a database's requests now: its as-of, its SLA limits, whether its rollups are current. */
async function planFor(db: Database, options: MetricOptions) {
	const asOf = options.asOf ?? (await metricsAsOf(db));
	return {
		asOf,
		sla: await slaLimits(db),
		contacts: await contactLimits(db),
		...(await rollupsNow(db).then((r) => ({
			rollups: r.current,
			rollupSla: r.sla,
			rolledContactLimits: r.contactLimits,
			staleKinds: r.stale
		}))),
		...(options.path ? { path: options.path } : {})
	};
}

/**
 * FCR's live days, computed once per data version, "now" and day, for every request that needs one (the live day
 * is the same for every range that reaches it: a page's FCR by month, by agent and by channel, the next page's,
 * the alert evaluation's). Each took 0.06-0.3 s per request at 19.5M contacts. At most LIVE_DAYS_KEPT are kept.
 */
const LIVE_DAYS_KEPT = 32;
const liveDays = new WeakMap<Database, { version: number; rows: Map<string, Running<string>> }>();
async function withLiveRows(db: Database, inputs: readonly unknown[], plan: CompileOptions): Promise<CompileOptions> {
	const days = liveDaysOf(inputs, plan);
	if (!days.length || !plan.asOf) return plan;
	let kept = liveDays.get(db);
	if (!kept || kept.version !== db.dataVersion) {
		kept = { version: db.dataVersion, rows: new Map() };
		liveDays.set(db, kept);
	}
	const entry = kept;
	const asOf = plan.asOf;
	const rows = await Promise.all(
		days.map(async (live) => {
			const key = `${asOf}|${liveKey(live)}`;
			const kept = entry.rows.get(key);
			if (kept) return [liveKey(live), await joined(db, kept)] as const;
			const read = sharedRead(db, (conn) => queryRows(conn, liveCutRowsSql('$1::DATE', '$2::TIMESTAMP', live.days), [live.from, asOf]));
			const json = read.result.then((r) => JSON.stringify(r));
			// a failure is not kept: the next request tries again
			json.catch(() => entry.rows.delete(key));
			entry.rows.set(key, { result: json, promote: read.promote });
			if (entry.rows.size > LIVE_DAYS_KEPT) entry.rows.delete(entry.rows.keys().next().value!);
			return [liveKey(live), await json] as const;
		})
	);
	return { ...plan, liveRows: Object.fromEntries(rows) };
}

/** One member's answer out of a shared query's rows: the keys and its own columns, intervals filled in. */
function memberResult(shared: MetricResult, { prefix, compiled }: BundleMember): MetricResult {
	const scale = compiled.metric.kind === 'ratio' ? compiled.metric.scale : 100;
	const rows = shared.rows.map((r) => {
		const out: MetricRow = {};
		for (const c of compiled.columns) out[c.name] = r[c.name === 'period' || c.name === 'group' ? c.name : `${prefix}${c.name}`] ?? null;
		return compiled.interval ? withInterval(out, compiled.interval, scale) : out;
	});
	return { columns: compiled.columns, rows, path: compiled.path };
}

/**
 * Several metric requests answered together (see bundle.ts): those over the same relation share one
 * query (cached as one). Each answer is what `queryMetric` gives for its request alone (without `compare`).
 */
export async function queryMetrics(
	db: Database,
	inputs: readonly unknown[],
	options: Omit<MetricOptions, 'compare'> = {}
): Promise<MetricResult[]> {
	const { keepPeriods = true, ...planned } = options;
	const plan = await withLiveRows(db, inputs, await planFor(db, planned));
	// each request narrowed to the periods no earlier answer holds whole (none: nothing to ask)
	const asked = periodsKept(db, plan, inputs, keepPeriods);
	const toAsk = asked.flatMap((a, i) => (a.input === null ? [] : [{ i, input: a.input }]));
	const bundles = compileBundles(
		toAsk.map((a) => a.input),
		plan
	);
	const out: MetricResult[] = [];
	await Promise.all(
		bundles.map(async ({ query, members }) => {
			const shared = await cachedRun(db, query);
			for (const member of members)
				out[toAsk[member.index]!.i] =
					member.prefix === '' ? { ...suppressSmallGroups(shared, query.suppression), path: query.path } : memberResult(shared, member);
		})
	);
	return asked.map((a, i) => a.answer(out[i] ?? null));
}

/** rows kept at most (a row is some ten values: ~10 MB), the periods used longest ago going first */
const PERIOD_ROWS = 50_000;
interface KeptPeriod {
	columns: Column[];
	rows: MetricRow[];
}
/**
 * The rows of each whole period a request's answer held, kept per database and data version with what else shapes
 * them (the request but its range, and the plan: as-of, limits, rollup state, path), so that another range over
 * the same periods reads them instead of asking again: a trend of twelve months ending a month later asks one
 * month, a page's month and the month before are in the trend. A period's rows do not depend on the range around
 * it (every metric groups by period; tests/integration/period-reuse.test.ts compares each catalog metric's answers
 * both ways). FCR, whose recent days are computed as of "now" for the range that reaches them, is always asked.
 */
const keptPeriods = new WeakMap<Database, { version: number; periods: Map<string, KeptPeriod>; rows: number }>();

interface Asked {
	/** what to ask (narrowed to the periods not kept), or null when every period is kept */
	input: unknown;
	/** the request's answer, from the answer to `input` (null when nothing was asked) and the periods kept */
	answer: (result: MetricResult | null) => MetricResult;
}

/**
 * Each request with the periods kept for it (`keptPeriods`; none when `on` is false) and the rest to ask. Requests over the same range, grain, cut,
 * filters and scope are narrowed to the same periods (every period one of them lacks), so that those over one relation
 * still share one query (bundle.ts): narrowed each to its own, a page's twenty metrics split into as many queries.
 */
function periodsKept(db: Database, plan: CompileOptions, inputs: readonly unknown[], on: boolean): Asked[] {
	const asIs = (input: unknown): Asked => ({ input, answer: (r) => r! });
	if (!CACHE_ON || !on) return inputs.map(asIs);
	let kept = keptPeriods.get(db);
	if (!kept || kept.version !== db.dataVersion) {
		kept = { version: db.dataVersion, periods: new Map(), rows: 0 };
		keptPeriods.set(db, kept);
	}
	const entry = kept;
	const store = kept.periods;
	// (a period without rows counts as one: its entry is not free either)
	const size = (period: KeptPeriod) => Math.max(1, period.rows.length);
	const keep = (key: string, period: KeptPeriod) => {
		const had = store.get(key);
		if (had) entry.rows -= size(had);
		store.delete(key);
		store.set(key, period);
		entry.rows += size(period);
		for (const [oldest, was] of store) {
			if (entry.rows <= PERIOD_ROWS) break;
			store.delete(oldest);
			entry.rows -= size(was);
		}
	};
	const { liveRows: _live, ...planned } = plan;
	const planKey = JSON.stringify(planned);
	// each request's periods, and which of them are kept
	const seen = inputs.map((input) => {
		let valid: ReturnType<typeof validateRequest>;
		try {
			valid = validateRequest(input);
		} catch {
			// compiled as it is, it fails as it did
			return null;
		}
		const { request, metric } = valid;
		const grain = request.grain;
		if (grain === 'all' || metric.rollup?.settledDays) return null;
		const { from, to, ...shape } = request;
		// (a digest: the shape and plan as text are some 1-2 KB, and a day's rows may be a few bytes)
		const prefix = createHash('sha256').update(JSON.stringify(shape)).update(planKey).digest('base64');
		const periods = periodsOf({ from, to }, grain).map((start) => {
			const end = periodEnd(start, grain);
			const whole = start >= from && end <= to;
			const key = `${prefix}\u0000${start}`;
			return { start, end, whole, key, kept: whole ? store.get(key) : undefined };
		});
		const { metric: _m, ...together } = request;
		return { request, metric, periods, together: JSON.stringify(together) };
	});
	// the periods to ask for each range and shape: from the first any of its requests lacks to the last
	const spans = new Map<string, { lo: number; hi: number }>();
	for (const r of seen) {
		if (!r) continue;
		const missing = r.periods.flatMap((p, i) => (p.kept ? [] : [i]));
		if (!missing.length) continue;
		const span = spans.get(r.together);
		spans.set(r.together, { lo: Math.min(span?.lo ?? Infinity, missing[0]!), hi: Math.max(span?.hi ?? -1, missing[missing.length - 1]!) });
	}
	return inputs.map((input, n): Asked => {
		const r = seen[n];
		if (!r) return asIs(input);
		const { request, metric, periods } = r;
		const span = spans.get(r.together);
		const lo = span?.lo;
		const hi = span?.hi;
		const narrowed =
			lo === undefined || hi === undefined
				? null
				: {
						...(input as object),
						from: lo === 0 ? request.from : periods[lo]!.start,
						to: hi === periods.length - 1 ? request.to : periods[hi]!.end
					};
		return {
			input: narrowed,
			answer: (result) => {
				const before = lo === undefined ? periods : periods.slice(0, lo);
				const after = hi === undefined ? [] : periods.slice(hi + 1);
				if (result) {
					// the whole periods it answered, kept (with no rows too: a period without data)
					const byPeriod = new Map<string, MetricRow[]>();
					for (const row of result.rows) {
						const rows = byPeriod.get(String(row.period));
						if (rows) rows.push(row);
						else byPeriod.set(String(row.period), [row]);
					}
					for (const p of periods.slice(lo, (hi ?? -1) + 1))
						if (p.whole) keep(p.key, { columns: result.columns, rows: byPeriod.get(p.start) ?? [] });
				}
				const reused = [...before, ...after].map((p) => p.kept!);
				// most recently used last, so the oldest entry is the first to go
				for (const p of [...before, ...after]) keep(p.key, p.kept!);
				if (!reused.length) return result!;
				return {
					columns: (result ?? reused[0]!).columns,
					rows: [...before.flatMap((p) => p.kept!.rows), ...(result?.rows ?? []), ...after.flatMap((p) => p.kept!.rows)],
					// the path the request reads as a whole (the part asked may read raw rows where the whole would not: the days
					// of a month in part; the numbers are the same either way)
					path: planOf(request, metric, plan) ? 'rollup' : 'raw'
				};
			}
		};
	});
}

/**
 * A page's way to ask: requests made in the same turn of the event loop are answered together by
 * `queryMetrics`, so a section's tiles and charts over the same rows cost one query. Requests with
 * `compare` go alone; if a batch fails, each of its requests is asked alone (so one bad request fails only itself).
 */
export function metricLoader(db: Database, options: Omit<MetricOptions, 'compare'> = {}) {
	let pending: { input: unknown; resolve: (r: MetricResult) => void; reject: (e: unknown) => void }[] = [];
	const flush = () => {
		const batch = pending;
		pending = [];
		queryMetrics(
			db,
			batch.map((b) => b.input),
			options
		).then(
			(results) => batch.forEach((b, i) => b.resolve(results[i]!)),
			() => batch.forEach((b) => queryMetric(db, b.input, options).then(b.resolve, b.reject))
		);
	};
	return (input: unknown, compare?: Compare): Promise<MetricResult> => {
		if (compare) return queryMetric(db, input, { ...options, compare });
		return new Promise((resolve, reject) => {
			if (pending.length === 0) setImmediate(flush);
			pending.push({ input, resolve, reject });
		});
	};
}

/**
 * Customer name and phone masked for a user without pii, and in the free-text columns every phone
 * number (in any written form) and the row's own customer name — the same `maskFreeText` the search
 * of such a user reads (see auth/masked-search.ts).
 */
function maskRow(user: AuthUser, row: MetricRow, texts: readonly string[]): MetricRow {
	const name = typeof row.customer_name === 'string' ? row.customer_name : null;
	const out: MetricRow =
		'customer_name' in row || 'customer_phone' in row ? customerView(user, row as MetricRow & CustomerContact) : { ...row };
	for (const col of texts) if (typeof out[col] === 'string') out[col] = maskFreeText(out[col] as string, name);
	return out;
}

export interface DrillResult extends MetricResult {
	/** rows in all (the page is `rows`) */
	total: number;
}

/**
 * The rows behind a number (see `compileRows`), one page, with customer name and phone masked for a
 * user without `pii` before they leave this function. Not cached: rows carry personal data, and a
 * drill-down is one click, not a dashboard's dozens of tiles.
 */
export async function drillRows(db: Database, user: AuthUser, input: unknown, options: { asOf?: string } = {}): Promise<DrillResult> {
	const compiled = compileRows(input, {
		asOf: options.asOf ?? (await metricsAsOf(db)),
		sla: await slaLimits(db),
		contacts: await contactLimits(db),
		maskedSearch: !user.pii
	});
	return db.withConnection(async (conn) => {
		if (!user.pii) registerMaskedText(conn);
		const page = await runMetric(conn, {
			sql: compiled.sql,
			path: 'raw',
			params: compiled.params,
			metric: compiled.metric,
			columns: compiled.columns
		});
		const count = await conn.runAndReadAll(compiled.countSql, compiled.countParams);
		const total = Number(count.getRowObjectsJS()[0]?.n ?? 0);
		// masked row by row in the page's own array, so that each unmasked row is let go as its masked copy is made
		if (!user.pii) for (let i = 0; i < page.rows.length; i++) page.rows[i] = maskRow(user, page.rows[i]!, compiled.texts);
		return { columns: page.columns, rows: page.rows, total };
	});
}
