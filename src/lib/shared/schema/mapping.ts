import { z } from 'zod';
import type { ColumnSpec, KindSchema } from '$lib/shared/schema';
import { IngestFailure } from './errors';
import { headerLookup, MAX_COLUMNS, normalizeHeader } from './headers';

export { normalizeHeader };

/**
 * An explicit mapping for files whose headers do not match, given as `--map file.json` or by the
 * upload page. Either the flat form `{"源列名": "canonical_column"}` or the full form below.
 */
export const mappingSchema = z.object({
	/** source header → canonical column, or "ignore" */
	columns: z.record(z.string(), z.string()).default({}),
	/** a value for every row, for facts the file does not carry (store, wave, method, channel, a date) */
	constants: z.record(z.string(), z.string()).default({}),
	/** derive the natural key from the file's sha256 and the row number when the file has none */
	generate_key: z.boolean().default(false),
	/** per source header: source value → value the engine understands (e.g. 用户评分 → 已办结) */
	values: z.record(z.string(), z.record(z.string(), z.string())).default({}),
	/** how to read 3/4/2025: "mdy" or "dmy"; otherwise decided from the file when unambiguous */
	date_order: z.enum(['mdy', 'dmy']).optional()
});
export type Mapping = z.infer<typeof mappingSchema>;

const FULL_KEYS = ['columns', 'constants', 'generate_key', 'values', 'date_order'];

export function parseMapping(raw: unknown): Mapping {
	if (raw === undefined || raw === null) return mappingSchema.parse({});
	if (typeof raw !== 'object' || Array.isArray(raw)) throw new IngestFailure('mapping_invalid', { detail: 'not an object' });
	const isFull = Object.keys(raw).some((k) => FULL_KEYS.includes(k));
	const result = mappingSchema.safeParse(isFull ? raw : { columns: raw });
	if (!result.success)
		throw new IngestFailure('mapping_invalid', { detail: result.error.issues.map((i) => i.path.join('.') + ': ' + i.message).join('; ') });
	return result.data;
}

export interface HeaderMatch {
	/** canonical column → index of the source column */
	columns: Map<string, number>;
	constants: Map<string, string>;
	generatedKey: string | null;
	/** source columns that matched nothing (index, header) */
	unknown: { index: number; header: string }[];
	ignored: { index: number; header: string }[];
}

/** Refuses a file with more columns than MAX_COLUMNS (see headers.ts), naming both numbers. */
export function checkColumnCount(header: readonly string[]): void {
	if (header.length > MAX_COLUMNS) throw new IngestFailure('columns_too_many', { columns: header.length, max: MAX_COLUMNS });
}

/** Source columns to canonical ones, in one pass over the header (every lookup is a Map's). */
export function matchHeaders(schema: KindSchema, header: readonly string[], mapping: Mapping): HeaderMatch {
	checkColumnCount(header);
	const byName = new Map<string, ColumnSpec>(schema.columns.map((c) => [c.name, c]));
	const lookup = headerLookup(schema);
	const explicit = new Map<string, string>();
	for (const [src, target] of Object.entries(mapping.columns)) {
		if (target !== 'ignore' && !byName.has(target))
			throw new IngestFailure('mapping_unknown_column', { column: target, allowed: [...byName.keys()].join(', ') });
		explicit.set(normalizeHeader(src), target);
	}
	for (const name of Object.keys(mapping.constants)) {
		if (!byName.has(name)) throw new IngestFailure('mapping_unknown_column', { column: name, allowed: [...byName.keys()].join(', ') });
	}

	const seen = new Map<string, number>();
	header.forEach((h, i) => {
		const n = normalizeHeader(h);
		if (n === '') return;
		if (seen.has(n)) throw new IngestFailure('header_duplicate', { column: h, first: seen.get(n)! + 1, second: i + 1 });
		seen.set(n, i);
	});

	const columns = new Map<string, number>();
	const unknown: HeaderMatch['unknown'] = [];
	const ignored: HeaderMatch['ignored'] = [];
	header.forEach((h, index) => {
		const n = normalizeHeader(h);
		const target = explicit.get(n) ?? lookup.get(n);
		if (target === 'ignore') return ignored.push({ index, header: h });
		if (!target || mapping.constants[target] !== undefined) return unknown.push({ index, header: h });
		if (columns.has(target)) {
			// Two source columns claim one canonical column: the explicit mapping wins, else the first one.
			if (explicit.get(n) === target) columns.set(target, index);
			else unknown.push({ index, header: h });
			return;
		}
		columns.set(target, index);
	});

	const constants = new Map(Object.entries(mapping.constants));
	let generatedKey: string | null = null;
	if (mapping.generate_key) {
		if (schema.key.length !== 1) throw new IngestFailure('mapping_generate_key_composite', { key: schema.key.join(' + ') });
		generatedKey = schema.key[0]!;
		columns.delete(generatedKey);
	}
	const missing = schema.columns.filter((c) => c.required && !columns.has(c.name) && !constants.has(c.name) && c.name !== generatedKey);
	if (missing.length > 0) {
		throw new IngestFailure('columns_missing', {
			columns: missing.map((c) => `${c.aliases[0] ?? c.name} (${c.name})`).join('、'),
			found: header.filter((h) => h.trim() !== '').join('、')
		});
	}
	return { columns, constants, generatedKey, unknown, ignored };
}
