import { queryRows, type Database } from '$lib/server/core/db';
import { scopeKey, storeScopeSql } from '$lib/server/core/db/store-scope';
import { SERVICE_HEADLINE_METRICS } from '$lib/server/metrics/headline';
import { metricLoader, type MetricResult } from '$lib/server/metrics/query';
import { viewTargets } from '$lib/server/metrics/targets';
import { kpiViews, metricInfo, num, type DashboardRequest } from '$lib/server/features/overview/dashboard';
import type { DateRange } from '$lib/shared/dashboard/range';
import type { KpiView, MetricInfo } from '$lib/shared/dashboard/types';
import type { AgentRow, ChannelRow, IntervalCellView } from '$lib/features/service/types';

/**
 * 服务过程: the contact centre's numbers for a range, stores and the user's scope — six headline tiles,
 * service level by hour × weekday, monthly trends, agents (handle time against resolution) and channels.
 * Every number comes from the metric catalog through one `metricLoader`: every request is made in the same
 * turn, so the requests over the same rows (each section's metrics by the same cut) are answered by one query.
 */

export interface ServiceData {
	kpis: KpiView[];
	months: string[];
	trends: { metric: MetricInfo; values: (number | null)[] }[];
	heatmap: IntervalCellView[];
	/** the service level target the heatmap colours against (the chain's, else 80%) */
	heatmapTarget: number;
	agents: AgentRow[];
	channels: ChannelRow[];
	channelMetrics: MetricInfo[];
}

const TREND_METRICS = ['service_level', 'answer_rate', 'abandon_rate', 'fcr_repeat'] as const;
const TIME_TRENDS = ['asa_mean_s', 'aht_mean_s'] as const;
const CHANNEL_METRICS = ['service_level', 'answer_rate', 'abandon_rate', 'asa_mean_s', 'aht_mean_s', 'fcr_repeat'] as const;
/** the usual service-level goal (80% within the limit) when no target is set */
const DEFAULT_SL_TARGET = 80;

/** The last day with a contact in the user's stores (the presets' anchor), or null. */
export async function lastContactDay(db: Database, scope: string[] | null): Promise<string | null> {
	const inScope = storeScopeSql(scope, 'store', 1);
	return db.keptUntilWrite(`last contact day ${scopeKey(scope)}`, () =>
		db.withConnection(async (conn) => {
			const [row] = await queryRows<{ d: string | null }>(
				conn,
				`SELECT strftime(max(arrived_at)::DATE, '%Y-%m-%d') AS d FROM contacts WHERE ${inScope.sql}`,
				inScope.params
			);
			return row?.d ?? null;
		})
	);
}

const byGroup = (r: MetricResult) => new Map(r.rows.map((row) => [row.group === null ? null : String(row.group), row]));

export async function serviceData(db: Database, req: DashboardRequest): Promise<ServiceData> {
	const filters = req.stores.length ? { store: req.stores } : {};
	const load = metricLoader(db);
	const ask = (metric: string, range: DateRange, grain: 'all' | 'month', by?: string) =>
		load({ metric, from: range.from, to: range.to, grain, ...(by ? { by } : {}), filters, scope: req.scope });
	const kpis = kpiViews(db, req, SERVICE_HEADLINE_METRICS);
	const months = kpis.then((k) => k[0]?.months.map((p) => p.period) ?? []);

	const trends = Promise.all(
		[...TREND_METRICS, ...TIME_TRENDS].map(async (id) => {
			const r = await ask(id, req.range, 'month');
			const values = new Map(r.rows.map((row) => [String(row.period), num(row.value)]));
			return { metric: metricInfo(id), values: (await months).map((p) => values.get(p) ?? null) };
		})
	);

	const heatmap = ask('service_level', req.range, 'all', 'weekday_hour').then((r) =>
		r.rows.flatMap((row) => {
			const [weekday, hour] = String(row.group ?? '')
				.split('-')
				.map(Number);
			if (!weekday || hour === undefined || Number.isNaN(hour)) return [];
			return [{ weekday, hour, value: num(row.value), offered: num(row.denominator) ?? 0 }];
		})
	);

	const agents = Promise.all(
		['contacts_handled', 'aht_mean_s', 'fcr_repeat', 'fcr_marked'].map((id) => ask(id, req.range, 'all', 'staff').then(byGroup))
	).then(async ([handled, aht, fcr, marked]) => {
		const names = await staffNames(db);
		return [...handled!.entries()]
			.filter(([agent]) => agent !== null)
			.map(([agent, row]) => ({
				agent: agent!,
				name: names.get(agent!) ?? null,
				handled: num(row.value) ?? 0,
				aht: num(aht!.get(agent)?.value),
				fcr: num(fcr!.get(agent)?.value),
				fcrDue: num(fcr!.get(agent)?.denominator) ?? 0,
				marked: num(marked!.get(agent)?.value)
			}))
			.sort((a, b) => b.handled - a.handled || a.agent.localeCompare(b.agent));
	});

	const channels = Promise.all(
		['contacts_offered', ...CHANNEL_METRICS].map((id) => ask(id, req.range, 'all', 'channel').then(byGroup))
	).then(([offered, ...results]) =>
		[...offered!.entries()]
			.filter(([channel]) => channel !== null)
			.map(([channel, row]) => ({
				channel: channel!,
				offered: num(row.value) ?? 0,
				values: Object.fromEntries(CHANNEL_METRICS.map((id, i) => [id, num(results[i]!.get(channel)?.value)]))
			}))
			.sort((a, b) => b.offered - a.offered)
	);

	const target = (await viewTargets(db, ['service_level'], { stores: req.stores })).service_level ?? DEFAULT_SL_TARGET;
	return {
		kpis: await kpis,
		months: await months,
		trends: await trends,
		heatmap: await heatmap,
		heatmapTarget: target,
		agents: await agents,
		channels: await channels,
		channelMetrics: CHANNEL_METRICS.map(metricInfo)
	};
}

/** Staff names by id, to name agents (the staff list; ids without a row stay unnamed). */
async function staffNames(db: Database): Promise<Map<string, string>> {
	const rows = await db.withConnection((conn) => queryRows<{ staff_id: string; name: string }>(conn, 'SELECT staff_id, name FROM staff'));
	return new Map(rows.map((r) => [r.staff_id, r.name]));
}
