import type { DuckDBConnection } from '@duckdb/node-api';
import type { DecodedInput } from '$pipelines/decode';
import { matchHeaders, type HeaderMatch, type Mapping } from '$lib/shared/schema/mapping';
import type { KindSchema } from '$lib/shared/schema';
import { compileTyped, TYPED_FROM_FILE_VIEW } from '$pipelines/sql/compile';
import { plan, valueMaps, type Plan, type PlanInput } from './plan';

/** The header match, or null when it fails (it is made again, and fails in earnest, once the file is read). */
export function tryMatch(schema: KindSchema, header: string[], mapping: Mapping): HeaderMatch | null {
	try {
		return matchHeaders(schema, header, mapping);
	} catch {
		return null;
	}
}

export const sameHeader = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((h, i) => h === b[i]);
export const needsCleaning = (d: DecodedInput) => d.cleaning.unicode || d.cleaning.edges;

/**
 * Whether the rows can be typed straight from the file, without the staging table: not when the SQL
 * needs the row number while typing (generated keys), reads other tables (constants, value maps), or
 * must first scan every row of the file (extra survey questions; see also the date order in plan()).
 */
export function readsFromFile(schema: KindSchema, match: HeaderMatch, mapping: Mapping, header: readonly string[]): boolean {
	return (
		match.constants.size === 0 &&
		!match.generatedKey &&
		valueMaps(header, mapping).size === 0 &&
		!(schema.extraAnswersColumn && match.unknown.length > 0)
	);
}

export type FromFile = Omit<PlanInput, 'dirty' | 'keyPrefix' | 'file'> & { path: string; delimiter: string };

/**
 * The plan for typing the rows straight from the file, assuming no cell needs cleaning (the caller
 * checks that against the byte scan). Null when this file needs the staging table after all, or when
 * anything fails: the staged path then does the same work and reports any error as usual.
 */
export async function planFromFile(conn: DuckDBConnection, f: FromFile): Promise<Plan | null> {
	try {
		// generated keys never come this way (readsFromFile), so the key prefix is not needed
		return await plan(conn, { ...f, dirty: {}, keyPrefix: '', file: { path: f.path, delimiter: f.delimiter } });
	} catch {
		return null;
	}
}

/** Types the rows of the file into the view `typed` by the plan; null when that fails or is called off. */
export async function typeFromFile(conn: DuckDBConnection, p: Plan, cancelled: () => boolean = () => false): Promise<Plan | null> {
	try {
		await conn.run(compileTyped(p.input), p.params as never);
		if (cancelled()) return null;
		await conn.run(TYPED_FROM_FILE_VIEW);
		return p;
	} catch {
		return null;
	}
}
