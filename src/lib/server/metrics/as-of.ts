import { queryRows, type Database } from '$lib/server/core/db';
import { KINDS, schemas, type KindId } from '$lib/shared/schema';
import { registerNow } from './compile';

/**
 * "As of": the time the data describes, not the wall clock. A register exported on 30 December describes
 * 30 December: a complaint still open in it is as old as it was then, and its SLA is judged then, however
 * long ago the file was loaded. So SLA compliance and backlog ages (`$now` in the catalog) are computed at
 * the complaint register's snapshot, which every page names as 数据截至 …:
 *
 * - the day the latest committed complaints batch gives with `--as-of` (recorded on the batch), else
 * - the last day of the complaints on record;
 * - at the end of that day (23:59:59, register wall-clock), or at this minute when that day is today.
 *
 * Freshness is the other clock: a kind whose last load is older than its usual cadence (`CADENCE_DAYS`,
 * against the wall clock) is named on every page as not updated for N days.
 */

/** How many days may pass between two loads of a kind before the pages (and the daily notice) say it is late. */
export const CADENCE_DAYS: Readonly<Record<KindId, number>> = {
	complaints: 2,
	surveys: 3,
	traffic: 3,
	appraisals: 40,
	staff: 40,
	contacts: 2,
	inspections: 7
};

const DAY_MS = 86_400_000;

export interface KindFreshness {
	kind: KindId;
	/** the last committed load, epoch ms */
	lastLoadMs: number;
	/** whole days since that load, when more than the kind's cadence; else null */
	staleDays: number | null;
}

export interface DataAsOf {
	/** the complaint register's snapshot day, YYYY-MM-DD (null: no complaints on record) */
	asOf: string | null;
	/** every kind loaded at least once */
	kinds: KindFreshness[];
}

interface Snapshot {
	asOf: string | null;
	loads: { kind: KindId; last_ms: number }[];
}

/** Kept until the next write: a load or a rollback may move the snapshot. */
function snapshot(db: Database): Promise<Snapshot> {
	return db.keptUntilWrite('as-of snapshot', () =>
		db.withConnection(async (conn) => {
			const complaints = schemas.complaints;
			const [row] = await queryRows<{ as_of: string | null }>(
				conn,
				`SELECT strftime(coalesce(
			   (SELECT as_of FROM batches WHERE kind = 'complaints' AND status = 'committed' ORDER BY finished_at DESC, batch_id DESC LIMIT 1),
			   (SELECT max(${complaints.dateColumn})::DATE FROM ${complaints.table})), '%Y-%m-%d') AS as_of`
			);
			// stored in the database's local time (now()::TIMESTAMP), hence the cast back to an instant
			const loads = await queryRows<{ kind: KindId; last_ms: number }>(
				conn,
				`SELECT kind, epoch_ms(max(finished_at)::TIMESTAMPTZ) AS last_ms FROM batches WHERE status = 'committed' GROUP BY kind`
			);
			return { asOf: row?.as_of ?? null, loads: loads.map((l) => ({ kind: l.kind, last_ms: Number(l.last_ms) })) };
		})
	);
}

/** Whole days a kind's last load is late by, against its cadence: null when on time. */
export function staleDays(kind: KindId, lastLoadMs: number, now: number): number | null {
	const days = Math.floor((now - lastLoadMs) / DAY_MS);
	return now - lastLoadMs > CADENCE_DAYS[kind] * DAY_MS ? days : null;
}

/** What the pages say about the data's time: its as-of day and, per kind, whether its loads are late. */
export async function dataAsOf(db: Database, now: number = Date.now()): Promise<DataAsOf> {
	const s = await snapshot(db);
	const order = (k: KindId) => KINDS.indexOf(k);
	return {
		asOf: s.asOf,
		kinds: s.loads
			.map((l) => ({ kind: l.kind, lastLoadMs: l.last_ms, staleDays: staleDays(l.kind, l.last_ms, now) }))
			.sort((a, b) => order(a.kind) - order(b.kind))
	};
}

/** The "now" of SLA breaches and backlog ages: 'YYYY-MM-DD HH:MM:SS', register wall-clock (see above). */
export async function metricsAsOf(db: Database, now: Date = new Date()): Promise<string> {
	const { asOf } = await snapshot(db);
	const thisMinute = `${registerNow(now).slice(0, 16)}:00`;
	if (asOf === null || asOf >= thisMinute.slice(0, 10)) return thisMinute;
	return `${asOf} 23:59:59`;
}
