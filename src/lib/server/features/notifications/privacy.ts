import { queryRows, type Database } from '$lib/server/core/db';
import { maskNameInText, maskPhonesInText } from '$lib/server/core/auth/masking';

/**
 * No customer's name or phone leaves the building in a message or an attachment, whoever owns the
 * subscription (a pii holder's too). Digests are built from aggregates, but some texts come from people
 * (an alert's owner and action note, store names): every such text passes through a scrubber that masks
 * phone numbers and every customer name the database knows, before any message or file is made of it.
 */
export type Scrub = (text: string) => string;

const SEPARATORS = /[\s·•・.]/gu;
const MAX_NAME = 12;

/** A scrubber for these customer names (names of fewer than two characters hide nothing and are left). */
export function scrubberFor(names: Iterable<string>): Scrub {
	const byKey = new Map<string, string>();
	for (const raw of names) {
		const name = raw.trim();
		const key = name.replace(SEPARATORS, '').toLowerCase();
		const len = [...key].length;
		if (len >= 2 && len <= MAX_NAME) byKey.set(key, name);
	}
	return (text) => {
		let out = maskPhonesInText(text) ?? text;
		if (byKey.size === 0) return out;
		// which names occur: every substring of the text without separators, looked up (no regex per name)
		const chars = [...out.replace(SEPARATORS, '').toLowerCase()];
		const found = new Set<string>();
		for (let i = 0; i < chars.length; i++) {
			let s = '';
			for (let j = i; j < Math.min(chars.length, i + MAX_NAME); j++) {
				s += chars[j];
				const name = byKey.get(s);
				if (name !== undefined) found.add(name);
			}
		}
		// longest first, so a name inside a longer one is masked as part of the longer
		for (const name of [...found].sort((a, b) => b.length - a.length)) out = maskNameInText(out, name) ?? out;
		return out;
	};
}

/** The scrubber of a database: its customers' names as they are now. */
export async function scrubberOf(db: Database): Promise<Scrub> {
	const rows = await db.withConnection((c) =>
		queryRows<{ n: string }>(c, `SELECT DISTINCT trim(customer_name) AS n FROM complaints WHERE length(trim(customer_name)) >= 2`)
	);
	return scrubberFor(rows.map((r) => r.n));
}

/** Every string inside a value scrubbed (objects and arrays copied, other values kept). */
export function scrubDeep<T>(value: T, scrub: Scrub): T {
	if (typeof value === 'string') return scrub(value) as T;
	if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub)) as T;
	if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, scrub)])) as T;
	}
	return value;
}
