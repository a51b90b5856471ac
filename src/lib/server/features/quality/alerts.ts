import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';

/** A store scope as a bound list (null = every store). */
import { audit } from '$lib/server/core/db/audit';
import type { Actor } from '$lib/server/core/auth/users';
import { metricById, SOURCES } from '$lib/server/metrics/catalog';
import { queryMetric } from '$lib/server/metrics/query';
import { num } from '$lib/server/features/overview/dashboard';
import { readAllTargets, type ScopedTarget } from '$lib/server/metrics/targets';
import { periodStart, type DateRange } from '$lib/shared/dashboard/range';
import { lastCompleteDay } from '$lib/shared/dashboard/coverage';
import { meetsTarget } from '$lib/shared/dashboard/targets';
import { DEFAULT_RULES, latestSignals } from '$lib/shared/quality/spc';
import { controlCharts, type QcChartId } from './charts';
import { log } from '$lib/server/core/log';
import { storeScopeSql } from '$lib/server/core/db/store-scope';
import { alertSeverity, alertTexts, type AlertFacts, type AlertSeverity } from './alert-text';

/**
 * Alerts: a control-chart signal on the latest period, or a target missed in the latest month, becomes
 * one row of `qc_alerts` — once: its key (what, where, which period, which rule) is unique, so evaluating
 * again (every committed batch, every "evaluate now") never duplicates it. Alerts have an owner, a
 * status (new / in progress / closed) and a note of the action taken; every change is audited.
 */
export const ALERT_STATUSES = ['new', 'in_progress', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The charts alerts watch (the u-chart shows the same complaints as the p-chart and would only repeat it). */
export const ALERT_CHARTS: readonly QcChartId[] = [
	'complaint_p',
	'csat_p',
	'csat_mean_xmr',
	'response_xmr',
	'service_level_p',
	'answer_rate_p',
	'fcr_p',
	'aht_xmr',
	'asa_xmr',
	'qa_pass_p',
	'qa_fatal_p'
];
export const ALERT_GRAIN = 'month' as const;
/** Months of history the evaluation's charts cover (the first 12 are the default baseline). */
export const ALERT_MONTHS = 24;

/** A row of qc_alerts: what the alert is about (AlertFacts: kind, metric, scope, period, rule, numbers) and its handling. */
export interface AlertRow extends AlertFacts {
	alert_id: number;
	chart: string | null;
	/** written afresh from the stored numbers when read (alert-text.ts), so old alerts read like new ones */
	message_zh: string;
	message_en: string;
	severity: AlertSeverity;
	status: AlertStatus;
	owner: string | null;
	note: string | null;
	created_ms: number;
	updated_ms: number;
	closed_ms: number | null;
}

interface NewAlert extends AlertFacts {
	key: string;
	chart: string | null;
	zh: string;
	en: string;
}

/**
 * The last day with complaints, survey answers or contacts. The evaluation's latest period is the last month the
 * data fully covers (`lastCompleteDay`): a month the data ends inside is never the basis of an alert.
 */
async function lastDataDay(conn: DuckDBConnection): Promise<string | null> {
	const [row] = await queryRows<{ d: string | null }>(
		conn,
		`SELECT strftime(greatest((SELECT max(received_at)::DATE FROM complaints), (SELECT max(submitted_at)::DATE FROM surveys),
			(SELECT max(arrived_at)::DATE FROM contacts)), '%Y-%m-%d') AS d`
	);
	return row?.d ?? null;
}

export function evaluationRange(lastDay: string): DateRange {
	const end = periodStart(lastDay, 'month');
	const [y, m] = end.split('-').map(Number) as [number, number];
	const startMonth = new Date(Date.UTC(y, m - 1 - (ALERT_MONTHS - 1), 1)).toISOString().slice(0, 10);
	return { from: startMonth, to: lastDay };
}

async function signalAlerts(db: Database, range: DateRange): Promise<NewAlert[]> {
	const out: NewAlert[] = [];
	for (const chart of ALERT_CHARTS) {
		const set = await controlCharts(db, { chart, grain: ALERT_GRAIN, range, scope: null, rules: DEFAULT_RULES, laney: 'auto' });
		for (const c of set.charts) {
			for (const s of latestSignals(c.chart)) {
				const pt = c.chart.points[s.index]!;
				const where = c.store ?? '';
				const limit = s.rule === 1 ? (s.side === 'above' ? pt.ucl : pt.lcl) : c.chart.centre;
				const facts = {
					kind: 'signal',
					metric: set.metric.id,
					scope_kind: c.store === null ? 'all' : 'store',
					scope: where,
					grain: ALERT_GRAIN,
					period: pt.period,
					rule: s.rule,
					value: pt.value,
					limit_value: limit
				} as const;
				out.push({ key: `signal|${chart}|${where}|${ALERT_GRAIN}|${pt.period}|${s.rule}`, chart, ...facts, ...alertTexts(facts) });
			}
		}
	}
	return out;
}

/** The value of a target's metric for its scope over one month (null when the scope cannot filter that metric). */
export async function targetValue(db: Database, t: Pick<ScopedTarget, 'metric' | 'scope'>, range: DateRange): Promise<number | null> {
	const metric = metricById(t.metric);
	if (!metric) return null;
	const filters: Record<string, string[]> = {};
	if (t.scope.kind !== 'all') {
		if (!(SOURCES[metric.source].filters as readonly string[]).includes(t.scope.kind)) return null;
		filters[t.scope.kind] = [t.scope.name];
	}
	const r = await queryMetric(db, { metric: t.metric, from: range.from, to: range.to, grain: 'all', filters, scope: null });
	return num(r.rows[0]?.value);
}

async function targetAlerts(db: Database, conn: DuckDBConnection, lastDay: string): Promise<NewAlert[]> {
	const month = { from: periodStart(lastDay, 'month'), to: lastDay };
	const out: NewAlert[] = [];
	for (const t of await readAllTargets(conn)) {
		const metric = metricById(t.metric)!;
		const value = await targetValue(db, t, month);
		if (meetsTarget(value, t.value, metric.direction) !== false) continue;
		const facts = {
			kind: 'target',
			metric: t.metric,
			scope_kind: t.scope.kind,
			scope: t.scope.name,
			grain: 'month',
			period: month.from,
			rule: null,
			value,
			limit_value: t.value
		} as const;
		out.push({
			key: `target|${t.metric}|${t.scope.kind}:${t.scope.name}|month|${month.from}`,
			chart: null,
			...facts,
			...alertTexts(facts)
		});
	}
	return out;
}

/**
 * Evaluates every watched chart and target on the latest data and records new alerts (existing keys are
 * left alone). Returns how many were created. Runs outside the write lock: alerts are not source data,
 * and writing them must not change the data version that caches are keyed by.
 */
export async function evaluateAlerts(db: Database, now = Date.now()): Promise<{ created: number; checked: number }> {
	return db.withConnection(async (conn) => {
		const dataEnd = await lastDataDay(conn);
		if (!dataEnd) return { created: 0, checked: 0 };
		const lastDay = lastCompleteDay(dataEnd, ALERT_GRAIN);
		const candidates = [...(await signalAlerts(db, evaluationRange(lastDay))), ...(await targetAlerts(db, conn, lastDay))];
		let created = 0;
		for (const a of candidates) {
			const reader = await conn.runAndReadAll(
				`INSERT INTO qc_alerts (alert_id, alert_key, kind, chart, metric, scope_kind, scope, grain, period, rule, value, limit_value, message_zh, message_en, status, created_at, updated_at)
				 SELECT nextval('qc_alert_id_seq'), $1, $2, $3, $4, $5, $6, 'month', $7, $8, $9, $10, $11, $12, 'new', epoch_ms($13::BIGINT), epoch_ms($13::BIGINT)
				 WHERE NOT EXISTS (SELECT 1 FROM qc_alerts WHERE alert_key = $1) RETURNING alert_id`,
				[a.key, a.kind, a.chart, a.metric, a.scope_kind, a.scope, a.period, a.rule, a.value, a.limit_value, a.zh, a.en, now] as never
			);
			created += reader.getRows().length;
		}
		return { created, checked: candidates.length };
	});
}

/** One evaluation at a time per database; a request during a run asks for one more run after it. */
const running = new WeakMap<Database, { promise: Promise<unknown>; again: boolean }>();

export function scheduleEvaluation(db: Database): void {
	const state = running.get(db);
	if (state) {
		state.again = true;
		return;
	}
	const entry = { promise: Promise.resolve() as Promise<unknown>, again: false };
	const loop = async () => {
		do {
			entry.again = false;
			await evaluateAlerts(db).catch((e: unknown) => log('quality').error({ err: e }, 'alert evaluation failed'));
		} while (entry.again);
		running.delete(db);
	};
	running.set(db, entry);
	entry.promise = loop();
}

/** Waits for a scheduled evaluation to finish (tests, "evaluate now"). */
export async function evaluationSettled(db: Database): Promise<void> {
	while (running.get(db)) await running.get(db)!.promise;
}

const ALERT_COLUMNS = `alert_id, kind, chart, metric, scope_kind, scope, grain, period, rule, value, limit_value, message_zh, message_en, status, owner, note,
	epoch_ms(created_at) AS created_ms, epoch_ms(updated_at) AS updated_ms, epoch_ms(closed_at) AS closed_ms`;

/**
 * Alerts a user may see: all of them for users of every store; for users limited to some stores, only
 * the alerts of those stores (chain-wide and department alerts are computed over every store).
 */
/** Alerts a user may see: all for a user of every store, else only those of their stores (not chain-wide ones). */
function alertsInScope(stores: string[] | null, paramIndex: number): { sql: string; params: unknown[] } {
	if (stores === null) return { sql: 'true', params: [] };
	const s = storeScopeSql(stores, 'scope', paramIndex);
	return { sql: `(scope_kind = 'store' AND ${s.sql})`, params: s.params };
}

/**
 * An alert as read: its texts written afresh from its stored numbers, so alerts raised before the texts
 * named the unit read like new ones (one without the numbers, or of a metric the catalog no longer has,
 * keeps its stored texts); and its severity.
 */
function asRead(row: Omit<AlertRow, 'severity'>): AlertRow {
	const renderable =
		metricById(row.metric) && row.value !== null && row.limit_value !== null && (row.kind === 'target' || row.rule !== null);
	const texts = renderable ? alertTexts(row) : { zh: row.message_zh, en: row.message_en };
	return { ...row, message_zh: texts.zh, message_en: texts.en, severity: alertSeverity(row) };
}

export async function listAlerts(
	conn: DuckDBConnection,
	opts: { stores: string[] | null; status?: AlertStatus | null; limit?: number }
): Promise<AlertRow[]> {
	const visible = alertsInScope(opts.stores, 3);
	const rows = await queryRows<Omit<AlertRow, 'severity'>>(
		conn,
		`SELECT ${ALERT_COLUMNS} FROM qc_alerts
		 WHERE ${visible.sql}
		   AND ($1::VARCHAR IS NULL OR status = $1)
		 ORDER BY (status = 'closed'), period DESC, alert_id DESC LIMIT $2`,
		[opts.status ?? null, opts.limit ?? 500, ...visible.params]
	);
	return rows.map(asRead);
}

export async function getAlert(conn: DuckDBConnection, id: number, stores: string[] | null): Promise<AlertRow | null> {
	const [row] = await queryRows<Omit<AlertRow, 'severity'>>(
		conn,
		`SELECT ${ALERT_COLUMNS} FROM qc_alerts WHERE alert_id = $1 AND ${alertsInScope(stores, 2).sql}`,
		[id, ...alertsInScope(stores, 2).params]
	);
	return row ? asRead(row) : null;
}

export type UpdateAlertResult = { ok: true } | { ok: false; error: 'not_found' | 'note_required' | 'status' };

/** Changes owner, status and note; closing needs a note of the action taken. Audited with the old and new values. */
export async function updateAlert(
	conn: DuckDBConnection,
	id: number,
	change: { status: string; owner: string; note: string },
	actor: Actor & { stores: string[] | null },
	now = Date.now()
): Promise<UpdateAlertResult> {
	const before = await getAlert(conn, id, actor.stores);
	if (!before) return { ok: false, error: 'not_found' };
	if (!(ALERT_STATUSES as readonly string[]).includes(change.status)) return { ok: false, error: 'status' };
	const owner = change.owner.trim().slice(0, 100) || null;
	const note = change.note.trim().slice(0, 2000) || null;
	if (change.status === 'closed' && !note) return { ok: false, error: 'note_required' };
	await conn.run(
		`UPDATE qc_alerts SET status = $2, owner = $3, note = $4, updated_at = epoch_ms($5::BIGINT),
		 closed_at = CASE WHEN $2 = 'closed' THEN coalesce(closed_at, epoch_ms($5::BIGINT)) ELSE NULL END WHERE alert_id = $1`,
		[id, change.status, owner, note, now] as never
	);
	await audit(
		conn,
		{
			actor: actor.name,
			action: 'qc_alert_updated',
			target: String(id),
			ip: actor.ip ?? null,
			detail: {
				status: { from: before.status, to: change.status },
				owner: { from: before.owner, to: owner },
				note_changed: before.note !== note
			}
		},
		now
	);
	return { ok: true };
}

/** The first day of the month after an instant (UTC ms), as YYYY-MM-DD: where "after the action" starts. */
export function monthAfter(ms: number): string {
	const d = new Date(ms + 8 * 3_600_000); // China time
	return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}
