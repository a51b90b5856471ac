import { m } from '$lib/paraglide/messages.js';
import type { MetricUnit } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';

/** Numbers and periods as pages, charts, tiles and exports write them. Pure: the same text on the server and in the browser. */

export const DECIMALS: Record<MetricUnit, number> = { count: 0, permille: 2, percent: 1, hours: 1, score: 2, nps: 1, seconds: 1 };

/** Number formatters made once per locale and options: making an Intl.NumberFormat costs some hundred times a format. */
const formatters = new Map<string, Intl.NumberFormat>();
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
	const key = `${locale} ${JSON.stringify(options)}`;
	let f = formatters.get(key);
	if (!f) {
		f = new Intl.NumberFormat(locale, options);
		formatters.set(key, f);
	}
	return f;
}
const number = (v: number, locale: UiLocale, digits: number, sign = false) =>
	numberFormat(locale, {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
		// never "-0.00‰": a value that rounds to zero has no sign
		signDisplay: sign ? 'exceptZero' : 'negative'
	}).format(v);

/** A metric value with its unit: 1,234 · 2.41‰ · 86.7% · 5.3 小时 · 4.21 · 23.5; null → — */
export function formatValue(v: number | null | undefined, unit: MetricUnit, locale: UiLocale, digits = DECIMALS[unit]): string {
	if (v === null || v === undefined || !Number.isFinite(v)) return '—';
	return withUnit(number(v, locale, digits), unit, locale);
}

/** A difference in a metric's unit with its sign: +0.03‰ · −1.2 小时; one that rounds to zero has none (0.00‰, never +0.00‰). */
export function formatSigned(v: number | null | undefined, unit: MetricUnit, locale: UiLocale): string {
	if (v === null || v === undefined || !Number.isFinite(v)) return '—';
	return withUnit(number(v, locale, DECIMALS[unit], true), unit, locale);
}

function withUnit(n: string, unit: MetricUnit, locale: UiLocale): string {
	switch (unit) {
		case 'permille':
			return `${n}‰`;
		case 'percent':
			return `${n}%`;
		case 'hours':
			return `${n} ${m.dash_unit_hours({}, { locale })}`;
		case 'seconds':
			return `${n} ${m.dash_unit_seconds({}, { locale })}`;
		default:
			return n;
	}
}

/** An interval in a metric's unit: 72.2%–100.0% · −12.3 – 40.1 */
export function formatInterval(ci: { low: number; high: number }, unit: MetricUnit, locale: UiLocale): string {
	return `${formatValue(ci.low, unit, locale)} – ${formatValue(ci.high, unit, locale)}`;
}

/**
 * Change against the previous period: counts as a relative change (+12.5%), everything else as a
 * difference in the metric's own unit (+1.2 个百分点, +0.15‰, −2.0 小时). null when either side is missing.
 */
export function formatChange(value: number | null, previous: number | null, unit: MetricUnit, locale: UiLocale): string | null {
	const d = changeOf(value, previous, unit);
	if (d === null) return null;
	if (unit === 'count') return `${number(d, locale, 1, true)}%`;
	const n = number(d, locale, DECIMALS[unit], true);
	switch (unit) {
		case 'permille':
			return `${n}‰`;
		case 'percent':
			return `${n} ${m.dash_unit_pp({}, { locale })}`;
		case 'hours':
			return `${n} ${m.dash_unit_hours({}, { locale })}`;
		case 'seconds':
			return `${n} ${m.dash_unit_seconds({}, { locale })}`;
		default:
			return n;
	}
}

/**
 * The change shown: % for counts (null from 0), otherwise the difference of the two values as they are
 * written (1.0 h against 0.9 h is +0.1 h, not the 0.0 h that 0.96 − 0.94 rounds to), so that a change
 * never disagrees with the numbers beside it.
 */
export function changeOf(value: number | null, previous: number | null, unit: MetricUnit): number | null {
	if (value === null || previous === null) return null;
	if (unit === 'count') return previous === 0 ? null : Math.round(((value - previous) / previous) * 1000) / 10;
	const digits = DECIMALS[unit];
	const plain = numberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
	const written = (x: number) => Number(plain.format(x));
	const f = 10 ** digits;
	return Math.round((written(value) - written(previous)) * f) / f;
}

/** A month's first day (YYYY-MM-DD) as an axis label: 2025年1月 · Jan 2025. */
export function monthLabel(period: string, locale: UiLocale): string {
	const [y, mo] = period.split('-');
	if (locale === 'zh-CN') return `${y}年${Number(mo)}月`;
	return new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${y}-${mo}-01T00:00:00Z`));
}

/** A period's first day as an axis label for its grain: 1月5日 · 1月6日当周 · 2025年1月 · 2025年Q1 · 2025年 (Jan 5 · Wk of Jan 6 · Jan 2025 · Q1 2025 · 2025). */
export function periodLabel(period: string, grain: 'day' | 'week' | 'month' | 'quarter' | 'year', locale: UiLocale): string {
	const [y, mo, d] = period.split('-').map(Number) as [number, number, number];
	const zh = locale === 'zh-CN';
	const short = () =>
		new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${period}T00:00:00Z`));
	switch (grain) {
		case 'day':
			return zh ? `${mo}月${d}日` : short();
		case 'week':
			return zh ? `${mo}月${d}日当周` : `Wk of ${short()}`;
		case 'month':
			return monthLabel(period, locale);
		case 'quarter':
			return zh ? `${y}年Q${Math.ceil(mo / 3)}` : `Q${Math.ceil(mo / 3)} ${y}`;
		case 'year':
			return zh ? `${y}年` : String(y);
	}
}

/** A whole count with the locale's thousands separators (1,234,567). */
export function formatCount(value: number, locale: UiLocale): string {
	return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** Epoch milliseconds of a register wall-clock time as 'YYYY-MM-DD HH:MM' (the register's own clock, no zone). */
export const wallClock = (ms: number | bigint) => new Date(Number(ms)).toISOString().slice(0, 16).replace('T', ' ');

/**
 * Two values side by side (a centre line and this period, a value and its target) with as many decimals
 * as it takes for different numbers not to read equal: 0.72‰ / 0.72‰ becomes 0.721‰ / 0.724‰ (at most
 * four more than the unit's usual).
 */
export function formatDistinct(a: number | null, b: number | null, unit: MetricUnit, locale: UiLocale): [string, string] {
	let digits = DECIMALS[unit];
	const pair = () => [formatValue(a, unit, locale, digits), formatValue(b, unit, locale, digits)] as [string, string];
	while (a !== null && b !== null && a !== b && digits < DECIMALS[unit] + 4 && pair()[0] === pair()[1]) digits++;
	return pair();
}
