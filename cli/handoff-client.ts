import { readHandoff } from '../src/lib/server/core/db/handoff';
import { Database } from '../src/lib/server/core/db';

/**
 * A command-line tool's command, run where the database is: handed to the running server (its note beside
 * the file, its secret, 127.0.0.1, `endpoint`) or, with no server, run here on the file opened directly.
 */
export async function runWhereTheDatabaseIs<C, R>(
	dbPath: string,
	endpoint: string,
	cmd: C,
	here: (db: Database) => Promise<R>
): Promise<R> {
	const handoff = readHandoff(dbPath);
	if (handoff) {
		try {
			return await postToServer<R>(handoff, endpoint, cmd);
		} catch (e) {
			// A server that does not answer cannot hold the file for long; try it directly.
			if (!(e instanceof TypeError)) throw e;
		}
	}
	const db = await Database.open(dbPath);
	try {
		return await here(db);
	} finally {
		await db.checkpointAndClose();
	}
}

/**
 * A command handed to the running server that owns the database file: POSTed to its internal `endpoint` on
 * 127.0.0.1 with the secret of its note. A server that does not answer fails with a TypeError (fetch's).
 */
export async function postToServer<R>(handoff: { port: number; token: string }, endpoint: string, cmd: unknown): Promise<R> {
	const res = await fetch(`http://127.0.0.1:${handoff.port}${endpoint}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${handoff.token}`, 'content-type': 'application/json' },
		body: JSON.stringify(cmd)
	});
	if (!res.ok) throw new Error(`server answered ${res.status}: ${await res.text()}`);
	return (await res.json()) as R;
}
