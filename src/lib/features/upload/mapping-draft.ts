import { autoMatch, MAX_COLUMNS, normalizeHeader } from '$lib/shared/schema/headers';

export { MAX_COLUMNS };
import type { Mapping } from '$lib/shared/schema/mapping';
import type { ColumnSpec, KindSchema } from '$lib/shared/schema/types';
import type { CheckSpec } from './checks';

/**
 * The upload page's column mapping as the user edits it, and its translation to and from the engine's
 * own mapping format (src/lib/shared/schema/mapping.ts: columns, constants, values, generate_key, date_order), which
 * is what the API receives and what saved mappings store. Pure: tested without a browser.
 */

/** per source column: a canonical column, 'ignore', 'extra' (a survey's extra question) or '' (unmatched) */
export type Target = string;
export const IGNORE = 'ignore';
export const EXTRA = 'extra';

export interface Draft {
	targets: Target[];
	constants: Record<string, string>;
	generateKey: boolean;
	dateOrder: '' | 'mdy' | 'dmy';
	values: Mapping['values'];
}

export function emptyDraft(): Draft {
	return { targets: [], constants: {}, generateKey: false, dateOrder: '', values: {} };
}

/** What the engine would match by itself; in survey files, unmatched numeric columns are extra questions. */
export function proposeDraft(schema: KindSchema, header: readonly string[], numeric: readonly boolean[]): Draft {
	const auto = autoMatch(schema, header);
	const targets = auto.map((t, i) => t ?? (schema.extraAnswersColumn && numeric[i] && header[i]!.trim() !== '' ? EXTRA : ''));
	return { ...emptyDraft(), targets };
}

/** A saved or pasted mapping applied to this file's header (headers compared as the engine compares them). */
export function draftFromMapping(
	schema: KindSchema,
	header: readonly string[],
	numeric: readonly boolean[],
	mapping: Partial<Mapping>
): Draft {
	const proposed = proposeDraft(schema, header, numeric);
	const explicit = new Map(Object.entries(mapping.columns ?? {}).map(([src, target]) => [normalizeHeader(src), target]));
	const known = new Set(schema.columns.map((c) => c.name));
	const targets = header.map((h, i) => {
		const t = explicit.get(normalizeHeader(h));
		return t !== undefined && (t === IGNORE || known.has(t)) ? t : proposed.targets[i]!;
	});
	// a column claimed explicitly is not also claimed by an automatic match elsewhere
	const claimedExplicitly = new Set(header.map((h, i) => (explicit.has(normalizeHeader(h)) ? targets[i] : null)).filter(Boolean));
	const fixed = targets.map((t, i) => (!explicit.has(normalizeHeader(header[i]!)) && claimedExplicitly.has(t) && t !== IGNORE ? '' : t));
	const constants = Object.fromEntries(Object.entries(mapping.constants ?? {}).filter(([k]) => known.has(k)));
	return {
		targets: fixed,
		constants,
		generateKey: !!mapping.generate_key,
		dateOrder: mapping.date_order ?? '',
		values: mapping.values ?? {}
	};
}

/** The engine's mapping for a draft: every column the user matched or ignored, plus the rest of the draft. */
export function toMapping(header: readonly string[], d: Draft): Mapping {
	const columns: Record<string, string> = {};
	d.targets.forEach((t, i) => {
		if (t !== '' && t !== EXTRA && header[i]!.trim() !== '') columns[header[i]!] = t;
	});
	const constants = Object.fromEntries(
		Object.entries(d.constants)
			.filter(([, v]) => v.trim() !== '')
			.map(([k, v]) => [k, v.trim()])
	);
	const present = new Set(header.map(normalizeHeader));
	const values = Object.fromEntries(Object.entries(d.values).filter(([h]) => present.has(normalizeHeader(h))));
	const out: Mapping = { columns, constants, generate_key: d.generateKey, values };
	if (d.dateOrder) out.date_order = d.dateOrder;
	return out;
}

/** Required columns that no source column, constant or generated key provides: they block validation. */
export function missingRequired(schema: KindSchema, d: Draft): ColumnSpec[] {
	const taken = new Set(d.targets);
	const generated = d.generateKey && schema.key.length === 1 ? schema.key[0] : null;
	return schema.columns.filter((c) => c.required && !taken.has(c.name) && !(d.constants[c.name] ?? '').trim() && c.name !== generated);
}

/** Canonical columns chosen for two source columns at once (the engine would keep only one). */
export function doubleTargets(d: Draft): string[] {
	const seen = new Set<string>();
	const twice = new Set<string>();
	for (const t of d.targets) {
		if (t === '' || t === IGNORE || t === EXTRA) continue;
		if (seen.has(t)) twice.add(t);
		seen.add(t);
	}
	return [...twice];
}

/** What the browser checks on every row for this draft. */
export function checkSpec(schema: KindSchema, header: readonly string[], d: Draft): CheckSpec {
	const byName = new Map(schema.columns.map((c) => [c.name, c]));
	const valuesByHeader = new Map(Object.entries(d.values).map(([h, v]) => [normalizeHeader(h), v]));
	const columns: CheckSpec['columns'] = [];
	d.targets.forEach((t, index) => {
		const values = valuesByHeader.get(normalizeHeader(header[index]!));
		if (t === EXTRA) return columns.push({ index, header: header[index]!, type: 'extra', required: false, values });
		const spec = byName.get(t);
		if (!spec) return;
		const isKey = d.generateKey && schema.key.length === 1 && schema.key[0] === spec.name;
		const type = spec.type === 'integer' ? 'integer' : spec.type === 'decimal' || spec.type === 'money' ? 'number' : 'required-text';
		columns.push({ index, header: header[index]!, type, required: !!spec.required && !isKey, min: spec.min, max: spec.max, values });
	});
	return { fields: header.length, columns };
}
