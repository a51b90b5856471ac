import { z } from 'zod';
import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import type { Actor } from '$lib/server/core/auth/users';
import {
	DEFAULT_SETTINGS,
	DEFAULT_WEIGHT_RULES,
	EVAL_COMPONENTS,
	EVAL_DIMENSIONS,
	NO_COMPONENTS,
	type ComponentWeights,
	weightsValid,
	type EvalSettings,
	type WeightRule,
	type Weights
} from '$lib/features/evaluations/model';

/**
 * Evaluation settings in DuckDB (migration 4): weight rules per position with their history, and the
 * rest (grade bands, warning threshold, guideline, roll-up, star rule) as one JSON document. Leadership
 * edits them on /evaluations/settings; every change is audited as 'settings_changed'.
 */
const SETTINGS_NAME = 'evaluation';
/** every weight column of eval_weights: the dimensions, then the optional components (migration 14) */
const WEIGHT_COLUMNS = [...EVAL_DIMENSIONS, ...EVAL_COMPONENTS] as const;
const weightOf = (r: Record<string, unknown>, c: string) => Number(r[c] ?? 0);
const componentsOf = (r: Record<string, unknown>) =>
	Object.fromEntries(EVAL_COMPONENTS.map((c) => [c, weightOf(r, c)])) as ComponentWeights;

const pct = z.number().finite().min(0).max(100);
export const settingsSchema = z
	.object({
		bands: z.object({ A: pct, B: pct, C: pct }).refine((b) => b.A > b.B && b.B > b.C, 'bands must fall: A > B > C'),
		warningThreshold: pct,
		guidelineMaxA: pct.nullable(),
		guidelineMinCD: pct.nullable(),
		rollupMinMonths: z.object({ quarter: z.number().int().min(1).max(3), year: z.number().int().min(1).max(12) }),
		starMinTotal: pct,
		starMinCsat: pct,
		starMinResponses: z.number().int().min(0).max(10_000),
		swingPoints: z.number().finite().min(0).max(100),
		minGroupSize: z.number().int().min(1).max(1000),
		leniencyMinN: z.number().int().min(2).max(100_000)
	})
	.strict();

export interface EvalConfig {
	settings: EvalSettings;
	/** every rule, oldest first; DEFAULT_WEIGHT_RULES when none was ever set */
	rules: WeightRule[];
	updatedAtMs: number | null;
}

export async function readEvalConfig(conn: DuckDBConnection): Promise<EvalConfig> {
	const [s] = await queryRows<{ value: string; at: number }>(
		conn,
		'SELECT value::VARCHAR AS value, epoch_ms(updated_at) AS at FROM eval_settings WHERE name = $1',
		[SETTINGS_NAME]
	);
	const parsed = s ? settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(JSON.parse(s.value) as object) }) : null;
	const w = await queryRows<Record<string, unknown>>(
		conn,
		`SELECT position, effective_from, ${WEIGHT_COLUMNS.join(', ')}, epoch_ms(updated_at) AS at FROM eval_weights ORDER BY effective_from, position`
	);
	const rules: WeightRule[] = w.map((r) => ({
		position: String(r.position),
		effectiveFrom: String(r.effective_from),
		weights: Object.fromEntries(EVAL_DIMENSIONS.map((d) => [d, Number(r[d])])) as Weights,
		components: componentsOf(r)
	}));
	const times = [s?.at, ...w.map((r) => r.at as number)].filter((t): t is number => typeof t === 'number').map(Number);
	return {
		settings: parsed?.success ? parsed.data : DEFAULT_SETTINGS,
		rules: rules.length ? rules : DEFAULT_WEIGHT_RULES,
		updatedAtMs: times.length ? Math.max(...times) : null
	};
}

export type SaveResult = { ok: true; changed: boolean } | { ok: false; error: 'invalid' | 'weights_sum' | 'period' | 'position' };

export async function saveEvalSettings(conn: DuckDBConnection, input: unknown, actor: Actor, now = Date.now()): Promise<SaveResult> {
	const parsed = settingsSchema.safeParse(input);
	if (!parsed.success) return { ok: false, error: 'invalid' };
	const before = (await readEvalConfig(conn)).settings;
	if (JSON.stringify(before) === JSON.stringify(parsed.data)) return { ok: true, changed: false };
	await conn.run(
		`INSERT INTO eval_settings (name, value, updated_by, updated_at) VALUES ($1, $2::JSON, $3, epoch_ms($4::BIGINT))
		 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		[SETTINGS_NAME, JSON.stringify(parsed.data), actor.name, now] as never
	);
	const changed = Object.fromEntries(
		Object.keys(parsed.data)
			.filter((k) => JSON.stringify(before[k as keyof EvalSettings]) !== JSON.stringify(parsed.data[k as keyof EvalSettings]))
			.map((k) => [k, { from: before[k as keyof EvalSettings], to: parsed.data[k as keyof EvalSettings] }])
	);
	await audit(
		conn,
		{ actor: actor.name, action: 'settings_changed', target: 'evaluation:settings', ip: actor.ip ?? null, detail: changed },
		now
	);
	return { ok: true, changed: true };
}

/** Adds (or replaces, same position and month) a weight rule; older rules stay, so old periods keep their weights. */
export async function saveWeightRule(conn: DuckDBConnection, rule: WeightRule, actor: Actor, now = Date.now()): Promise<SaveResult> {
	if (!/^\d{4}-(0[1-9]|1[0-2])$/u.test(rule.effectiveFrom)) return { ok: false, error: 'period' };
	const position = rule.position.trim();
	if (!position || position.length > 50) return { ok: false, error: 'position' };
	const components = rule.components ?? NO_COMPONENTS;
	if (!weightsValid(rule.weights, components)) return { ok: false, error: 'weights_sum' };
	const to: Record<string, number> = { ...rule.weights, ...components };
	const [old] = await queryRows<Record<string, unknown>>(
		conn,
		`SELECT ${WEIGHT_COLUMNS.join(', ')} FROM eval_weights WHERE position = $1 AND effective_from = $2`,
		[position, rule.effectiveFrom]
	);
	const from = old ? Object.fromEntries(WEIGHT_COLUMNS.map((d) => [d, weightOf(old, d)])) : null;
	if (from && WEIGHT_COLUMNS.every((d) => from[d] === to[d])) return { ok: true, changed: false };
	const n = WEIGHT_COLUMNS.length;
	await conn.run(
		`INSERT INTO eval_weights (position, effective_from, ${WEIGHT_COLUMNS.join(', ')}, updated_by, updated_at)
		 VALUES ($1, $2, ${WEIGHT_COLUMNS.map((_, i) => `$${i + 3}`).join(', ')}, $${n + 3}, epoch_ms($${n + 4}::BIGINT))
		 ON CONFLICT (position, effective_from) DO UPDATE SET ${WEIGHT_COLUMNS.map((d) => `${d} = excluded.${d}`).join(', ')}, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		[position, rule.effectiveFrom, ...WEIGHT_COLUMNS.map((d) => to[d]), actor.name, now] as never
	);
	await audit(
		conn,
		{
			actor: actor.name,
			action: 'settings_changed',
			target: `evaluation:weights:${position}:${rule.effectiveFrom}`,
			ip: actor.ip ?? null,
			detail: { position, effective_from: rule.effectiveFrom, from, to }
		},
		now
	);
	return { ok: true, changed: true };
}
