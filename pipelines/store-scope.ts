import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import { storeScopeSql } from '$lib/server/core/db/store-scope';
import { IngestFailure } from '$lib/shared/schema/errors';
import type { Locale } from './messages';
import type { KindSchema } from '$lib/shared/schema';

/**
 * Store scope of a load (docs/decisions.md, "Store scope of writes"). A user limited to some stores may
 * load only rows of those stores, and may not replace, through its key, a row the database holds for
 * another store (nor one without a store). The engine records the stores every batch touches, which
 * decides who sees it and who may roll it back.
 */

const SHOWN = 10;

export interface FileStores {
	/** the distinct stores the file's rows name (loaded and rejected rows, blank rows aside) */
	named: string[];
	/** rows that name no store */
	storeless: number;
	/** the batch's store list as recorded: null when some row has no store or the kind has no store column */
	known: string[] | null;
}

/** The stores the typed rows of the file name (`typed`, with `failing` when some rows failed). */
export async function batchStores(conn: DuckDBConnection, schema: KindSchema, hasFailing: boolean): Promise<FileStores> {
	if (!schema.storeColumn) return { named: [], storeless: 0, known: null };
	const col = `t_${schema.storeColumn}`;
	const rows = hasFailing ? 'ok OR _i IN (SELECT _i FROM failing WHERE NOT blank)' : 'ok';
	const [r] = await queryRows<{ named: string[] | null; storeless: number }>(
		conn,
		`SELECT list_sort(list(DISTINCT ${col}) FILTER (WHERE ${col} IS NOT NULL)) AS named, count(*) FILTER (WHERE ${col} IS NULL) AS storeless FROM typed WHERE ${rows}`
	);
	const named = r?.named ? [...r.named] : [];
	const storeless = Number(r?.storeless ?? 0);
	return { named, storeless, known: storeless > 0 ? null : named };
}

const listed = (items: readonly string[]) => items.slice(0, SHOWN).join('、') + (items.length > SHOWN ? ` …（${items.length}）` : '');

/** Refuses the file (IngestFailure) when it reaches outside the loader's stores; the rows to load are `final`. */
export async function checkStoreScope(
	conn: DuckDBConnection,
	schema: KindSchema,
	scope: readonly string[],
	file: FileStores,
	locale: Locale
): Promise<void> {
	const outside = file.named.filter((s) => !scope.includes(s));
	if (file.storeless > 0) outside.push(locale === 'en' ? '(no store)' : '（未填门店）');
	if (outside.length > 0) throw new IngestFailure('store_out_of_scope', { stores: listed(outside), allowed: scope.join('、') });
	const x = schema.storeColumn!;
	const inScope = storeScopeSql(scope, `x.${x}`, 1);
	// a semi-join: a correlated EXISTS over the view `final` is not decorrelated (seconds at millions of rows)
	const keyMatch = schema.key.map((k) => `x.${k} = f.t_${k}`).join(' AND ');
	const taken = await queryRows<{ key: string; n: number }>(
		conn,
		`SELECT concat_ws(' / ', ${schema.key.map((k) => `CAST(x.${k} AS VARCHAR)`).join(', ')}) AS key, count(*) OVER () AS n
		 FROM ${schema.table} x SEMI JOIN final f ON ${keyMatch} WHERE NOT ${inScope.sql} ORDER BY 1 LIMIT ${SHOWN}`,
		inScope.params
	);
	if (taken.length > 0)
		throw new IngestFailure('store_key_out_of_scope', { count: Number(taken[0]!.n), keys: taken.map((t) => t.key).join('、') });
}
