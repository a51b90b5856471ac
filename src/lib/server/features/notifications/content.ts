import { withLocale } from '$lib/server/core/locale';
import { m } from '$lib/paraglide/messages.js';
import { queryRows, type Database } from '$lib/server/core/db';
import { displayTime, instantMs } from '$lib/server/core/time';
import { CADENCE_DAYS, staleDays } from '$lib/server/metrics/as-of';
import type { KindId } from '$lib/shared/schema';
import { config } from '$lib/server/core/config';
import type { AuthUser } from '$lib/shared/auth/roles';
import { inLocale } from '$lib/shared/bilingual';
import { formatValue } from '$lib/shared/format';
import type { UiLocale } from '$lib/shared/views';
import { listAlerts, type AlertRow } from '$lib/server/features/quality/alerts';
import { reportWorkbook } from '$lib/server/features/quality/export';
import { qualityReport, type QualityReport } from '$lib/server/features/quality/report';
import { reportPeriods } from '$lib/server/features/quality/periods';
import { evaluationView } from '$lib/server/features/evaluations/view';
import { exportTables } from '$lib/server/features/evaluations/tables';
import { workbook } from '$lib/server/features/evaluations/excel';
import { cycleLabel, evalPeriodLabel } from '$lib/features/evaluations/labels';
import { addDays, periodStart } from '$lib/shared/dashboard/range';
import type { SubscriptionWhat } from './kinds';
import { scrubDeep, type Scrub } from './privacy';

/**
 * What a subscription sends, made of aggregates in the owner's scope and language: a short digest
 * (headline metrics against target and the previous period, signals, top causes, open actions) with a
 * link to the page, and for e-mail the report's files. Every text that comes from data passes the
 * scrubber first (privacy.ts).
 */
export interface Attachment {
	filename: string;
	contentType: string;
	content: Buffer;
}

export interface Digest {
	title: string;
	sections: { heading: string; lines: string[] }[];
	link: string;
	notes: string[];
	/** the report's Excel workbook (e-mail only); the PDF is printed from the digest */
	workbook: (() => Promise<Attachment>) | null;
}

export type Built = { digest: Digest } | { skip: string };

export interface BuildRequest {
	what: SubscriptionWhat;
	period: string;
	/** alerts: the window (from, to] of creation or overdue times this digest covers */
	window?: { from: number; to: number };
	owner: AuthUser;
	scope: string[] | null;
	locale: UiLocale;
}

const L = (locale: UiLocale) => ({ locale });
const link = (path: string) => new URL(path, config().notify.publicOrigin).href;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** an open alert older than this is overdue */
export const OVERDUE_MS = 7 * 86_400_000;

/** The period a run at this local day reports on: the week or month before it, or the day itself. */
export function reportPeriodKey(what: SubscriptionWhat, localDay: string, localTime: string): string {
	if (what === 'weekly-report') return periodStart(addDays(localDay, -7), 'week');
	if (what === 'monthly-report') return periodStart(addDays(periodStart(localDay, 'month'), -1), 'month').slice(0, 7);
	if (what === 'freshness') return localDay;
	return `${localDay}T${localTime}`;
}

export async function buildDigest(db: Database, req: BuildRequest, scrub: Scrub): Promise<Built> {
	switch (req.what) {
		case 'weekly-report':
		case 'monthly-report':
			return qualityDigest(db, req, scrub);
		case 'evaluation-report':
			return evaluationDigest(db, req, scrub);
		case 'alerts':
			return alertsDigest(db, req, scrub);
		case 'freshness':
			return freshnessDigest(db, req);
	}
}

function alertLine(a: AlertRow, locale: UiLocale): string {
	const text = locale === 'zh-CN' ? a.message_zh : a.message_en;
	return `${a.period} · ${text}`;
}

async function qualityDigest(db: Database, req: BuildRequest, scrub: Scrub): Promise<Built> {
	const grain = req.what === 'weekly-report' ? 'week' : 'month';
	const at = grain === 'week' ? req.period : `${req.period}-01`;
	const { current } = reportPeriods(grain, at);
	const raw = await qualityReport(db, { grain, at, lastDay: current.to, scope: req.scope });
	const countRow = raw.headline.find((h) => h.id === 'complaint_count');
	if (raw.headline.every((h) => h.value === null || (h.id === countRow?.id && h.value === 0))) return { skip: 'no_data' };
	const report: QualityReport = scrubDeep(raw, scrub);
	const loc = L(req.locale);
	const kind = grain === 'week' ? m.qc_report_week({}, loc) : m.qc_report_month({}, loc);
	const stateText = (s: string | null) =>
		s === 'met'
			? m.qc_state_met({}, loc)
			: s === 'warning'
				? m.qc_state_warning({}, loc)
				: s === 'missed'
					? m.qc_state_missed({}, loc)
					: m.qc_state_none({}, loc);
	const headline = report.headline.map((h) => {
		const f = (v: number | null) => formatValue(v, h.unit, req.locale);
		return m.notify_line_headline(
			{
				metric: inLocale(h.label, req.locale),
				value: f(h.value),
				previous: f(h.previous),
				target: h.target === null ? '—' : f(h.target),
				state: stateText(h.state)
			},
			loc
		);
	});
	const causes = report.causes
		.slice(0, 5)
		.map((c) => m.notify_line_cause({ category: c.category, current: c.current, previous: c.previous }, loc));
	const name = `quality-report-${grain}-${report.current.from}`;
	return {
		digest: {
			title: `${m.qc_report_title({ kind }, loc)} ${report.current.from} ~ ${report.current.to}${scopeSuffix(req.scope, req.locale)}`,
			sections: [
				{ heading: m.qc_headline({}, loc), lines: headline },
				{
					heading: m.qc_report_signals({}, loc),
					lines: orNone(
						report.alerts.slice(0, 10).map((a) => alertLine(a, req.locale)),
						req.locale
					)
				},
				{ heading: m.qc_report_causes({}, loc), lines: orNone(causes, req.locale) },
				{
					heading: m.qc_report_open({}, loc),
					lines: orNone(
						report.open.slice(0, 10).map((a) => alertLine(a, req.locale)),
						req.locale
					)
				}
			],
			link: link(`/quality/report?kind=${grain}&at=${report.current.from}`),
			notes: [],
			workbook: async () => ({
				filename: `${name}.xlsx`,
				contentType: XLSX,
				content: await withLocale(req.locale, () => reportWorkbook(report))
			})
		}
	};
}

async function evaluationDigest(db: Database, req: BuildRequest, scrub: Scrub): Promise<Built> {
	const owner = { ...req.owner, stores: req.scope };
	const view = scrubDeep(await evaluationView(db, owner, { cycle: 'quarter', period: req.period, group: 'store', stores: [] }), scrub);
	if (view.period !== req.period) return { skip: 'no_data' };
	const loc = L(req.locale);
	const s = view.summary;
	const n = (v: number | null) => (v === null ? '—' : String(v));
	const title = m.eval_report_title({ period: evalPeriodLabel(view.period, req.locale), cycle: cycleLabel(view.cycle) }, loc);
	return {
		digest: {
			title: `${title}${scopeSuffix(req.scope, req.locale)}`,
			sections: [
				{
					heading: m.notify_eval_summary({}, loc),
					lines: [
						m.notify_eval_line({ staff: s.staff, mean: n(s.mean), warnings: n(s.warnings), stars: n(s.stars) }, loc),
						...view.distribution.map((g) => `${g.grade}: ${g.count} (${Math.round(g.share)}%)`)
					]
				}
			],
			link: link(`/evaluations?cycle=${view.cycle}&period=${view.period}`),
			notes: [],
			workbook: async () => ({
				filename: `evaluations-${view.period}.xlsx`,
				contentType: XLSX,
				content: await workbook(
					scrubDeep(
						withLocale(req.locale, () => exportTables(view)),
						scrub
					),
					{ title, creator: 'service-quality-analytics' }
				)
			})
		}
	};
}

/** New alerts in the window, and open alerts that became overdue in it; nothing new → skip. */
async function alertsDigest(db: Database, req: BuildRequest, scrub: Scrub): Promise<Built> {
	const { from, to } = req.window!;
	const all = scrubDeep(await db.withConnection((c) => listAlerts(c, { stores: req.scope, limit: 5000 })), scrub);
	const fresh = all.filter((a) => a.created_ms > from && a.created_ms <= to);
	const overdue = all.filter((a) => a.status !== 'closed' && a.created_ms + OVERDUE_MS > from && a.created_ms + OVERDUE_MS <= to);
	if (fresh.length === 0 && overdue.length === 0) return { skip: 'nothing_new' };
	const loc = L(req.locale);
	const signals = fresh.filter((a) => a.kind === 'signal');
	const missed = fresh.filter((a) => a.kind === 'target');
	const sections = [
		{ heading: m.notify_alerts_signals({ n: signals.length }, loc), lines: signals.map((a) => alertLine(a, req.locale)) },
		{ heading: m.notify_alerts_missed({ n: missed.length }, loc), lines: missed.map((a) => alertLine(a, req.locale)) },
		{ heading: m.notify_alerts_overdue({ n: overdue.length }, loc), lines: overdue.map((a) => alertLine(a, req.locale)) }
	].filter((s) => s.lines.length > 0);
	return {
		digest: {
			title: `${m.notify_alerts_title({ n: fresh.length + overdue.length }, loc)}${scopeSuffix(req.scope, req.locale)}`,
			sections,
			link: link('/quality/alerts'),
			notes: [],
			workbook: null
		}
	};
}

async function freshnessDigest(db: Database, req: BuildRequest): Promise<Built> {
	const rows = await db.withConnection((c) =>
		queryRows<{ kind: KindId; last_ms: number }>(
			c,
			`SELECT kind, ${instantMs('max(finished_at)')} AS last_ms FROM batches WHERE status = 'committed' GROUP BY kind ORDER BY kind`
		)
	);
	const now = req.window?.to ?? Date.now();
	const stale = rows.filter((r) => staleDays(r.kind, Number(r.last_ms), now) !== null);
	if (stale.length === 0) return { skip: 'nothing_new' };
	const loc = L(req.locale);
	return {
		digest: {
			title: m.notify_fresh_title({ n: stale.length }, loc),
			sections: [
				{
					heading: m.notify_fresh_heading({}, loc),
					lines: stale.map((r) => m.notify_fresh_line({ kind: r.kind, last: displayTime(r.last_ms), days: CADENCE_DAYS[r.kind] }, loc))
				}
			],
			link: link('/batches'),
			notes: [],
			workbook: null
		}
	};
}

const orNone = (lines: string[], locale: UiLocale) => (lines.length ? lines : [m.notify_none({}, L(locale))]);
const scopeSuffix = (scope: string[] | null, locale: UiLocale) =>
	scope === null ? '' : ` · ${scope.length <= 3 ? scope.join('、') : m.notify_stores_n({ n: scope.length }, L(locale))}`;
