import type { KindSchema } from './types';

/**
 * How source headers are recognised: shared by the engine (`mapping.ts`) and the upload page, which
 * proposes the same matches in the browser before anything is sent. Pure and dependency-free, so the
 * browser bundle does not carry the engine's validation library.
 */

/**
 * Most columns a file may have. A kind has at most ~25 canonical columns; a survey adds its extra
 * questions. DuckDB's planning of the typing query grows with the square of the column count (200
 * columns ≈ 1 s, 800 ≈ 10 s, 5,000 ≈ 270 s and 930 MB, holding the write lock all along), so a wider
 * file is refused before anything is staged.
 */
export const MAX_COLUMNS = 200;

/** Case-, width- and space-insensitive form of a header. */
export function normalizeHeader(h: string): string {
	return h
		.normalize('NFKC')
		.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
		.toLowerCase()
		.replace(/[\s_]+/g, '');
}

/** normalised header → canonical column, from each column's name and aliases (the name wins over an alias). */
export function headerLookup(schema: KindSchema): Map<string, string> {
	const lookup = new Map<string, string>();
	for (const c of schema.columns) {
		for (const a of [...c.aliases].reverse()) lookup.set(normalizeHeader(a), c.name);
		lookup.set(normalizeHeader(c.name), c.name);
	}
	return lookup;
}

/**
 * The canonical column each source column would match without an explicit mapping (null: none), as the
 * engine decides it: the first source column to claim a canonical column keeps it.
 */
export function autoMatch(schema: KindSchema, header: readonly string[]): (string | null)[] {
	const lookup = headerLookup(schema);
	const taken = new Set<string>();
	return header.map((h) => {
		const target = lookup.get(normalizeHeader(h));
		if (!target || taken.has(target)) return null;
		taken.add(target);
		return target;
	});
}
