import type { AuthUser } from '$lib/shared/auth/roles';
import { addDays, boundedRange, clampDay, currentDay, isIsoDay, periodStart, type DateRange } from '$lib/shared/dashboard/range';
import type { QcGrain } from '$lib/shared/quality/explain';
import { parseRules } from '$lib/shared/quality/spc';
import { queryRows, type Database } from '$lib/server/core/db';
import { evaluationRange } from './alerts';
import { isChartId, type LaneyMode, type QcChartId } from './charts';
import { scopeKey, storeScopeSql } from '$lib/server/core/db/store-scope';

/** The control-chart page's settings from the URL, each checked, with defaults. */
export interface QcParams {
	chart: QcChartId;
	grain: QcGrain;
	range: DateRange;
	store: string | null;
	rules: number[];
	laney: LaneyMode;
	baseline: { start: string; end: string } | null;
	/** the range asked for lay partly or wholly outside the bounds (or had too many weeks) and was cut */
	rangeAdjusted: boolean;
}

export async function lastDataDay(db: Database, stores: string[] | null): Promise<string | null> {
	const inScope = storeScopeSql(stores, 'store', 1);
	return db.keptUntilWrite(`last complaint or survey day ${scopeKey(stores)}`, () =>
		db.withConnection(async (c) => {
			const [row] = await queryRows<{ d: string | null }>(
				c,
				`SELECT strftime(greatest((SELECT max(received_at)::DATE FROM complaints WHERE ${inScope.sql}),
			                         (SELECT max(submitted_at)::DATE FROM surveys WHERE ${inScope.sql})), '%Y-%m-%d') AS d`,
				inScope.params
			);
			return row?.d ?? null;
		})
	);
}

/** The chart settings of a URL; the range cut to the request bounds and at most MAX_PERIODS periods of the grain. */
export function qcParams(url: URL, anchor: string, storeOptions: readonly string[], today = currentDay()): QcParams {
	const q = url.searchParams;
	const chart = isChartId(q.get('chart')) ? (q.get('chart') as QcChartId) : 'complaint_p';
	const grain: QcGrain = q.get('grain') === 'week' ? 'week' : 'month';
	anchor = clampDay(anchor, today);
	const def = grain === 'month' ? evaluationRange(anchor) : { from: periodStart(addWeeks(anchor, -51), 'week'), to: anchor };
	const from = q.get('from');
	const to = q.get('to');
	const { range, adjusted } = boundedRange(isIsoDay(from) && isIsoDay(to) && from <= to ? { from, to } : null, def, today, grain);
	const store = q.get('store');
	const laney = q.get('laney');
	const bs = q.get('bstart');
	const be = q.get('bend');
	return {
		chart,
		grain,
		range,
		store: store && storeOptions.includes(store) ? store : null,
		rules: parseRules(q.get('rules')),
		laney: laney === 'on' || laney === 'off' ? laney : 'auto',
		baseline: isIsoDay(bs) && isIsoDay(be) && bs <= be ? { start: periodStart(bs, grain), end: periodStart(be, grain) } : null,
		rangeAdjusted: adjusted
	};
}

const addWeeks = (day: string, n: number): string => addDays(day, n * 7);

/** The stores a user may see the charts of, for the guard's sake re-checked here. */
export function canSeeStore(user: AuthUser, store: string): boolean {
	return user.stores === null || user.stores.includes(store);
}
