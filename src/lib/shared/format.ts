import type { UiLocale } from './views';

const countFormats = new Map<UiLocale, Intl.NumberFormat>();

/** A whole count with the locale's thousands separators (1,234,567). */
export function formatCount(value: number, locale: UiLocale): string {
	let format = countFormats.get(locale);
	if (!format) {
		format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
		countFormats.set(locale, format);
	}
	return format.format(value);
}

/** Epoch milliseconds of a register wall-clock time as 'YYYY-MM-DD HH:MM' (the register's own clock, no zone). */
export const wallClock = (ms: number | bigint) => new Date(Number(ms)).toISOString().slice(0, 16).replace('T', ' ');
