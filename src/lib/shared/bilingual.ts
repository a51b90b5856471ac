import type { UiLocale } from './views';

/**
 * Text the metric catalog declares in both languages beside its SQL (labels, passports, formulas): the one
 * place where product text is not a Paraglide message, so that a metric stays one declaration. Read it
 * only through `inLocale`.
 */
export interface Bilingual {
	zh: string;
	en: string;
}

export const bi = (zh: string, en: string): Bilingual => ({ zh, en });

/** The text in the page's or request's language. */
export const inLocale = (text: Bilingual, locale: UiLocale): string => (locale === 'en' ? text.en : text.zh);
