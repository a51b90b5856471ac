import { listValue } from '@duckdb/node-api';

/**
 * The one SQL test of a user's store scope (null = every store), with its bound parameter. An empty
 * scope sees nothing; a row without a store is outside every limited scope (false, never NULL, so the
 * condition can be negated to find what lies outside).
 */
export function storeScopeSql(scope: readonly string[] | null, column: string, paramIndex: number): { sql: string; params: unknown[] } {
	if (scope === null) return { sql: 'true', params: [] };
	if (scope.length === 0) return { sql: 'false', params: [] };
	return { sql: `coalesce(list_contains($${paramIndex}::VARCHAR[], ${column}), false)`, params: [listValue([...scope])] };
}

/**
 * Whether a recorded list of stores (a batch's `stores`) lies wholly inside the scope; an unknown list
 * (NULL) only for users of every store.
 */
export function storeListInScopeSql(
	scope: readonly string[] | null,
	column: string,
	paramIndex: number
): { sql: string; params: unknown[] } {
	if (scope === null) return { sql: 'true', params: [] };
	if (scope.length === 0) return { sql: 'false', params: [] };
	return {
		sql: `coalesce(${column} IS NOT NULL AND list_has_all($${paramIndex}::VARCHAR[], ${column}), false)`,
		params: [listValue([...scope])]
	};
}

/** A store scope as a key of kept values (`Database.keptUntilWrite`): the same for the same stores in any order. */
export const scopeKey = (scope: readonly string[] | null): string => (scope === null ? '*' : JSON.stringify([...scope].sort()));
