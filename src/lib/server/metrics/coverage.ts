import { queryRows, type Database } from '$lib/server/core/db';
import { schemas, type KindId } from '$lib/shared/schema';
import { periodCoverage, rangeCoverage, type PeriodCoverage } from '$lib/shared/dashboard/coverage';
import { periodsOf, type DateRange, type PeriodGrain } from '$lib/shared/dashboard/range';
import { metricById } from './catalog';
import type { SourceId } from './catalog/types';

/**
 * Where the data ends, the input of the coverage rule (shared/dashboard/coverage.ts): the last day
 * with rows of each kind, over every store. Over every store, not the user's: loads cover the chain,
 * and a store without a complaint on the last day has not lost its data for that day. A metric's data
 * ends where the first of the kinds it reads ends (a complaint rate needs complaints and traffic).
 */

const KINDS_OF: Record<SourceId, readonly KindId[]> = {
	complaints: ['complaints'],
	complaint_repeats: ['complaints'],
	complaint_days: ['complaints', 'traffic'],
	surveys: ['surveys'],
	survey_answers: ['surveys'],
	// an appraisal stands for its whole month, quarter or year: its rows do not end inside a period
	appraisals: []
};
const KINDS = ['complaints', 'traffic', 'surveys'] as const satisfies readonly KindId[];

const ends = new WeakMap<Database, { version: number; ends: Promise<Partial<Record<KindId, string | null>>> }>();

/** The last day with rows of each kind (null: none), cached per data version. */
export function dataEnds(db: Database): Promise<Partial<Record<KindId, string | null>>> {
	const hit = ends.get(db);
	if (hit && hit.version === db.dataVersion) return hit.ends;
	const read = db.withConnection(async (conn) => {
		const sql = KINDS.map(
			(k) => `(SELECT strftime(max(${schemas[k].dateColumn})::DATE, '%Y-%m-%d') FROM ${schemas[k].table}) AS ${k}`
		).join(', ');
		const [row] = await queryRows<Record<(typeof KINDS)[number], string | null>>(conn, `SELECT ${sql}`);
		return Object.fromEntries(KINDS.map((k) => [k, row?.[k] ?? null]));
	});
	ends.set(db, { version: db.dataVersion, ends: read });
	return read;
}

/** The last day the data behind some metrics reaches (the earliest of their kinds' ends), or null without data. */
export async function metricDataEnd(db: Database, metricIds: readonly string[]): Promise<string | null> {
	const all = await dataEnds(db);
	const days = metricIds
		.flatMap((id) => KINDS_OF[metricById(id)?.source ?? 'complaints'])
		.map((k) => all[k] ?? null)
		.filter((d): d is string => d !== null);
	return days.length ? days.reduce((a, b) => (a < b ? a : b)) : null;
}

/** Coverage of a range's periods for some metrics. */
export async function metricCoverage(
	db: Database,
	metricIds: readonly string[],
	range: DateRange,
	grain: PeriodGrain
): Promise<PeriodCoverage[]> {
	return periodCoverage(periodsOf(range, grain), grain, range, await metricDataEnd(db, metricIds));
}

/** Coverage of a whole range for some metrics. */
export async function metricRangeCoverage(db: Database, metricIds: readonly string[], range: DateRange): Promise<PeriodCoverage> {
	return rangeCoverage(range, await metricDataEnd(db, metricIds));
}
