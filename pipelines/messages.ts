import * as m from '$lib/paraglide/messages.js';
import type { UiLocale } from '$lib/shared/views';
import { config } from '$lib/server/core/config';

/** The two languages, as everywhere (shared/views.ts). */
export type Locale = UiLocale;

type MessageFn = (inputs: Record<string, unknown>, options: { locale: Locale }) => string;
const catalog = m as unknown as Record<string, MessageFn | undefined>;

/** A catalog message by key, in the given locale; the key itself if the catalog lacks it. */
export function message(key: string, params: Record<string, unknown>, locale: Locale): string {
	const fn = catalog[key];
	return fn ? fn(params, { locale }) : key;
}

export const reason = (code: string, params: Record<string, unknown>, locale: Locale) => message(`reason_${code}`, params, locale);

/** The command-line tools' language when none is asked for: QUALITY_LANG (see core/config.ts). */
export const localeFromEnv = (): Locale => config().lang;
