/**
 * Child process for the crash test: loads one file into one database and reports its progress on
 * stdout ("loading" before the load starts, "transaction" when the batch transaction begins,
 * "done <status>" at the end) so the test can SIGKILL it at chosen moments.
 * Usage: npx tsx tests/helpers/load-worker.ts <db path> <kind> <file>
 */
import { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../src/lib/server/db';
import { ingest } from '../../pipelines/engine';
import type { KindId } from '../../pipelines/schema';

const [dbPath, kind, filePath] = process.argv.slice(2);
if (!dbPath || !kind || !filePath) throw new Error('usage: load-worker <db> <kind> <file>');

// Observe (not change) the engine: announce the start of the batch transaction.
const run = DuckDBConnection.prototype.run;
DuckDBConnection.prototype.run = function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
	if (sql === 'BEGIN TRANSACTION') process.stdout.write('transaction\n');
	return (run as (...a: unknown[]) => ReturnType<typeof run>).call(this, sql, ...rest);
} as typeof run;

const db = await Database.open(dbPath);
process.stdout.write('loading\n');
const summary = await ingest(db, { kind: kind as KindId, filePath, source: 'cli', createdBy: 'crash-test' });
process.stdout.write(`done ${summary.status} ${summary.rows_loaded}\n`);
db.close();
