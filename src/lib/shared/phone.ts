/**
 * The digits a phone is identified by, exactly as the ingestion engine stores them (pipelines/sql/macros.ts
 * `sq_phone`): separators removed, +86 / 0086 (or a bare 86 before a 13-digit number) dropped.
 * Used for the keyed hash, so that a raw value and its stored form hash alike. Null when not a phone.
 */
export function canonicalPhone(raw: string | null | undefined): string | null {
	if (raw === null || raw === undefined) return null;
	let digits = raw
		.normalize('NFKC')
		.replace(/^\s*(\+\s*86|0086)/u, '')
		.replace(/\D/gu, '');
	if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
	return digits.length >= 7 && digits.length <= 12 ? digits : null;
}
