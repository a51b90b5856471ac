/**
 * Child process for the crash test: loads one file into one database and reports its progress on
 * stdout so the test can SIGKILL it at chosen moments and say where the kill landed: "loading" before the
 * load starts, "typed" when the rows have been typed (the counting pass begins), "transaction" when the
 * batch transaction begins, "committed" once it committed, "done <status> <rows>" at the end.
 * Usage: node --import tsx tests/helpers/load-worker.ts <db path> <kind> <file> (the crash test runs it compiled)
 */
import { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../src/lib/server/core/db';
import { ingest } from '../../pipelines/engine';
import type { KindId } from '../../src/lib/shared/schema';

const [dbPath, kind, filePath] = process.argv.slice(2);
if (!dbPath || !kind || !filePath) throw new Error('usage: load-worker <db> <kind> <file>');

// Observe (not change) the engine: announce its steps.
type Run = (this: DuckDBConnection, sql: string, ...rest: unknown[]) => Promise<unknown>;
const observe = (name: 'run' | 'runAndReadAll') => {
	const original = DuckDBConnection.prototype[name] as unknown as Run;
	(DuckDBConnection.prototype as unknown as Record<string, Run>)[name] = async function (
		this: DuckDBConnection,
		sql: string,
		...rest: unknown[]
	) {
		if (sql === 'BEGIN TRANSACTION') process.stdout.write('transaction\n');
		if (/FILTER \(WHERE NOT ok\)/.test(sql)) process.stdout.write('typed\n');
		const result = await original.call(this, sql, ...rest);
		if (sql === 'COMMIT') process.stdout.write('committed\n');
		return result;
	};
};
observe('run');
observe('runAndReadAll');

const db = await Database.open(dbPath);
process.stdout.write('loading\n');
const summary = await ingest(db, { kind: kind as KindId, filePath, source: 'cli', createdBy: 'crash-test' });
process.stdout.write(`done ${summary.status} ${summary.rows_loaded}\n`);
db.close();
