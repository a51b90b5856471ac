import { formatValue } from '$lib/shared/format';
import type { UiLocale } from '$lib/shared/views';
import type { SurveyItem, SurveyPoint } from './types';
import { inLocale } from '$lib/shared/bilingual';

export const itemName = (item: SurveyItem, locale: UiLocale): string => inLocale(item.label, locale);

/** ' ±4.6%' after a value, or nothing when the value or its margin is missing */
export const moeText = (p: SurveyPoint, unit: 'percent' | 'nps', locale: UiLocale): string =>
	p.value === null || p.moe === null ? '' : ` ±${formatValue(p.moe, unit, locale)}`;
