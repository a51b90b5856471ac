/**
 * Failed sign-ins per key (an account name or a client address) over a sliding window, in memory.
 *
 * Why memory and not a table: attempts are short-lived facts; writing each to DuckDB would let anyone
 * who can reach the login form make the server write to its database at will, and the single-writer
 * file is the product's bottleneck. What we lose is the count across a restart (an attacker does not
 * control restarts). Every failed attempt still lands in the audit log, which is persistent.
 * The map is bounded: old keys are swept, and beyond `maxKeys` the oldest keys are dropped.
 */
export interface LimitState {
	blocked: boolean;
	/** when the oldest counted failure leaves the window (epoch ms); only when blocked */
	retryAtMs?: number;
}

export class FailureLimiter {
	private readonly failures = new Map<string, number[]>();
	private readonly noticed = new Map<string, number>();

	constructor(
		private readonly windowMs: number,
		private readonly maxKeys = 20_000
	) {}

	private recent(key: string, now: number): number[] {
		const times = this.failures.get(key);
		if (!times) return [];
		const kept = times.filter((t) => t > now - this.windowMs);
		if (kept.length === 0) this.failures.delete(key);
		else if (kept.length !== times.length) this.failures.set(key, kept);
		return kept;
	}

	/** Blocked when `max` failures are already inside the window: the next attempt is refused. */
	check(key: string, max: number, now: number = Date.now()): LimitState {
		const times = this.recent(key, now);
		if (times.length < max) return { blocked: false };
		return { blocked: true, retryAtMs: times[times.length - max]! + this.windowMs };
	}

	/** Takes back one failure counted at `at` (an attempt counted before its check, that succeeded). */
	forgive(key: string, at: number): void {
		const times = this.failures.get(key);
		if (!times) return;
		const i = times.lastIndexOf(at);
		if (i >= 0) times.splice(i, 1);
		if (times.length === 0) this.failures.delete(key);
	}

	fail(key: string, now: number = Date.now()): void {
		const times = this.recent(key, now);
		times.push(now);
		// Only the newest few matter; keep the array short whatever an attacker sends.
		this.failures.delete(key);
		this.failures.set(key, times.slice(-64));
		if (this.failures.size > this.maxKeys) this.sweep(now);
	}

	clear(key: string): void {
		this.failures.delete(key);
		this.noticed.delete(key);
	}

	/** True once per blocking period of a key: lets the caller audit a lock-out without one entry per attempt. */
	firstNotice(key: string, retryAtMs: number): boolean {
		if ((this.noticed.get(key) ?? 0) >= retryAtMs) return false;
		this.noticed.set(key, retryAtMs);
		if (this.noticed.size > this.maxKeys) this.noticed.delete(this.noticed.keys().next().value!);
		return true;
	}

	private sweep(now: number): void {
		for (const key of [...this.failures.keys()]) this.recent(key, now);
		for (const key of this.failures.keys()) {
			if (this.failures.size <= this.maxKeys) break;
			this.failures.delete(key);
		}
	}
}
