import { queryRows, type Database } from '$lib/server/core/db';
import { listBatches, type BatchRow } from '$pipelines/batches';
import { KINDS, schemas, type KindId } from '$lib/shared/schema';
import { storeScopeSql } from '$lib/server/core/db/store-scope';
import { displayTime, instantMs } from '$lib/server/core/time';

export interface KindCoverage {
	kind: KindId;
	rows: number;
	/** first and last day covered, YYYY-MM-DD, null when empty */
	from: string | null;
	to: string | null;
	last_loaded_at: string | null;
}

/** Where a row stands for a span (an appraisal covers its whole month, quarter or year), coverage ends at the span's last day. */
const COVERAGE_END: Partial<Record<KindId, string>> = {
	appraisals:
		"max(period_start + CASE period_type WHEN 'month' THEN INTERVAL 1 MONTH WHEN 'quarter' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END - INTERVAL 1 DAY)"
};

/** Per source kind: how many rows, which days they cover, when the last load was — within the user's stores (null = all). */
export async function kindCoverage(db: Database, stores: string[] | null): Promise<KindCoverage[]> {
	return db.withConnection(async (conn) => {
		const out: KindCoverage[] = [];
		const inScope = storeScopeSql(stores, 'store', 1);
		for (const kind of KINDS) {
			const s = schemas[kind];
			const [row] = await queryRows<{ rows: number; from: string | null; to: string | null }>(
				conn,
				`SELECT count(*) AS rows, strftime(min(${s.dateColumn})::DATE, '%Y-%m-%d') AS "from", strftime((${COVERAGE_END[kind] ?? `max(${s.dateColumn})`})::DATE, '%Y-%m-%d') AS "to" FROM ${s.table}
				 WHERE ${inScope.sql}`,
				inScope.params
			);
			const [last] = await queryRows<{ at: number | null }>(
				conn,
				`SELECT ${instantMs('max(finished_at)')} AS at FROM batches WHERE kind = $1 AND status = 'committed'`,
				[kind]
			);
			const at = last?.at ?? null;
			out.push({
				kind,
				rows: row?.rows ?? 0,
				from: row?.from ?? null,
				to: row?.to ?? null,
				last_loaded_at: at === null ? null : displayTime(at)
			});
		}
		return out;
	});
}

/** The home page: coverage for everyone, the load history only for those who may load (it names people and files). */
export async function overview(
	db: Database,
	stores: string[] | null,
	withBatches: boolean
): Promise<{ coverage: KindCoverage[]; batches: BatchRow[] | null }> {
	const [coverage, batches] = await Promise.all([kindCoverage(db, stores), withBatches ? listBatches(db, 20, stores) : null]);
	return { coverage, batches };
}
