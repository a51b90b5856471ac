import { Database, databasePath } from './db';

let opening: Promise<Database> | null = null;

/** The process's one DuckDB instance, opened (and migrated) on first use from DATABASE_PATH. */
export function getDatabase(): Promise<Database> {
	opening ??= Database.open(databasePath()).catch((e) => {
		opening = null;
		throw e;
	});
	return opening;
}

export async function closeDatabase(): Promise<void> {
	if (!opening) return;
	const db = await opening.catch(() => null);
	opening = null;
	db?.close();
}
