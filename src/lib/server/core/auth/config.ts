/**
 * Account and request-limit settings, read once from the environment at start.
 * Defaults are the product's; the environment exists so tests need not wait a real minute.
 */
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
	return n;
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

export function readAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
	const body = parseByteSize(env.BODY_SIZE_LIMIT || DEFAULT_BODY_SIZE_LIMIT);
	if (Number.isNaN(body)) throw new Error(`BODY_SIZE_LIMIT is not a size: "${env.BODY_SIZE_LIMIT}"`);
	return {
		rateWindowMs: positive(env, 'AUTH_RATE_WINDOW_MS', MINUTE),
		maxFailuresPerAccount: positive(env, 'AUTH_MAX_FAILURES_PER_ACCOUNT', 5),
		maxFailuresPerIp: positive(env, 'AUTH_MAX_FAILURES_PER_IP', 20),
		sessionIdleMs: positive(env, 'AUTH_SESSION_IDLE_HOURS', 12) * HOUR,
		sessionMaxMs: positive(env, 'AUTH_SESSION_MAX_HOURS', 7 * 24) * HOUR,
		bodyLimitBytes: body
	};
}

export const authConfig: AuthConfig = readAuthConfig();
