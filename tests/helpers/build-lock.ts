import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs `fn` holding the lock the tests' build takes (`ensureBuilt`, tests/helpers/server.ts): one build at a time, and
 * no build decided while a test holds its sources changed for a moment (the layer test's probe files make the build
 * look older than its sources until they are gone and the folders' times put back). A build started then ran beside
 * the other tests, and a server started meanwhile answered every page with a 500. tests/run.ts counts a build during
 * the tests as a failure.
 */
export function holdingBuildLock<T>(fn: () => T): T {
	const lock = join(process.cwd(), '.build-lock');
	const wait = new Int32Array(new SharedArrayBuffer(4));
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			Atomics.wait(wait, 0, 0, 500);
		}
	}
	try {
		return fn();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}
