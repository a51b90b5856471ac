import { queryRows, type DuckDBConnection } from './db';
import { audit } from './db/audit';
import { METRICS, metricById, type MetricDef } from './metrics/catalog';
import type { Actor } from './auth/users';

/**
 * Targets per metric (chain-wide), as the quality officers set them: one value in the metric's unit,
 * kept in `app_settings` under `target:<metric id>`. A tile compares its value with the target in the
 * metric's direction (at most the target for complaint rates, at least for CSAT). Every change is audited.
 */
const PREFIX = 'target:';

export interface Target {
	value: number;
	updatedAtMs: number;
}

/** The range a target may take in a metric's unit. */
export function targetBounds(metric: MetricDef): { min: number; max: number } {
	switch (metric.unit) {
		case 'percent':
			return { min: 0, max: 100 };
		case 'nps':
			return { min: -100, max: 100 };
		case 'score':
			return { min: 0, max: 100 };
		case 'permille':
			return { min: 0, max: 1000 };
		default:
			return { min: 0, max: 1e9 };
	}
}

export async function readTargets(conn: DuckDBConnection): Promise<Record<string, Target>> {
	const rows = await queryRows<{ name: string; value: string; at: number }>(conn, `SELECT name, value, epoch_ms(updated_at) AS at FROM app_settings WHERE starts_with(name, $1)`, [PREFIX]);
	const out: Record<string, Target> = {};
	for (const r of rows) {
		const id = r.name.slice(PREFIX.length);
		const value = Number(r.value);
		if (metricById(id) && Number.isFinite(value)) out[id] = { value, updatedAtMs: Number(r.at) };
	}
	return out;
}

export type SaveTargetResult = { ok: true; changed: boolean } | { ok: false; error: 'unknown_metric' | 'out_of_range' };

/** Sets (a number) or clears (null) a metric's target; audited as 'settings_changed' with the old and new value. */
export async function saveTarget(conn: DuckDBConnection, metricId: string, value: number | null, actor: Actor, now: number = Date.now()): Promise<SaveTargetResult> {
	const metric = metricById(metricId);
	if (!metric) return { ok: false, error: 'unknown_metric' };
	if (value !== null) {
		const { min, max } = targetBounds(metric);
		if (!Number.isFinite(value) || value < min || value > max) return { ok: false, error: 'out_of_range' };
	}
	const before = (await readTargets(conn))[metricId]?.value ?? null;
	if (before === value) return { ok: true, changed: false };
	const name = `${PREFIX}${metricId}`;
	if (value === null) await conn.run('DELETE FROM app_settings WHERE name = $1', [name]);
	else {
		await conn.run(
			`INSERT INTO app_settings (name, value, updated_at) VALUES ($1, $2, epoch_ms($3::BIGINT))
			 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			[name, String(value), now] as never
		);
	}
	await audit(conn, { actor: actor.name, action: 'settings_changed', target: name, ip: actor.ip ?? null, detail: { [name]: { from: before, to: value } } }, now);
	return { ok: true, changed: true };
}

export const TARGETABLE = METRICS.map((m) => m.id);
