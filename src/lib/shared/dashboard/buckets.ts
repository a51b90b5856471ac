import { m } from '$lib/paraglide/messages.js';
import type { UiLocale } from '$lib/shared/views';

/**
 * Labels of the time buckets the metric API answers ('0-24', '24-72', '720+', in hours): ages of open
 * complaints read in days, response and resolution times in hours.
 */
export function bucketLabel(key: string, inDays: boolean, locale: UiLocale): string {
	const unit = inDays ? m.cmp_unit_days({}, { locale }) : m.cmp_unit_hours({}, { locale });
	const n = (h: string) => String(inDays ? Number(h) / 24 : Number(h));
	if (key.endsWith('+')) return m.cmp_bucket_over({ lo: n(key.slice(0, -1)), unit }, { locale });
	const [lo = '0', hi = '0'] = key.split('-');
	return lo === '0'
		? m.cmp_bucket_under({ hi: n(hi), unit }, { locale })
		: m.cmp_bucket_between({ lo: n(lo), hi: n(hi), unit }, { locale });
}

/** The index of the first bucket at or past a limit in hours (buckets start at their lower bound). */
export function limitIndex(keys: readonly string[], hours: number): number {
	const i = keys.findIndex((k) => Number(k.split(/[-+]/u)[0]) >= hours);
	return i === -1 ? keys.length : i;
}
