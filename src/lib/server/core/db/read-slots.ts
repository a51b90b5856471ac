import { AsyncLocalStorage } from 'node:async_hooks';

/** What the work running in an async context holds: a slot (until released), or the write lock; and whether it is background work. */
interface Holding {
	held: boolean;
	background?: boolean;
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
 *
 * Reads of `background` work (what the server computes ahead after a commit: the 总览 views most users open)
 * run one at a time, so users' reads always have the other slots: a page opened just after a load no longer
 * queues behind some twenty background queries at once. (The alert evaluation is not background work: alerts
 * are to reach their owners soon after the load that raised them.) Otherwise they take their turn as users' reads
 * do, first come first served — never passed over. A user's request that joins a background query already
 * asked (the metric cache and FCR's live day share identical queries) lets it go without waiting for its turn
 * (`onWait`), so the page does not wait for the background queries one at a time either. (Passing background
 * reads over while users wait inverted priorities through those shared queries: a page waited on background
 * reads that waited for the page.)
 */
export class ReadSlots {
	private running = 0;
	private readonly queue: (() => void)[] = [];
	/** background reads waiting for their turn, and whether one has it (running or in the queue) */
	private readonly backgroundQueue: (() => void)[] = [];
	private backgroundTurn = false;
	private readonly context = new AsyncLocalStorage<Holding>();

	constructor(readonly size: number) {
		if (!Number.isInteger(size) || size < 1) throw new Error(`read slots: ${size} is not a positive whole number`);
	}

	/**
	 * Runs `work` in a slot (waiting in turn for one when all are taken); the slot is freed however it ends.
	 * `onWait`: for a background read that waits for its turn, a function that lets it go without (a user's
	 * request joined it: see the class comment).
	 */
	async run<T>(work: () => Promise<T>, onWait?: (promote: () => void) => void): Promise<T> {
		const store = this.context.getStore();
		if (store?.held) return work();
		const background = store?.background === true;
		const turn = background && (await this.takeTurn(onWait));
		try {
			if (this.running < this.size) this.running++;
			else await new Promise<void>((take) => this.queue.push(take));
			const holding: Holding = { held: true, background };
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
		} finally {
			if (turn) this.passTurn();
		}
	}

	/** Whether the work running here is background work. */
	get inBackground(): boolean {
		return this.context.getStore()?.background === true;
	}

	/** Runs `work` as background work: its reads run one at a time (see the class comment). */
	background<T>(work: () => Promise<T>): Promise<T> {
		return this.context.run({ held: false, background: true }, work);
	}

	/**
	 * The background reads' turn: at once when no other background read has it, else after those waiting (true);
	 * or, promoted while waiting, none (false): it then queues for a slot as a user's read does.
	 */
	private takeTurn(onWait?: (promote: () => void) => void): Promise<boolean> {
		if (!this.backgroundTurn) {
			this.backgroundTurn = true;
			return Promise.resolve(true);
		}
		return new Promise<boolean>((resolve) => {
			const take = () => resolve(true);
			this.backgroundQueue.push(take);
			onWait?.(() => {
				const i = this.backgroundQueue.indexOf(take);
				if (i < 0) return;
				this.backgroundQueue.splice(i, 1);
				resolve(false);
			});
		});
	}

	private passTurn(): void {
		const next = this.backgroundQueue.shift();
		if (next) next();
		else this.backgroundTurn = false;
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
