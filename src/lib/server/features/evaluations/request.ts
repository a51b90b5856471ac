import { queryRows, type Database } from '$lib/server/core/db';
import { CYCLES, isPeriodOf, type Cycle, type RankGroup } from '$lib/features/evaluations/model';
import { scopeSql } from './data';
import { scopeKey } from '$lib/server/core/db/store-scope';
import type { ViewRequest } from './view';

const GROUPS: readonly RankGroup[] = ['store', 'department', 'all'];

/** The stores with appraisals that a user may pick: their scope, or every store appraised. */
export async function appraisalStores(db: Database, scope: string[] | null): Promise<string[]> {
	const s = scopeSql(scope, 'store', 1);
	const rows = await db.keptUntilWrite(`appraised stores ${scopeKey(scope)}`, () =>
		db.withConnection((c) =>
			queryRows<{ store: string }>(c, `SELECT DISTINCT store FROM appraisals WHERE store IS NOT NULL AND ${s.sql}`, s.params)
		)
	);
	return rows.map((r) => r.store).sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

/**
 * The evaluation view a URL asks for: cycle (default quarter), period (checked later against the
 * periods with data), ranking group and stores — only stores among the options count (the guard has
 * already refused stores outside the user's scope).
 */
export function viewRequest(params: URLSearchParams, storeOptions: readonly string[]): ViewRequest {
	const c = params.get('cycle');
	const cycle: Cycle = c && (CYCLES as readonly string[]).includes(c) ? (c as Cycle) : 'quarter';
	const p = params.get('period');
	const g = params.get('group');
	const asked = new Set(params.getAll('store'));
	return {
		cycle,
		period: p && isPeriodOf(cycle, p) ? p : null,
		group: g && (GROUPS as readonly string[]).includes(g) ? (g as RankGroup) : 'store',
		stores: storeOptions.filter((s) => asked.has(s))
	};
}
