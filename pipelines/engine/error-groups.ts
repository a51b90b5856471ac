import type { ErrorGroup, RowError } from '$lib/shared/schema/errors';
import type { HeaderMatch } from '$lib/shared/schema/mapping';
import type { KindSchema } from '$lib/shared/schema';

export type { ErrorGroup };

/**
 * Groups row errors by column, reason and value, largest first (see ErrorGroup); a value the schema does
 * not allow in a column read from the file names the values it may be mapped onto.
 */
export const MAX_ERROR_GROUPS = 100;
const ROWS_PER_GROUP = 5;

export function groupErrors(
	errors: readonly RowError[],
	schema: KindSchema,
	header: readonly string[],
	match: HeaderMatch
): { groups: ErrorGroup[]; total: number } {
	const byName = new Map(schema.columns.map((c) => [c.name, c]));
	const canonicalOf = new Map([...match.columns].map(([name, index]) => [header[index]!, byName.get(name)]));
	const groups = new Map<string, ErrorGroup>();
	for (const e of errors) {
		const key = JSON.stringify([e.column, e.code, e.value]);
		const g = groups.get(key);
		if (g) {
			g.count++;
			if (e.row !== null && g.rows.length < ROWS_PER_GROUP) g.rows.push(e.row);
			continue;
		}
		const group: ErrorGroup = {
			column: e.column,
			code: e.code,
			value: e.value,
			reason: e.reason,
			count: 1,
			rows: e.row === null ? [] : [e.row]
		};
		const spec = e.column !== null ? canonicalOf.get(e.column) : undefined;
		// the engine maps a cell's trimmed text (see rawExpr in sql/compile.ts)
		if (e.code === 'enum_invalid' && spec?.enum && e.column !== null && e.value !== null && e.value.trim() !== '')
			group.valueMap = { source: e.column, value: e.value.trim(), allowed: [...spec.enum.values] };
		groups.set(key, group);
	}
	const sorted = [...groups.values()].sort((a, b) => b.count - a.count || (a.rows[0] ?? 0) - (b.rows[0] ?? 0));
	return { groups: sorted.slice(0, MAX_ERROR_GROUPS), total: sorted.length };
}
