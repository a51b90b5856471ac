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

/**
 * A message kept as its key and parameters, put in words only when shown, in the language of whoever reads it: a
 * batch's warnings are stored so, and the history page shows them in the reader's language, not the loader's. A
 * parameter may be a notice itself, or a list of parts, joined by 、.
 */
export interface Notice {
	key: string;
	params: Readonly<Record<string, NoticeParam>>;
}
export type NoticeParam = string | number | boolean | null | Notice | readonly NoticeParam[];

export const notice = (key: string, params: Record<string, NoticeParam> = {}): Notice => ({ key, params });

const isNotice = (v: unknown): v is Notice =>
	typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { key?: unknown }).key === 'string';

const paramText = (v: unknown, locale: Locale): unknown =>
	Array.isArray(v) ? v.map((p) => paramText(p, locale)).join('、') : isNotice(v) ? noticeText(v, locale) : v;

/**
 * A notice in the words of `locale`. Text is shown as it is: a batch recorded before its warnings were kept as
 * notices holds them in its loader's words.
 */
export function noticeText(n: unknown, locale: Locale): string {
	if (typeof n === 'string') return n;
	if (!isNotice(n)) return String(n);
	const params = typeof n.params === 'object' && n.params !== null ? n.params : {};
	return message(n.key, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, paramText(v, locale)])), locale);
}

/** The command-line tools' language when none is asked for: QUALITY_LANG (see core/config.ts). */
export const localeFromEnv = (): Locale => config().lang;
