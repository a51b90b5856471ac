import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { building, dev } from '$app/environment';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { authHandle } from '$lib/server/core/auth/handle';
import { compressHandle } from '$lib/server/core/http/compress';
import { phoneHasher } from '$lib/server/core/db/phone-hash';
import { closeDatabase, getDatabase, onDatabase } from '$lib/server/core/db/process';
import { evaluationSettled, scheduleEvaluation } from '$lib/server/features/quality/alerts';
import { publishHandoff } from '$lib/server/core/db/handoff-server';
import { log } from '$lib/server/core/log';
import { logServerError, requestLogHandle } from '$lib/server/core/http/request-log';
import { applyRetentionAtStart } from '$lib/server/features/admin/retention';
import { compactAfterWrites, ensureRollups, rebuildLeftKinds } from '$pipelines/rollups/maintain';
import { contactLimits } from '$lib/server/metrics/contact-limits';
import { installGracefulShutdown, isStopping } from '$lib/server/core/http/shutdown';
import { config } from '$lib/server/core/config';
import { startScheduler } from '$lib/server/features/notifications/scheduler';
import { deliveriesSettled } from '$lib/server/features/notifications/deliveries';
import { scheduleWarmUp, warmUpSettled } from '$lib/server/features/overview/warm-up';

let scheduler: { stop(): void } | null = null;

// Quality alerts are evaluated once at opening (loads made by the CLI while no server ran) and again whenever
// write work under the lock ends — a committed batch, a rollback.
onDatabase({
	opened: (db) => {
		db.onWritesDone(() => scheduleEvaluation(db));
		scheduleEvaluation(db);
	},
	beforeClose: evaluationSettled
});
// The 总览 views most users open are computed ahead, at opening and after every write (DASHBOARD_WARMUP_STORES).
onDatabase({
	opened: (db) => {
		db.onWritesDone(() => scheduleWarmUp(db));
		scheduleWarmUp(db);
	},
	beforeClose: (db) => warmUpSettled(db, true)
});
// A big load or rollback leaves its kind's rollups to be rebuilt after its commit: rebuilt then, in the background.
let rebuilding: Promise<unknown> = Promise.resolve();
let compacting: ReturnType<typeof setTimeout> | null = null;
onDatabase({
	opened: (db) => {
		// the periods writes split folded, one row a key (no answer changes: a failure only leaves them split)
		const compact = () =>
			compactAfterWrites(db).then(
				(removed) => removed && log('rollups').info(removed, 'rollup rows compacted after writes'),
				(e: unknown) => log('rollups').warn({ err: e }, 'could not compact the rollup rows writes split; they are read as they are')
			);
		// the compaction some seconds after the last write (ROLLUP_COMPACT_AFTER_MS), once users' next views after a commit
		// (all new) and the 总览 warm-up have had the cores; a write meanwhile puts it off again
		const compactLater = () => {
			if (compacting) clearTimeout(compacting);
			compacting = setTimeout(() => {
				compacting = null;
				rebuilding = Promise.all([rebuilding, compact()]);
			}, config().rollupCompactAfterMs);
			compacting.unref();
		};
		db.onWritesDone(() => {
			const next = rebuildLeftKinds(db).then(
				(built) => built && log('rollups').info({ ...built.tables, ms: built.ms }, 'rollups rebuilt after a big write'),
				(e: unknown) => log('rollups').error({ err: e }, 'could not rebuild the rollups after a big write; metrics read raw rows')
			);
			rebuilding = Promise.all([rebuilding, next]);
			void next.then(compactLater);
		});
		// what writes without the server split (a command-line load with the file to itself) is compacted at start
		// (a kind such a write left to a rebuild is rebuilt by the start-up's ensureRollups)
		rebuilding = Promise.all([rebuilding, compact()]);
	},
	beforeClose: () => {
		// (a compaction not yet begun is left to the next start)
		if (compacting) clearTimeout(compacting);
		compacting = null;
		return rebuilding.then(() => undefined);
	}
});
// Deliveries: the scheduler stops and a run in progress ends before the database closes.
onDatabase({
	opened: () => undefined,
	beforeClose: async (db) => {
		scheduler?.stop();
		await deliveriesSettled(db);
	}
});

export const init: ServerInit = async () => {
	if (building) return;
	// every setting checked before anything starts: a bad value stops the server with what is wrong
	config();
	// Open (and migrate) the database at start, so a bad file fails loudly before the first request.
	const db = await getDatabase();
	// Create the phone-hash key beside the database on first start, or refuse to run with the wrong one.
	await phoneHasher(db);
	// Apply the saved retention limit once (no timers: later runs are an admin's "apply now" or the next
	// start). A failure is logged, not fatal: the dashboard stays up and the admin can apply it by hand.
	try {
		await applyRetentionAtStart(db);
	} catch (e) {
		log('retention').error({ err: e }, 'could not apply the retention limit at start');
	}
	// Rollups missing (a database loaded before they existed), or contact rollups counted with other contact
	// limits than those in force, are built in the background; until then those metrics read raw rows, so
	// answers are the same, only slower.
	void contactLimits(db)
		.then((limits) => ensureRollups(db, limits))
		.then(
			(built) => built && log('rollups').info({ ...built.tables, ms: built.ms }, 'rollups built at start'),
			(e: unknown) => log('rollups').error({ err: e }, 'could not build the rollups at start; metrics read raw rows')
		);
	// Reports and alerts go out on their schedules (NOTIFY_SCHEDULER=off: only `npm run notify -- run-due`).
	if (config().notify.scheduler) scheduler = startScheduler(db, config().notify.timeZone);
	if (!dev) {
		publishHandoff(config().port);
		log('server').info(
			{
				port: config().port,
				database: db.path,
				node: process.version,
				threadpool: config().threadpool
			},
			'server started'
		);
		process.once('sveltekit:shutdown' as 'exit', () => log('server').info('server stopping'));
		// SIGTERM/SIGINT: a running load gets a bounded time, then is rolled back; the file is checkpointed and closed
		installGracefulShutdown(getDatabase(), closeDatabase);
	}
};

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

// While the server stops, an answer (an upload's summary, typically) closes its connection: a kept-alive
// connection would otherwise hold the shutdown until SHUTDOWN_TIMEOUT cuts it.
const closeWhenStopping: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (isStopping()) {
		try {
			response.headers.set('connection', 'close');
		} catch {
			/* immutable headers: the connection closes at SHUTDOWN_TIMEOUT instead */
		}
	}
	return response;
};

// i18n first, so the auth step answers in the request's language; auth before any route code runs;
// compression outermost, so it sees the final answer (security headers included).
// request logging outermost of all, so it records the status and time of what is finally sent; while
// stopping, answers close their connection.
export const handle: Handle = sequence(requestLogHandle, closeWhenStopping, compressHandle, i18n, authHandle);
export const handleError = logServerError;
