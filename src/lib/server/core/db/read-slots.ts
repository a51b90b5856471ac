import { AsyncLocalStorage } from 'node:async_hooks';

/** What the work running in an async context holds: a slot (until released), or the write lock. */
interface Holding {
	held: boolean;
}

/**
 * A bound on how many reads run on the database at once, first come first served. Each read that runs
 * holds its query's intermediate results (hash tables, sorted runs, the rows on their way to JS) and, on
 * a libuv thread, a malloc arena of its own: fifty users' pages at once would hold fifty sets, though two
 * cores answer them no sooner than a few at a time. Past the bound a read waits for a slot.
 *
 * Work already holding a slot, or running under the write lock (`exempt`), gets its further connections
 * at once: nested reads never wait on the slot their own caller holds, and write work never waits behind
 * reads (a reader waiting for the write lock keeps its slot; the write it waits for needs none).
 */
export class ReadSlots {
	private running = 0;
	private readonly queue: (() => void)[] = [];
	private readonly context = new AsyncLocalStorage<Holding>();

	constructor(readonly size: number) {
		if (!Number.isInteger(size) || size < 1) throw new Error(`read slots: ${size} is not a positive whole number`);
	}

	/** Runs `work` in a slot (waiting in turn for one when all are taken); the slot is freed however it ends. */
	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.context.getStore()?.held) return work();
		if (this.running < this.size) this.running++;
		else await new Promise<void>((take) => this.queue.push(take));
		const holding: Holding = { held: true };
		try {
			return await this.context.run(holding, work);
		} finally {
			// work it started and left running (a cache fill, say) takes a slot of its own from now on
			holding.held = false;
			const nextInLine = this.queue.shift();
			// the slot passes straight to the next in line, so a newcomer cannot take it first
			if (nextInLine) nextInLine();
			else this.running--;
		}
	}

	/** Runs `work` outside the bound: its own connections and those it nests never wait for a slot. */
	async exempt<T>(work: () => Promise<T>): Promise<T> {
		const holding: Holding = { held: true };
		try {
			return await this.context.run(holding, work);
		} finally {
			holding.held = false;
		}
	}

	/** Reads running and reads waiting, for the logs and tests. */
	get state(): { running: number; waiting: number } {
		return { running: this.running, waiting: this.queue.length };
	}
}
