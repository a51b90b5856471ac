import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { MACROS } from '../../pipelines/sql/macros';

/** An in-memory DuckDB connection with the ingestion macros created on it. */
export async function macroConnection(): Promise<{ conn: DuckDBConnection; close: () => void }> {
	const instance = await DuckDBInstance.create(':memory:');
	const conn = await instance.connect();
	for (const m of MACROS) await conn.run(m);
	return {
		conn,
		close: () => {
			conn.closeSync();
			instance.closeSync();
		}
	};
}

/** Evaluates one SQL expression over a bound text value `$1` and returns the JS value (timestamps as text). */
export async function evalSql(conn: DuckDBConnection, expr: string, value: string | null): Promise<unknown> {
	const reader = await conn.runAndReadAll(`SELECT ${expr} AS v`, [value] as never);
	const v = reader.getRowObjectsJS()[0]?.v;
	return typeof v === 'bigint' ? Number(v) : v;
}
