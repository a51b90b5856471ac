import { m } from '$lib/paraglide/messages.js';
import type { UiLocale } from '$lib/shared/views';
import { PERIOD_GRAINS } from './range';

/** The grain choices of the dashboards: 日 周 月 季 年 (Day … Year). */
export function grainOptions(locale: UiLocale): { value: string; label: string }[] {
	const labels = {
		day: m.cmp_grain_day,
		week: m.cmp_grain_week,
		month: m.cmp_grain_month,
		quarter: m.cmp_grain_quarter,
		year: m.cmp_grain_year
	};
	return PERIOD_GRAINS.map((g) => ({ value: g, label: labels[g]({}, { locale }) }));
}
