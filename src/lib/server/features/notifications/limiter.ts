import type { RateWindow } from './kinds';

/**
 * Messages per channel within each bot's windows (kinds.ts). Kept in the process: the server is the one
 * process that sends (the CLI hands `run-due` to it while it runs). A bot that answered "too fast" is
 * left alone for its block time.
 */
export class RateLimiter {
	private readonly sent = new Map<number, number[]>();
	private readonly blocked = new Map<number, number>();

	constructor(private readonly clock: () => number = Date.now) {}

	/** Milliseconds until one more message may go to this channel (0: now). */
	waitFor(channel: number, windows: readonly RateWindow[]): number {
		const now = this.clock();
		let wait = Math.max(0, (this.blocked.get(channel) ?? 0) - now);
		const times = this.sent.get(channel) ?? [];
		for (const w of windows) {
			const inWindow = times.filter((t) => t > now - w.ms);
			if (inWindow.length >= w.count) wait = Math.max(wait, inWindow[inWindow.length - w.count]! + w.ms - now);
		}
		return wait;
	}

	/** Counts one message sent now. */
	record(channel: number, windows: readonly RateWindow[]): void {
		const now = this.clock();
		const longest = Math.max(...windows.map((w) => w.ms));
		const times = (this.sent.get(channel) ?? []).filter((t) => t > now - longest);
		times.push(now);
		this.sent.set(channel, times);
	}

	block(channel: number, ms: number): void {
		this.blocked.set(channel, this.clock() + ms);
	}
}

/** The process's limiter (keyed by channel id: bounded by the number of channels). */
export const processLimiter = new RateLimiter();
