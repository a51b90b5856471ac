import { m } from '$lib/paraglide/messages.js';
import { inLocale } from '$lib/shared/bilingual';
import type { MetricUnit } from '$lib/shared/dashboard/types';
import { formatDistinct, periodLabel } from '$lib/shared/format';
import type { UiLocale } from '$lib/shared/views';
import { metricById } from '$lib/server/metrics/catalog';
import type { Severity } from '$lib/features/quality/alertGroups';

/**
 * What an alert says and how much it matters, from its stored numbers and the metric catalog alone: the
 * same function writes a new alert's texts and re-writes old ones when they are read, so every alert
 * names its metric and unit ("投诉率（每千笔交易）连续 9 个点在中心线上方：中心线 0.72‰，本期 1.69‰") with
 * enough decimals that the two numbers never read equal, whenever it was raised.
 */
export type AlertFacts = {
	kind: 'signal' | 'target';
	metric: string;
	scope_kind: 'all' | 'store' | 'department';
	scope: string;
	grain: string;
	period: string;
	rule: number | null;
	value: number | null;
	limit_value: number | null;
};

/** 'improved': a signal on the favourable side (the metric's direction says which side that is). */
export type AlertSeverity = Severity;

/**
 * Which side of its line the signal's point lies. Rules 1, 2, 5 and 6 store the limit their side refers to
 * (the control limit, or the centre line), so the stored numbers tell the side. A trend (3) and the
 * two-sided patterns (4, 7, 8) have none that the stored numbers show.
 */
function sideOf(a: AlertFacts): 'above' | 'below' | null {
	if (a.kind !== 'signal' || a.value === null || a.limit_value === null || a.value === a.limit_value) return null;
	if (![1, 2, 5, 6].includes(a.rule ?? 0)) return null;
	return a.value > a.limit_value ? 'above' : 'below';
}

export function alertSeverity(a: AlertFacts): AlertSeverity {
	if (a.kind === 'target') return 'high';
	const side = sideOf(a);
	const direction = metricById(a.metric)?.direction;
	if (side && direction && (side === 'above') === (direction === 'higher')) return 'improved';
	if (a.rule === 1) return 'high';
	if (side || a.rule === 3 || a.rule === 8) return 'medium';
	return 'low';
}

/** The metric's name with its unit where the numbers' own formatting does not show one. */
function metricName(metric: string, unit: MetricUnit, locale: UiLocale): string {
	const def = metricById(metric);
	const name = def ? inLocale(def.label, locale) : metric;
	const L = { locale };
	if (unit === 'score') return name + m.qc_unit_score({}, L);
	if (unit === 'count') return name + m.qc_unit_count({}, L);
	if (unit === 'nps') return name + m.qc_unit_nps({}, L);
	return name;
}

const WHAT: Record<string, (inputs: Record<string, never>, options: { locale: UiLocale }) => string> = {
	'1above': m.qc_alert_what_1_above,
	'1below': m.qc_alert_what_1_below,
	'2above': m.qc_alert_what_2_above,
	'2below': m.qc_alert_what_2_below,
	'3': m.qc_alert_what_3,
	'4': m.qc_alert_what_4,
	'5above': m.qc_alert_what_5_above,
	'5below': m.qc_alert_what_5_below,
	'6above': m.qc_alert_what_6_above,
	'6below': m.qc_alert_what_6_below,
	'7': m.qc_alert_what_7,
	'8': m.qc_alert_what_8
};

/** An alert's sentence in one language. */
export function alertText(a: AlertFacts, locale: UiLocale): string {
	const L = { locale };
	const def = metricById(a.metric);
	const unit: MetricUnit = def?.unit ?? 'count';
	const scope = a.scope_kind === 'all' ? m.qc_alert_scope_all({}, L) : a.scope;
	const period = periodLabel(a.period, a.grain === 'week' ? 'week' : 'month', locale);
	const metric = metricName(a.metric, unit, locale);
	const [limit, value] = formatDistinct(a.limit_value, a.value, unit, locale);
	if (a.kind === 'target') {
		const sign = def?.direction === 'higher' ? '≥' : '≤';
		return m.qc_alert_target({ scope, period, metric, sign, target: limit, value }, L);
	}
	const side = sideOf(a);
	const what = (WHAT[`${a.rule}${side ?? ''}`] ?? WHAT[`${a.rule}above`] ?? WHAT['3']!)({}, L);
	const limitName =
		a.rule === 1 ? (side === 'below' ? m.qc_alert_limit_lower({}, L) : m.qc_alert_limit_upper({}, L)) : m.qc_alert_limit_centre({}, L);
	return m.qc_alert_signal({ scope, period, metric, what, limitName, limit, value }, L);
}

/** Both stored texts of an alert. */
export const alertTexts = (a: AlertFacts) => ({ zh: alertText(a, 'zh-CN'), en: alertText(a, 'en') });
