import { m } from '$lib/paraglide/messages.js';
import { formatInterval } from '$lib/shared/format';
import type { UiLocale } from '$lib/shared/views';
import type { SurveyItem, SurveyPoint } from './types';
import { inLocale } from '$lib/shared/bilingual';

export const itemName = (item: SurveyItem, locale: UiLocale): string => inLocale(item.label, locale);

/** '（95% 区间 72.2%–100.0%）' after a value, or nothing when the value or its interval is missing */
export const intervalText = (p: SurveyPoint, unit: 'percent' | 'nps', locale: UiLocale): string =>
	p.value === null || p.ci === null ? '' : m.ui_interval({ range: formatInterval(p.ci, unit, locale) });

/** ' (59.5% – 90.8%)' after a value in a table whose note names the interval, or nothing */
export const compactInterval = (p: SurveyPoint, unit: 'percent' | 'nps', locale: UiLocale): string =>
	p.value === null || p.ci === null ? '' : ` (${formatInterval(p.ci, unit, locale)})`;
