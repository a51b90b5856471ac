import * as m from '$lib/paraglide/messages.js';
import { config } from '$lib/server/core/config';

export type Locale = 'zh-CN' | 'en';

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
