/** A cell as read: text, or a number whose meaning (a date serial, an id) the column decides. */
export type Cell = string | number | null;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** An Excel date serial as the engine's date text (the time only when there is one); null when out of range. */
export function serialText(serial: number, date1904: boolean): string | null {
	if (!Number.isFinite(serial) || serial < 0 || serial > 2_958_465) return null;
	// days since 1899-12-30 (Excel's 1900 leap-year bug makes that the right origin from 1 March 1900 on)
	const seconds = Math.round((serial + (date1904 ? 1462 : 0) - 25569) * 86400);
	const d = new Date(seconds * 1000);
	const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
	return seconds % 86400 === 0 ? day : `${day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** An ISO date cell (t="d", rare) as the engine's date text. */
export const isoDateText = (iso: string) => iso.replace('T', ' ').replace(/(\.\d+)?Z?$/u, '');

/**
 * A number as text with all its digits: 13812345678 stays 13812345678 (never 1.38E+10), and a
 * formula's floating-point noise is cut at Excel's 15 significant digits.
 */
export function numberText(n: number, padTo = 0): string {
	if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0).padStart(padTo, '0');
	const clean = Number(n.toPrecision(15));
	const s = String(clean);
	return /e/iu.test(s) ? clean.toFixed(20).replace(/\.?0+$/u, '') : s;
}

/** Serials a date column's plain numbers are read as: 1954–2119. A stray small number is not a date. */
export const PLAUSIBLE_SERIAL = { min: 20_000, max: 80_000 } as const;

/** A cell's text for a column: plain numbers in a date column are Excel serials (a date typed into a General cell). */
export function cellAsText(c: Cell, dateColumn: boolean, date1904: boolean): string {
	if (c === null) return '';
	if (typeof c === 'string') return c;
	if (dateColumn && c >= PLAUSIBLE_SERIAL.min && c <= PLAUSIBLE_SERIAL.max) return serialText(c, date1904) ?? numberText(c);
	return numberText(c);
}
