import type { UiLocale } from '$lib/shared/views';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/**
 * The one module that reads the environment. Every setting is read and checked here, once, at start
 * (the server's `init`, each command-line tool's first use): a bad value stops the process with a message
 * naming the variable and what it accepts, instead of surfacing later as a strange behaviour.
 * Defaults are the product's; the variables exist for operations and so tests need not wait a real minute.
 */

export class ConfigError extends Error {
	constructor(name: string, value: string, [zh, en]: readonly [string, string]) {
		super(`环境变量 ${name}="${value}" 无效：应为${zh} / ${name}="${value}" is not valid: expected ${en}`);
		this.name = 'ConfigError';
	}
}

type Env = NodeJS.ProcessEnv;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const given = (env: Env, name: string): string | undefined => {
	const raw = env[name];
	return raw === undefined || raw.trim() === '' ? undefined : raw;
};

function positive(env: Env, name: string, fallback: number): number {
	const raw = given(env, name);
	if (raw === undefined) return fallback;
	const n = Number(raw);
	if (!Number.isFinite(n) || n <= 0) throw new ConfigError(name, raw, ['正数', 'a positive number']);
	return n;
}

function nonNegative(env: Env, name: string, fallback: number): number {
	const raw = given(env, name);
	if (raw === undefined) return fallback;
	const n = Number(raw);
	if (!Number.isFinite(n) || n < 0) throw new ConfigError(name, raw, ['不小于 0 的数', 'a number of at least 0']);
	return n;
}

function portNumber(env: Env, name: string, fallback: number): number {
	const raw = given(env, name);
	if (raw === undefined) return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 0 || n > 65_535)
		throw new ConfigError(name, raw, ['0 到 65535 的端口号', 'a port number from 0 to 65535']);
	return n;
}

function oneOf<T extends string>(env: Env, name: string, options: readonly T[], fallback: T): T {
	const raw = given(env, name);
	if (raw === undefined) return fallback;
	if (!(options as readonly string[]).includes(raw))
		throw new ConfigError(name, raw, [`${options.join('、')} 之一`, `one of ${options.join(', ')}`]);
	return raw as T;
}

function origin(env: Env, name: string): string | null {
	const raw = given(env, name);
	if (raw === undefined) return null;
	try {
		const u = new URL(raw);
		if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
	} catch {
		// falls through to the error
	}
	throw new ConfigError(name, raw, ['http(s):// 开头的地址', 'an http(s) address']);
}

/** BODY_SIZE_LIMIT as adapter-node reads it: bytes, or a number with K, M or G (binary multiples). */
export function parseByteSize(value: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*$/i.exec(value);
	if (!match) return value.trim() === 'Infinity' ? Infinity : NaN;
	const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
	return Number(match[1]) * unit;
}

/** The upload limit we choose deliberately: 50 MB (a year of a large centre's complaint register as CSV is ~30 MB). */
export const DEFAULT_BODY_SIZE_LIMIT = '50M';

/** Account and request-limit settings. */
export interface AuthConfig {
	/** failed sign-ins are counted over this sliding window */
	rateWindowMs: number;
	/** wrong passwords per account within the window; the next attempt is refused until the window passes */
	maxFailuresPerAccount: number;
	/** per client address: higher, because a call centre's staff often share one NAT address */
	maxFailuresPerIp: number;
	/** a session ends after this long without a request (sliding) */
	sessionIdleMs: number;
	/** and after this long in any case */
	sessionMaxMs: number;
	/** request bodies above this are refused with 413 (uploads); adapter-node's BODY_SIZE_LIMIT must be at least this */
	bodyLimitBytes: number;
}

export function readAuthConfig(env: Env = process.env): AuthConfig {
	const body = parseByteSize(env.BODY_SIZE_LIMIT || DEFAULT_BODY_SIZE_LIMIT);
	if (Number.isNaN(body))
		throw new ConfigError('BODY_SIZE_LIMIT', env.BODY_SIZE_LIMIT ?? '', ['字节数或带 K/M/G 的数', 'bytes, or a number with K, M or G']);
	return {
		rateWindowMs: positive(env, 'AUTH_RATE_WINDOW_MS', MINUTE),
		maxFailuresPerAccount: positive(env, 'AUTH_MAX_FAILURES_PER_ACCOUNT', 5),
		maxFailuresPerIp: positive(env, 'AUTH_MAX_FAILURES_PER_IP', 20),
		sessionIdleMs: positive(env, 'AUTH_SESSION_IDLE_HOURS', 12) * HOUR,
		sessionMaxMs: positive(env, 'AUTH_SESSION_MAX_HOURS', 7 * 24) * HOUR,
		bodyLimitBytes: body
	};
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The two languages, as everywhere (shared/views.ts). */
export type Locale = UiLocale;

export interface Config {
	/** PORT, as adapter-node reads it */
	port: number;
	/** DATABASE_PATH, absolute (default data/quality.duckdb) */
	databasePath: string;
	/** UV_THREADPOOL_SIZE as Node read it at start (shown in the start line) */
	threadpool: number;
	/** METRIC_CACHE=off turns the metric result cache off (benchmarks of the bare queries) */
	metricCache: boolean;
	/** TZ_DISPLAY: the one time zone every timestamp is shown in, on pages, exports and reports (default Asia/Shanghai) */
	timeZone: string;
	/** CHROMIUM_PATH: the browser that prints PDF reports */
	chromiumPath: string;
	/** REPORT_ORIGIN (or EVAL_REPORT_ORIGIN): the address the PDF printer opens pages at, when not the request's */
	reportOrigin: string | null;
	/** LOG_LEVEL; null = the default of the process (info for the server, warn for tools and tests) */
	logLevel: LogLevel | null;
	/** SQA_PROFILE=1: the load's step times are logged */
	profile: boolean;
	/** QUALITY_LANG: the command-line tools' language */
	lang: Locale;
	/** SHUTDOWN_TIMEOUT (s): adapter-node cuts connections still open after it */
	shutdownTimeoutS: number;
	/** SHUTDOWN_LOAD_GRACE (s): a running load's time to commit at SIGTERM, kept 5 s under SHUTDOWN_TIMEOUT */
	shutdownLoadGraceS: number;
	/** DASHBOARD_WARMUP_STORES: after each write, the 总览 of this many stores (largest first) is computed in the background; 0 = none (default 20, 0 under tests) */
	warmUpStores: number;
	/**
	 * ROLLUP_AFTER_ROWS: a write touching at least this many rows of a kind leaves that kind's rollups to be
	 * rebuilt after its commit (raw rows answer for the kind meanwhile) instead of bringing them up to date inside it
	 */
	rollupAfterRows: number;
	/**
	 * ROLLUP_EXACT_ORDER_FROM: a write touching at least this many rows orders each of its phones' rows by time and id at
	 * once when finding the rows whose stored values it changes (below, by time alone first: maintain.ts, `refreshTouched`)
	 */
	rollupExactOrderFrom: number;
	/**
	 * ROLLUP_COMPACT_AFTER_MS: how long after the last write the server compacts the rollup rows writes split (default
	 * 10000): not in the moment right after a commit, when every user's next view is new and the 总览 warm-up runs
	 */
	rollupCompactAfterMs: number;
	/** the tests' runner is this process (vitest): quieter logs */
	underTest: boolean;
	auth: AuthConfig;
	notify: NotifyConfig;
	duckdb: DuckDbConfig;
}

/** DuckDB's own limits, applied to every database a process opens (core/db). */
export interface DuckDbConfig {
	/** DUCKDB_MEMORY_LIMIT: DuckDB's buffer pool; past it, big loads and queries spill to a temporary folder next to the database */
	memoryLimit: string;
	/**
	 * The pool of a command-line tool working on the file alone (no server running, core/db `Database.open`'s `alone`):
	 * DUCKDB_MEMORY_LIMIT when set, else TOOL_DUCKDB_MEMORY_LIMIT
	 */
	toolMemoryLimit: string;
	/** DUCKDB_THREADS: DuckDB's worker threads; null = one per core (DuckDB's default) */
	threads: number | null;
	/**
	 * DUCKDB_READERS: how many reads (a connection's unit of work: a metric query, a page's lookups) run at
	 * once; the others wait their turn (core/db/read-slots.ts). Default: two per core, at least 4.
	 */
	readers: number;
	/**
	 * DUCKDB_LOAD_THREADS: DuckDB's threads while the server loads a big file (0 = as many as at other times; default 1),
	 * and DUCKDB_LOAD_THREADS_FROM_MB the size from which a file is big (default 16, about 150,000 complaints). One
	 * thread leaves a core to the users' views, which run on their own threads meanwhile; the load took no longer
	 * (docs/decisions.md, "A big load in the server on one of DuckDB's threads").
	 */
	loadThreads: number;
	loadThreadsFromBytes: number;
}

/**
 * 384 MB: the server is to stay under 1 GB of memory at millions of rows. DuckDB's limit covers its buffer
 * pool only; the rest of the process — Node and its heap, the malloc arenas of the threads that ran queries,
 * query results on their way to JS and what DuckDB allocates outside the pool — took 500–550 MB more under
 * 50 users at 5M complaints with a 1M-row load running (`npm run bench -- load`: peak RSS 1,010–1,129 MB at 512 MB,
 * 894–1,024 at 384). The price is paid by big writes, which spill sooner: that 1M-row load alone 16.7 → 18.7–20.4 s,
 * a rebuild of every rollup at 5M + 10M + 19.5M rows 101 → 123 s; pages and metric queries no slower (the query
 * bench's peak RSS 901 → 712 MB). docs/decisions.md, "DuckDB's pool at 384 MB".
 */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '384MB';
/**
 * 512 MB for a tool that has the file to itself (`npm run ingest` or `npm run rollups` with no server running): no
 * users' requests share its memory, and a million-row load into a fresh file spilled at 384 MB (the ingest bench:
 * 2.21× bare read_csv at 384 MB, 1.40× at 512, same hour; GBK 2.54× and 1.78×; its peak RSS 815 MB).
 */
export const TOOL_DUCKDB_MEMORY_LIMIT = '512MB';

/**
 * Two reads per core, at least four: at 5M complaints under 50 users (docs/scaling.md) 4 on 2 cores served 34–60 % more
 * requests than 2 at the same peak memory and kept loads and /healthz quick, which every read at once did not.
 */
export const defaultReaders = (): number => Math.max(4, 2 * availableParallelism());

export function readDuckDbConfig(env: Env = process.env): DuckDbConfig {
	const set = given(env, 'DUCKDB_MEMORY_LIMIT');
	const raw = set ?? DEFAULT_DUCKDB_MEMORY_LIMIT;
	// DuckDB's own spelling: a number and a unit (KB, MB, GB, TB or KiB … TiB)
	const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B)\s*$/iu.exec(raw);
	if (!m || Number(m[1]) <= 0)
		throw new ConfigError('DUCKDB_MEMORY_LIMIT', raw, ['带单位的内存大小，如 512MB、1GB', 'a size with a unit, such as 512MB or 1GB']);
	const threads = given(env, 'DUCKDB_THREADS');
	if (threads !== undefined && !/^[1-9]\d{0,3}$/u.test(threads.trim()))
		throw new ConfigError('DUCKDB_THREADS', threads, ['正整数', 'a positive whole number']);
	const readers = given(env, 'DUCKDB_READERS');
	if (readers !== undefined && !/^[1-9]\d{0,3}$/u.test(readers.trim()))
		throw new ConfigError('DUCKDB_READERS', readers, ['正整数', 'a positive whole number']);
	const loadThreads = given(env, 'DUCKDB_LOAD_THREADS');
	if (loadThreads !== undefined && !/^\d{1,4}$/u.test(loadThreads.trim()))
		throw new ConfigError('DUCKDB_LOAD_THREADS', loadThreads, ['不小于 0 的整数', 'a whole number of at least 0']);
	return {
		memoryLimit: `${m[1]}${m[2]}`,
		toolMemoryLimit: set === undefined ? TOOL_DUCKDB_MEMORY_LIMIT : `${m[1]}${m[2]}`,
		threads: threads === undefined ? null : Number(threads),
		readers: readers === undefined ? defaultReaders() : Number(readers),
		loadThreads: loadThreads === undefined ? 1 : Number(loadThreads),
		loadThreadsFromBytes: Math.round(nonNegative(env, 'DUCKDB_LOAD_THREADS_FROM_MB', 16) * 1024 * 1024)
	};
}

/** Delivery of reports and alerts (features/notifications). */
export interface NotifyConfig {
	/** NOTIFY_SCHEDULER=on|off: the server's in-process scheduler (default on, off under tests) */
	scheduler: boolean;
	/** NOTIFY_TIMEZONE: the zone schedules are read in (default TZ_DISPLAY) */
	timeZone: string;
	/** NOTIFY_CATCHUP_HOURS: a run missed while nothing ran is still sent this long after its time */
	catchUpMs: number;
	/** NOTIFY_MAIL_FROM: the sender of e-mails (a channel's URL may give its own with ?from=) */
	mailFrom: string;
	/** PUBLIC_ORIGIN: the address links in messages point at (default REPORT_ORIGIN, else http://localhost:PORT) */
	publicOrigin: string;
}

function timeZone(env: Env, name: string, fallback: string): string {
	const raw = given(env, name) ?? fallback;
	try {
		// the zone's canonical spelling (asia/shanghai → Asia/Shanghai), so the browser and the server name it alike
		return new Intl.DateTimeFormat('en', { timeZone: raw }).resolvedOptions().timeZone;
	} catch {
		throw new ConfigError(name, raw, ['IANA 时区名，如 Asia/Shanghai', 'an IANA time zone such as Asia/Shanghai']);
	}
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export function readNotifyConfig(env: Env, port: number, reportOrigin: string | null, displayZone = DEFAULT_TIME_ZONE): NotifyConfig {
	return {
		scheduler: oneOf(env, 'NOTIFY_SCHEDULER', ['on', 'off'], env.VITEST ? 'off' : 'on') === 'on',
		timeZone: timeZone(env, 'NOTIFY_TIMEZONE', displayZone),
		catchUpMs: positive(env, 'NOTIFY_CATCHUP_HOURS', 36) * HOUR,
		mailFrom: given(env, 'NOTIFY_MAIL_FROM') ?? 'quality-reports@localhost',
		publicOrigin: origin(env, 'PUBLIC_ORIGIN') ?? reportOrigin ?? `http://localhost:${port}`
	};
}

export const DEFAULT_DATABASE_PATH = 'data/quality.duckdb';

/**
 * The two settings a command-line tool needs before its first line, read alone: the whole config checks the time
 * zones too, and the first time zone the process checks loads ICU's zone data (16-24 ms, a tenth of the CLI's start).
 */
export const readDatabasePath = (env: Env = process.env): string => resolve(given(env, 'DATABASE_PATH') ?? DEFAULT_DATABASE_PATH);
export const readLang = (env: Env = process.env): Locale => (/^en/iu.test(env.QUALITY_LANG ?? '') ? 'en' : 'zh-CN');

export function readConfig(env: Env = process.env): Config {
	const shutdownTimeoutS = nonNegative(env, 'SHUTDOWN_TIMEOUT', 30);
	const port = portNumber(env, 'PORT', 3000);
	const reportOrigin = origin(env, given(env, 'REPORT_ORIGIN') !== undefined ? 'REPORT_ORIGIN' : 'EVAL_REPORT_ORIGIN');
	const displayZone = timeZone(env, 'TZ_DISPLAY', DEFAULT_TIME_ZONE);
	return {
		port,
		timeZone: displayZone,
		databasePath: readDatabasePath(env),
		threadpool: positive(env, 'UV_THREADPOOL_SIZE', 4),
		metricCache: oneOf(env, 'METRIC_CACHE', ['on', 'off'], 'on') === 'on',
		chromiumPath: given(env, 'CHROMIUM_PATH') ?? '/usr/bin/chromium',
		reportOrigin,
		logLevel: given(env, 'LOG_LEVEL') === undefined ? null : oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
		profile: given(env, 'SQA_PROFILE') === '1',
		lang: readLang(env),
		shutdownTimeoutS,
		shutdownLoadGraceS: Math.min(nonNegative(env, 'SHUTDOWN_LOAD_GRACE', 20), Math.max(0, shutdownTimeoutS - 5)),
		warmUpStores: Math.floor(nonNegative(env, 'DASHBOARD_WARMUP_STORES', env.VITEST ? 0 : 20)),
		rollupAfterRows: Math.floor(positive(env, 'ROLLUP_AFTER_ROWS', 200_000)),
		rollupExactOrderFrom: Math.floor(positive(env, 'ROLLUP_EXACT_ORDER_FROM', 100_000)),
		rollupCompactAfterMs: Math.floor(nonNegative(env, 'ROLLUP_COMPACT_AFTER_MS', 10_000)),
		underTest: Boolean(env.VITEST),
		auth: readAuthConfig(env),
		notify: readNotifyConfig(env, port, reportOrigin, displayZone),
		duckdb: readDuckDbConfig(env)
	};
}

let current: Config | null = null;

/** The process's settings, read and checked on first use. */
export function config(): Config {
	current ??= readConfig();
	return current;
}

/** The database file a tool works on: its `--db PATH`, else DATABASE_PATH. */
export function databasePath(explicit?: string): string {
	// (the config's, when it was read; else the setting alone, not the whole config: see readDatabasePath)
	return explicit === undefined ? (current?.databasePath ?? readDatabasePath()) : resolve(explicit);
}
