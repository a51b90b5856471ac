import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import { METRICS, metricById, type MetricDef } from './catalog';
import type { Actor } from '$lib/server/core/auth/users';

/**
 * Targets per metric and scope, as the quality officers set them: one value in the metric's unit, kept
 * in `app_settings`. Chain-wide targets keep their original key `target:<metric id>`; a store's or a
 * department's target is `target:<metric id>@store:<name>` / `@department:<name>`. The value is the number
 * as text, or JSON `{"value": v, "warn": w}` when a warning band is set (w on the safe side of v: for
 * "lower" metrics w < v, for "higher" w > v; a value between w and v is 预警). A tile compares its value with
 * the target in the metric's direction (at most the target for complaint rates, at least for CSAT).
 * Every change is audited.
 */
const PREFIX = 'target:';

export interface Target {
	value: number;
	updatedAtMs: number;
	/** the warning band's edge, when set */
	warn?: number;
}

export const SCOPE_KINDS = ['all', 'store', 'department'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];
export interface TargetScope {
	kind: ScopeKind;
	/** the store or department; '' for all */
	name: string;
}
export interface ScopedTarget extends Target {
	metric: string;
	scope: TargetScope;
}

export function settingName(metricId: string, scope: TargetScope): string {
	return scope.kind === 'all' ? `${PREFIX}${metricId}` : `${PREFIX}${metricId}@${scope.kind}:${scope.name}`;
}

function parseName(name: string): { metric: string; scope: TargetScope } | null {
	const rest = name.slice(PREFIX.length);
	const at = rest.indexOf('@');
	if (at < 0) return { metric: rest, scope: { kind: 'all', name: '' } };
	const m = /^(store|department):(.+)$/su.exec(rest.slice(at + 1));
	return m ? { metric: rest.slice(0, at), scope: { kind: m[1] as ScopeKind, name: m[2]! } } : null;
}

function parseValue(text: string): { value: number; warn?: number } | null {
	const n = Number(text);
	if (text.trim() !== '' && Number.isFinite(n)) return { value: n };
	try {
		const j = JSON.parse(text) as { value?: unknown; warn?: unknown };
		if (typeof j.value !== 'number' || !Number.isFinite(j.value)) return null;
		return typeof j.warn === 'number' && Number.isFinite(j.warn) ? { value: j.value, warn: j.warn } : { value: j.value };
	} catch {
		return null;
	}
}

/** Every target, chain-wide and scoped, ordered by metric then scope. */
export async function readAllTargets(conn: DuckDBConnection): Promise<ScopedTarget[]> {
	const rows = await queryRows<{ name: string; value: string; at: number }>(
		conn,
		`SELECT name, value, epoch_ms(updated_at) AS at FROM app_settings WHERE starts_with(name, $1) ORDER BY name`,
		[PREFIX]
	);
	const out: ScopedTarget[] = [];
	for (const r of rows) {
		const key = parseName(r.name);
		const v = parseValue(r.value);
		if (key && v && metricById(key.metric)) out.push({ metric: key.metric, scope: key.scope, ...v, updatedAtMs: Number(r.at) });
	}
	return out;
}

/**
 * The target that applies to a view: the store's when the view is one store, else the department's
 * when it is one department, else the chain-wide one; null when none is set.
 */
export function targetFor(
	targets: readonly ScopedTarget[],
	metric: string,
	view: { stores?: readonly string[]; departments?: readonly string[] } = {}
): ScopedTarget | null {
	const of = (kind: ScopeKind, name: string) =>
		targets.find((t) => t.metric === metric && t.scope.kind === kind && t.scope.name === name) ?? null;
	if (view.stores?.length === 1) {
		const t = of('store', view.stores[0]!);
		if (t) return t;
	}
	if (view.departments?.length === 1) {
		const t = of('department', view.departments[0]!);
		if (t) return t;
	}
	return of('all', '');
}

/** The targets that apply to a view for some metrics (value only; null where none is set). */
export async function viewTargets(
	db: Database,
	metrics: readonly string[],
	view: { stores?: readonly string[]; departments?: readonly string[] }
): Promise<Record<string, number | null>> {
	const all = await db.withConnection((c) => readAllTargets(c));
	return Object.fromEntries(metrics.map((id) => [id, targetFor(all, id, view)?.value ?? null]));
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

/** The chain-wide targets, by metric (what the overview tiles show). */
export async function readTargets(conn: DuckDBConnection): Promise<Record<string, Target>> {
	const out: Record<string, Target> = {};
	for (const t of await readAllTargets(conn)) {
		if (t.scope.kind === 'all')
			out[t.metric] =
				t.warn === undefined
					? { value: t.value, updatedAtMs: t.updatedAtMs }
					: { value: t.value, updatedAtMs: t.updatedAtMs, warn: t.warn };
	}
	return out;
}

export type SaveTargetResult =
	{ ok: true; changed: boolean } | { ok: false; error: 'unknown_metric' | 'out_of_range' | 'warn_side' | 'scope' };

/** Sets (a number) or clears (null) a metric's chain-wide target; audited as 'settings_changed' with the old and new value. */
export function saveTarget(
	conn: DuckDBConnection,
	metricId: string,
	value: number | null,
	actor: Actor,
	now: number = Date.now()
): Promise<SaveTargetResult> {
	return saveScopedTarget(conn, { metric: metricId, scope: { kind: 'all', name: '' }, value }, actor, now);
}

/** Sets or clears (value null) the target of a metric for a scope, with an optional warning band; audited. */
export async function saveScopedTarget(
	conn: DuckDBConnection,
	t: { metric: string; scope: TargetScope; value: number | null; warn?: number | null },
	actor: Actor,
	now: number = Date.now()
): Promise<SaveTargetResult> {
	const metric = metricById(t.metric);
	if (!metric) return { ok: false, error: 'unknown_metric' };
	if (!SCOPE_KINDS.includes(t.scope.kind) || (t.scope.kind !== 'all' && !t.scope.name.trim())) return { ok: false, error: 'scope' };
	const { value } = t;
	const warn = value === null ? null : (t.warn ?? null);
	if (value !== null) {
		const { min, max } = targetBounds(metric);
		for (const v of warn === null ? [value] : [value, warn])
			if (!Number.isFinite(v) || v < min || v > max) return { ok: false, error: 'out_of_range' };
		if (warn !== null && (metric.direction === 'lower' ? warn >= value : warn <= value)) return { ok: false, error: 'warn_side' };
	}
	const name = settingName(t.metric, t.scope);
	const old = (await readAllTargets(conn)).find((x) => settingName(x.metric, x.scope) === name);
	const before = old?.value ?? null;
	const beforeWarn = old?.warn ?? null;
	if (before === value && beforeWarn === warn) return { ok: true, changed: false };
	if (value === null) await conn.run('DELETE FROM app_settings WHERE name = $1', [name]);
	else {
		const text = warn === null ? String(value) : JSON.stringify({ value, warn });
		await conn.run(
			`INSERT INTO app_settings (name, value, updated_at) VALUES ($1, $2, epoch_ms($3::BIGINT))
			 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			[name, text, now] as never
		);
	}
	const detail =
		warn === null && beforeWarn === null
			? { [name]: { from: before, to: value } }
			: { [name]: { from: before, to: value, warn_from: beforeWarn, warn_to: warn } };
	await audit(conn, { actor: actor.name, action: 'settings_changed', target: name, ip: actor.ip ?? null, detail }, now);
	return { ok: true, changed: true };
}

export const TARGETABLE = METRICS.map((m) => m.id);
