import type { Database } from '$lib/server/core/db';
import { log } from '$lib/server/core/log';
import { config } from '$lib/server/core/config';

/**
 * Stopping the server (SIGTERM or SIGINT) without losing or half-writing a load.
 *
 * adapter-node stops taking connections at the signal, lets requests in flight finish, cuts the
 * connections still open after SHUTDOWN_TIMEOUT (default 30 s) and then emits 'sveltekit:shutdown'.
 * A load running at the signal gets SHUTDOWN_LOAD_GRACE seconds (default 20, kept under
 * SHUTDOWN_TIMEOUT so its uploader is still connected) to commit; past that it is interrupted and rolled
 * back, its batch recorded as 'aborted' (shutdown), and the uploader answered 503 with a message. At
 * 'sveltekit:shutdown' any write work still there is aborted the same way, the database is checkpointed
 * (the next start replays no WAL) and closed, and the process exits 0.
 */
let stopping = false;

/** Whether the server has been told to stop: answers then close their connection (see `handle`). */
export const isStopping = () => stopping;

export function installGracefulShutdown(db: Promise<Database>, close: () => Promise<void>): void {
	const grace = config().shutdownLoadGraceS;
	let timer: NodeJS.Timeout | null = null;
	const onSignal = (signal: NodeJS.Signals) => {
		if (timer) return;
		stopping = true;
		log('server').info({ signal, grace_s: grace }, 'stopping: a running load has its grace time to finish');
		timer = setTimeout(() => void db.then((d) => d.abortWrites('shutdown')), grace * 1000);
		timer.unref();
	};
	process.once('SIGTERM', onSignal);
	process.once('SIGINT', onSignal);
	process.once('sveltekit:shutdown' as 'exit', () => {
		if (timer) clearTimeout(timer);
		void db
			.then((d) => d.abortWrites('shutdown'))
			.then(close)
			.then(
				() => process.exit(0),
				(e: unknown) => {
					log('server').error({ err: e }, 'closing the database failed');
					process.exit(1);
				}
			);
	});
}
