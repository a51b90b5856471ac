import { Database, databasePath } from '$lib/server/core/db';
import { log } from '$lib/server/core/log';

/** Exit status after DuckDB invalidated the database (EX_SOFTWARE): non-zero, so a supervisor restarts the server. */
export const FATAL_EXIT_CODE = 70;

/** Work a higher layer attaches to the process's database (the quality alerts' evaluation, from hooks.server.ts). */
export interface DatabaseHooks {
	/** once the database is open and migrated */
	opened(db: Database): void;
	/** before it closes: work still running on it must end first (closing under a query crashes the process) */
	beforeClose(db: Database): Promise<void>;
}

let opening: Promise<Database> | null = null;
const hooks: DatabaseHooks[] = [];

/** Attaches hooks; registered once at start, before the first request opens the database. */
export function onDatabase(h: DatabaseHooks): void {
	hooks.push(h);
}

/** The process's one DuckDB instance, opened (and migrated) on first use from DATABASE_PATH. */
export function getDatabase(): Promise<Database> {
	opening ??= Database.open(databasePath())
		.then((db) => {
			// Every later request would fail: better a clean restart by systemd or docker (the file and its WAL
			// hold every committed batch) than a server that answers 500 until someone notices.
			db.onFatal((e) => {
				log('database').fatal({ err: e, exit: FATAL_EXIT_CODE }, 'DuckDB invalidated the database; exiting so the server is restarted');
				setTimeout(() => process.exit(FATAL_EXIT_CODE), 50);
			});
			for (const h of hooks) h.opened(db);
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
	for (const h of hooks) await h.beforeClose(db);
	await db.checkpointAndClose();
}
