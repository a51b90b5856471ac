import { queryRows, type Database } from '$lib/server/core/db';
import { schemas, type KindId } from '$lib/shared/schema';
import { periodCoverage, rangeCoverage, type DataSpan, type PeriodCoverage } from '$lib/shared/dashboard/coverage';
import { periodsOf, type DateRange, type PeriodGrain } from '$lib/shared/dashboard/range';
import { metricById } from './catalog';
import type { SourceId } from './catalog/types';

/**
 * Where the data begins and ends, the input of the coverage rule (shared/dashboard/coverage.ts): the
 * first and last day with rows of each kind, over every store. Over every store, not the user's: loads
 * cover the chain, and a store without a complaint on the last day has not lost its data for that day.
 * A metric's data spans what all the kinds it reads span (a complaint rate needs complaints and traffic).
 */

const KINDS_OF: Record<SourceId, readonly KindId[]> = {
	complaints: ['complaints'],
	complaint_repeats: ['complaints'],
	complaint_days: ['complaints', 'traffic'],
	surveys: ['surveys'],
	survey_answers: ['surveys'],
	// an appraisal stands for its whole month, quarter or year: its rows do not end inside a period
	appraisals: [],
	contacts: ['contacts'],
	contact_sequences: ['contacts'],
	contact_complaints: ['contacts'],
	inspections: ['inspections'],
	inspection_items: ['inspections']
};
const KINDS = ['complaints', 'traffic', 'surveys', 'contacts', 'inspections'] as const satisfies readonly KindId[];

type Spans = Partial<Record<KindId, DataSpan | null>>;
/** The first and last day with rows of each kind (null: none), kept until the next write. */
export function dataSpans(db: Database): Promise<Spans> {
	return db.keptUntilWrite('data spans', () =>
		db.withConnection(async (conn) => {
			const day = (f: 'min' | 'max', k: KindId) =>
				`(SELECT strftime(${f}(${schemas[k].dateColumn})::DATE, '%Y-%m-%d') FROM ${schemas[k].table})`;
			const sql = KINDS.map((k) => `${day('min', k)} AS ${k}_first, ${day('max', k)} AS ${k}_last`).join(', ');
			const [row] = await queryRows<Record<string, string | null>>(conn, `SELECT ${sql}`);
			return Object.fromEntries(
				KINDS.map((k) => {
					const [first, last] = [row?.[`${k}_first`] ?? null, row?.[`${k}_last`] ?? null];
					return [k, first && last ? { first, last } : null];
				})
			) as Spans;
		})
	);
}

/**
 * The days the data behind some metrics spans: from the latest of their kinds' first days to the
 * earliest of their last days; null when a kind they read has no rows (nothing is covered). Metrics
 * that read no dated kind (appraisals) are covered whenever asked.
 */
export async function metricDataSpan(db: Database, metricIds: readonly string[]): Promise<DataSpan | null> {
	const all = await dataSpans(db);
	let span: DataSpan = { first: '0000-01-01', last: '9999-12-31' };
	for (const k of metricIds.flatMap((id) => KINDS_OF[metricById(id)?.source ?? 'complaints'])) {
		const s = all[k];
		if (!s) return null;
		span = { first: s.first > span.first ? s.first : span.first, last: s.last < span.last ? s.last : span.last };
	}
	return span;
}

/** Coverage of a range's periods for some metrics. */
export async function metricCoverage(
	db: Database,
	metricIds: readonly string[],
	range: DateRange,
	grain: PeriodGrain
): Promise<PeriodCoverage[]> {
	return periodCoverage(periodsOf(range, grain), grain, range, await metricDataSpan(db, metricIds));
}

/** Coverage of a whole range for some metrics. */
export async function metricRangeCoverage(db: Database, metricIds: readonly string[], range: DateRange): Promise<PeriodCoverage> {
	return rangeCoverage(range, await metricDataSpan(db, metricIds));
}
