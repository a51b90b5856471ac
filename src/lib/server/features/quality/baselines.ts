import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import type { Actor } from '$lib/server/core/auth/users';

/**
 * Baselines of the control charts: the periods whose points set the centre line and limits. The default
 * is the first 12 points of the range; after a confirmed process change a quality officer sets a new one
 * (recorded with a reason, audited, never overwritten: the latest per chart, scope and grain applies).
 */
export interface Baseline {
	start: string;
	end: string;
	reason: string;
	createdBy: string;
	createdAtMs: number;
}

/** The latest baseline per scope ('' = all stores) of a chart and grain. */
export async function readBaselines(conn: DuckDBConnection, chart: string, grain: string): Promise<Map<string, Baseline>> {
	const rows = await queryRows<{ scope: string; start_period: string; end_period: string; reason: string; created_by: string; at: number }>(
		conn,
		`SELECT scope, start_period, end_period, reason, created_by, epoch_ms(created_at) AS at FROM qc_baselines
		 WHERE chart = $1 AND grain = $2 QUALIFY row_number() OVER (PARTITION BY scope ORDER BY created_at DESC) = 1`,
		[chart, grain]
	);
	return new Map(
		rows.map((r) => [
			r.scope,
			{ start: r.start_period, end: r.end_period, reason: r.reason, createdBy: r.created_by, createdAtMs: Number(r.at) }
		])
	);
}

export async function saveBaseline(
	conn: DuckDBConnection,
	b: { chart: string; scope: string; grain: string; start: string; end: string; reason: string },
	actor: Actor,
	now = Date.now()
): Promise<void> {
	await conn.run(
		`INSERT INTO qc_baselines (chart, scope, grain, start_period, end_period, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, epoch_ms($8::BIGINT))`,
		[b.chart, b.scope, b.grain, b.start, b.end, b.reason, actor.name, now] as never
	);
	await audit(
		conn,
		{
			actor: actor.name,
			action: 'qc_baseline_set',
			target: `${b.chart}/${b.grain}/${b.scope || '*'}`,
			ip: actor.ip ?? null,
			detail: { start: b.start, end: b.end, reason: b.reason }
		},
		now
	);
}
