/**
 * What the load benchmark records while it runs: every request's time and status by phase, a /healthz
 * probe every 250 ms (the server's own queueing), and every 500 ms the server's CPU time and RSS and the
 * machine's load average. Any non-2xx answer or network error is an error.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Req, Vu } from './mix';

export type Phase = 'warmup' | 'idle' | 'ingest' | 'after';
/** the phases reported (the warm-up is not counted) */
export const PHASES = ['idle', 'ingest', 'after'] as const satisfies Phase[];

export interface Sample {
	phase: Phase;
	endpoint: string;
	ms: number;
	status: number;
	error?: string;
}
export interface Probe {
	phase: Phase;
	ms: number;
	ok: boolean;
}
export interface Monitor {
	rssMb: number[];
	load1: number[];
	cpuS: number;
}

/** CPU seconds the server process has used (all its threads: JS, DuckDB, libuv). */
const cpuSecondsOf = (pid: number) => {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return 0;
	}
};
export const rssMbOf = (pid: number, field: 'VmRSS' | 'VmHWM') => {
	try {
		return Number(new RegExp(`${field}:\\s+(\\d+)`, 'u').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
	} catch {
		return 0;
	}
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const perPhase = <T>(make: () => T): Record<Phase, T> => ({ warmup: make(), idle: make(), ingest: make(), after: make() });

/** The recordings of one run against the server at `base` (process `pid`); the budget bounds the requests. */
export class Measurements {
	readonly samples: Sample[] = [];
	readonly probes: Probe[] = [];
	/** the first errors, with their URL */
	readonly errorSamples: Sample[] = [];
	readonly phaseTimes = perPhase(() => ({ start: 0, end: 0 }));
	readonly monitor = perPhase<Monitor>(() => ({ rssMb: [], load1: [], cpuS: 0 }));
	phase: Phase = 'warmup';
	stopping = false;
	private readonly started = performance.now();
	private lastCpu = 0;
	private sampler: ReturnType<typeof setInterval> | undefined;
	private prober: Promise<void> | undefined;

	constructor(
		private readonly base: string,
		private readonly pid: number,
		private readonly budget: { maxRequests: number; maxS: number }
	) {}

	/** Starts the server monitor and the /healthz probe. */
	start(): void {
		this.lastCpu = cpuSecondsOf(this.pid);
		this.sampler = setInterval(() => {
			const m = this.monitor[this.phase];
			const cpu = cpuSecondsOf(this.pid);
			m.cpuS += cpu - this.lastCpu;
			this.lastCpu = cpu;
			m.rssMb.push(rssMbOf(this.pid, 'VmRSS'));
			m.load1.push(loadavg()[0]!);
		}, 500);
		this.prober = (async () => {
			while (!this.stopping) {
				const p = this.phase;
				const t0 = performance.now();
				const ok = await fetch(`${this.base}/healthz`).then(
					async (r) => (await r.arrayBuffer(), r.ok),
					() => false
				);
				this.probes.push({ phase: p, ms: performance.now() - t0, ok });
				await sleep(250);
			}
		})();
	}

	/** Ends the current phase and starts `next` (the first call starts the warm-up). */
	enter(next: Phase): void {
		const now = performance.now();
		if (next !== this.phase) this.phaseTimes[this.phase].end = now;
		this.phaseTimes[next].start = now;
		this.phase = next;
	}

	/** Ends the last phase: the users stop after their current request. */
	finish(): void {
		this.phaseTimes[this.phase].end = performance.now();
		this.stopping = true;
	}

	/** Once the users have stopped: ends the probe and the monitor; the server's peak RSS. */
	async close(): Promise<number> {
		await this.prober;
		clearInterval(this.sampler);
		return rssMbOf(this.pid, 'VmHWM');
	}

	overBudget = (): boolean =>
		this.samples.length >= this.budget.maxRequests || (performance.now() - this.started) / 1000 > this.budget.maxS;

	issue = async (vu: Vu, req: Req): Promise<void> => {
		const p = this.phase;
		const t0 = performance.now();
		let status = 0;
		let error: string | undefined;
		try {
			const res = await fetch(`${this.base}${req.path}`, {
				headers: { cookie: vu.cookie, accept: req.accept, 'accept-encoding': 'gzip' },
				redirect: 'manual',
				signal: AbortSignal.timeout(120_000)
			});
			await res.arrayBuffer();
			status = res.status;
			if (status < 200 || status >= 300) error = `HTTP ${status}`;
		} catch (e) {
			error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
		}
		const s: Sample = { phase: p, endpoint: req.endpoint, ms: performance.now() - t0, status, ...(error ? { error } : {}) };
		this.samples.push(s);
		if (error && this.errorSamples.length < 20) this.errorSamples.push({ ...s, endpoint: `${s.endpoint} ${req.path.slice(0, 160)}` });
	};
}
