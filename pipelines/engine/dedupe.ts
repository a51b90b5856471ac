import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import type { KindSchema } from '$lib/shared/schema';
import { rowNumber, type DecodedInput } from '$pipelines/decode';
import { reason, type Locale } from '$pipelines/messages';
import type { StoredError } from '$pipelines/store';

// Duplicate keys inside one file: identical rows collapse (the last one is kept), conflicting ones are
// rejected. INSERT OR REPLACE would silently keep the first of two rows with one key, so the file's own
// repeats are settled here, before the insert.

/** The natural key's typed columns, as an SQL list. */
export const typedKeyColumns = (schema: KindSchema) => schema.key.map((k) => `t_${k}`).join(', ');

export interface RepeatedKeys {
	/** keys whose rows differ: every one of those rows is rejected */
	conflicts: { key: string; rows: number[] }[];
	/** rows identical to a later row of the same key, dropped */
	collapsed: number;
}

/**
 * Ranks the good rows of each repeated key (the table `keyed`) and finds the conflicts; run only when
 * the file has repeated keys (most have none, which a distinct count shows without this window pass).
 */
export async function repeatedKeys(
	conn: DuckDBConnection,
	schema: KindSchema,
	outputs: readonly { name: string }[],
	decoded: DecodedInput
): Promise<RepeatedKeys> {
	const keyCols = typedKeyColumns(schema);
	const hashCols = outputs.map((o) => `t_${o.name}`).join(', ');
	await conn.run(`CREATE OR REPLACE TEMP TABLE keyed AS
			SELECT _i, ${keyCols}, count(DISTINCT hash(${hashCols})) OVER (PARTITION BY ${keyCols}) AS variants,
			       row_number() OVER (PARTITION BY ${keyCols} ORDER BY _i DESC) AS nth
			FROM typed WHERE ok`);
	const conflicts = (
		await queryRows<{ key: string; rows: number[] }>(
			conn,
			`SELECT concat_ws(' / ', ${schema.key.map((k) => `CAST(t_${k} AS VARCHAR)`).join(', ')}) AS key, list(_i ORDER BY _i) AS rows
			 FROM keyed WHERE variants > 1 GROUP BY ALL ORDER BY min(_i)`
		)
	).map((c) => ({ key: c.key, rows: c.rows.map((i) => rowNumber(decoded, Number(i))) }));
	const [{ collapsed = 0 } = {}] = await queryRows<{ collapsed: number }>(
		conn,
		'SELECT count(*) AS collapsed FROM keyed WHERE variants = 1 AND nth > 1'
	);
	return { conflicts, collapsed };
}

/** One error for each row of a conflicting key, and the rows they reject. */
export function conflictErrors(
	conflicts: RepeatedKeys['conflicts'],
	schema: KindSchema,
	locale: Locale
): { errors: StoredError[]; rows: Set<number> } {
	const errors: StoredError[] = [];
	const rows = new Set<number>();
	for (const c of conflicts) {
		const rowsText = c.rows.map(Number).join('、');
		for (const r of c.rows.map(Number)) {
			rows.add(r);
			const params = { key: c.key, rows: rowsText };
			errors.push({
				row: r,
				column: schema.key.join(' + '),
				value: c.key,
				code: 'duplicate_key_conflict',
				params,
				reason: reason('duplicate_key_conflict', params, locale),
				cells: null
			});
		}
	}
	return { errors, rows };
}

/** `final`: the rows to load. A view, so the rows are not copied once more before the insert. */
export async function selectFinalRows(conn: DuckDBConnection, repeated: boolean): Promise<void> {
	await conn.run(
		repeated
			? `CREATE OR REPLACE TEMP VIEW final AS SELECT t.* FROM typed t JOIN keyed k USING (_i) WHERE k.variants = 1 AND k.nth = 1`
			: `CREATE OR REPLACE TEMP VIEW final AS SELECT * FROM typed WHERE ok`
	);
}
