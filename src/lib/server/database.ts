import { Database, databasePath } from './db';
import { log } from './log';
import { evaluationSettled, scheduleEvaluation } from './quality/alerts';

/** Exit status after DuckDB invalidated the database (EX_SOFTWARE): non-zero, so a supervisor restarts the server. */
export const FATAL_EXIT_CODE = 70;

let opening: Promise<Database> | null = null;

/**
 * The process's one DuckDB instance, opened (and migrated) on first use from DATABASE_PATH. Quality
 * alerts are evaluated once at opening (loads made by the CLI while no server ran) and again whenever
 * write work under the lock ends — a committed batch, a rollback.
 */
export function getDatabase(): Promise<Database> {
	opening ??= Database.open(databasePath())
		.then((db) => {
			db.onWritesDone(() => scheduleEvaluation(db));
			// Every later request would fail: better a clean restart by systemd or docker (the file and its WAL
			// hold every committed batch) than a server that answers 500 until someone notices.
			db.onFatal((e) => {
				log('database').fatal({ err: e, exit: FATAL_EXIT_CODE }, 'DuckDB invalidated the database; exiting so the server is restarted');
				setTimeout(() => process.exit(FATAL_EXIT_CODE), 50);
			});
			scheduleEvaluation(db);
			return db;
		})
		.catch((e) => {
			opening = null;
			throw e;
		});
	return opening;
}

/** Checkpoints and closes the database (at shutdown: the next start then has no WAL to replay). */
export async function closeDatabase(): Promise<void> {
	if (!opening) return;
	const db = await opening.catch(() => null);
	opening = null;
	if (!db) return;
	// the alert evaluation that every finished write schedules must not be running when the instance closes (it crashes the process)
	await evaluationSettled(db);
	await db.checkpointAndClose();
}
