import { AsyncLocalStorage } from 'node:async_hooks';

/** What the work running in an async context holds: a slot (until released), or the write lock; and whether it is background work. */
interface Holding {
	held: boolean;
	background?: boolean;
}

/** How long a background read may be passed over by users' reads before it queues as one of them. */
export const BACKGROUND_MAX_WAIT_MS = 5_000;

/**
 * A bound on how many reads run on the database at once, first come first served. Each read that runs
 * holds its query's intermediate results (hash tables, sorted runs, the rows on their way to JS) and, on
 * a libuv thread, a malloc arena of its own: fifty users' pages at once would hold fifty sets, though two
 * cores answer them no sooner than a few at a time. Past the bound a read waits for a slot.
 *
 * Work already holding a slot, or running under the write lock (`exempt`), gets its further connections
 * at once: nested reads never wait on the slot their own caller holds, and write work never waits behind
 * reads (a reader waiting for the write lock keeps its slot; the write it waits for needs none).
 *
 * Reads of `background` work (what the server computes ahead after a commit: the default views, the alert
 * evaluation) run one at a time, and only when no user's read waits: a page opened just after a load does
 * not queue behind them. One passed over for BACKGROUND_MAX_WAIT_MS joins the users' queue, so a server
 * that is never idle still gets them done.
 */
export class ReadSlots {
	private running = 0;
	private readonly queue: (() => void)[] = [];
	/** background reads waiting, and how many run (at most one) */
	private readonly backgroundQueue: (() => void)[] = [];
	private backgroundRunning = 0;
	private readonly context = new AsyncLocalStorage<Holding>();

	constructor(readonly size: number) {
		if (!Number.isInteger(size) || size < 1) throw new Error(`read slots: ${size} is not a positive whole number`);
	}

	/** Runs `work` in a slot (waiting in turn for one when all are taken); the slot is freed however it ends. */
	async run<T>(work: () => Promise<T>): Promise<T> {
		const store = this.context.getStore();
		if (store?.held) return work();
		const background = store?.background === true;
		if (background) await this.takeBackground();
		else if (this.running < this.size) this.running++;
		else await new Promise<void>((take) => this.queue.push(take));
		const holding: Holding = { held: true, background };
		try {
			return await this.context.run(holding, work);
		} finally {
			// work it started and left running (a cache fill, say) takes a slot of its own from now on
			holding.held = false;
			if (background) this.backgroundRunning--;
			this.release();
		}
	}

	/** Runs `work` as background work: its reads yield to users' reads (see the class comment). */
	background<T>(work: () => Promise<T>): Promise<T> {
		return this.context.run({ held: false, background: true }, work);
	}

	/** A slot for a background read: at once when one is free, none runs and no user's read waits; else in its queue. */
	private async takeBackground(): Promise<void> {
		if (this.running < this.size && this.queue.length === 0 && this.backgroundRunning === 0) {
			this.running++;
			this.backgroundRunning++;
			return;
		}
		await new Promise<void>((resolve) => {
			let started = false;
			const take = () => {
				if (started) return;
				started = true;
				clearTimeout(timer);
				this.backgroundRunning++;
				resolve();
			};
			this.backgroundQueue.push(take);
			// passed over too long: it queues behind the users' reads waiting now, as one of them
			const timer = setTimeout(() => {
				const i = this.backgroundQueue.indexOf(take);
				if (i < 0) return;
				this.backgroundQueue.splice(i, 1);
				this.queue.push(take);
				this.release(false);
			}, BACKGROUND_MAX_WAIT_MS);
			timer.unref?.();
		});
	}

	/**
	 * A slot was freed (`freed`), or a waiter may start in a free one: it passes straight to the next user's
	 * read in line, so a newcomer cannot take it first; with none waiting, to a background read when none runs.
	 */
	private release(freed = true): void {
		if (!freed) {
			if (this.running >= this.size) return;
			this.running++;
		}
		const nextInLine = this.queue.shift() ?? (this.backgroundRunning === 0 ? this.backgroundQueue.shift() : undefined);
		if (nextInLine) nextInLine();
		else this.running--;
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
		return { running: this.running, waiting: this.queue.length + this.backgroundQueue.length };
	}
}
