import { config } from '$lib/server/core/config';
import { log } from '$lib/server/core/log';
import { rangeRequest, type DateRange } from '$lib/shared/dashboard/range';
import { queryRows, type Database } from '$lib/server/core/db';
import { dashboardData, lastComplaintDay, rangeAnchor } from './dashboard';

/**
 * After write work ends (a batch committed, a rollback) and when the database opens, the 总览 views most
 * users open are computed in the background, so that the first viewer finds them in the metric result
 * cache instead of waiting for some twenty queries: the view of every store, then each store's own view
 * (what its manager opens), largest stores first, at most DASHBOARD_WARMUP_STORES of them, each on the
 * range the page opens with. One view at a time with a pause between them, so users' requests go first;
 * it stops as soon as write work is pending or the data changed (the end of that write starts it again).
 */

/** A view computed in advance: whose stores (null = every store) and over which days. */
export interface WarmView {
	scope: string[] | null;
	range: DateRange;
}

/** Between two views: users' requests queued meanwhile run first. */
const PAUSE_MS = 50;

interface Run {
	promise: Promise<void>;
	again: boolean;
	stopped: boolean;
}
const runs = new WeakMap<Database, Run>();
const lastWarmed = new WeakMap<Database, { version: number; views: WarmView[] }>();

/** Starts a warm-up, or asks the one running to start over once it ends (the data changed meanwhile). */
export function scheduleWarmUp(db: Database, stores = config().warmUpStores): void {
	if (stores <= 0 || !config().metricCache) return;
	const current = runs.get(db);
	if (current) {
		current.again = true;
		return;
	}
	const run: Run = { promise: Promise.resolve(), again: false, stopped: false };
	const loop = async () => {
		do {
			run.again = false;
			const version = db.dataVersion;
			try {
				// background work: its reads give way to users' (core/db/read-slots.ts)
				const views = await db.background(() =>
					warmUp(db, stores, () => !run.stopped && db.writesPending === 0 && db.dataVersion === version)
				);
				lastWarmed.set(db, { version, views });
			} catch (e) {
				log('overview').warn({ err: e }, 'dashboard warm-up failed');
			}
		} while (run.again && !run.stopped);
		runs.delete(db);
	};
	runs.set(db, run);
	run.promise = loop();
}

/** Waits for a warm-up to end (tests); with `stop`, asks it to stop first (before the database closes). */
export async function warmUpSettled(db: Database, stop = false): Promise<void> {
	for (let run = runs.get(db); run; run = runs.get(db)) {
		if (stop) run.stopped = true;
		await run.promise;
	}
}

/** The views the last finished warm-up computed, and the data version they are of. */
export function lastWarmUp(db: Database): { version: number; views: WarmView[] } | null {
	return lastWarmed.get(db) ?? null;
}

async function warmUp(db: Database, stores: number, current: () => boolean): Promise<WarmView[]> {
	const views: WarmView[] = [];
	if (!current()) return views;
	// as the page does (routes/dashboard/+page.server.ts): no filters, the range it opens with, anchored on the
	// chain's data end whatever the user's stores
	const anchor = await rangeAnchor(db, 'complaints');
	if ((await lastComplaintDay(db, null)) === null) return views;
	const { range } = rangeRequest(new URLSearchParams(), anchor);
	for (const scope of [null, ...(await largestStores(db, stores)).map((s) => [s])]) {
		if (!current()) break;
		// the page's own read beside its metrics (the last day in the user's stores, kept until the next write) too
		await lastComplaintDay(db, scope);
		await dashboardData(db, { range, stores: [], scope });
		views.push({ scope, range });
		await new Promise((r) => setTimeout(r, PAUSE_MS));
	}
	return views;
}

/** The stores with the most complaints (their views take longest to compute). */
async function largestStores(db: Database, limit: number): Promise<string[]> {
	const rows = await db.withConnection((conn) =>
		queryRows<{ store: string }>(conn, `SELECT store FROM complaints GROUP BY store ORDER BY count(*) DESC, store LIMIT $1`, [limit])
	);
	return rows.map((r) => r.store);
}
