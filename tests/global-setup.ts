import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest's global set-up: a directory for what the test processes share during one run (the migrated database
 * every new test database is copied from: tests/helpers/db.ts, `migratedFile`), removed at the end. The workers
 * are started after this runs and inherit the variable.
 */
export default function setup(): () => void {
	const dir = mkdtempSync(join(tmpdir(), 'sqa-run-'));
	process.env.SQA_TEST_SHARED = dir;
	return () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
}
