/**
 * Web server for the e2e tests: a fresh DuckDB file loaded with the sample files through the real
 * ingestion engine, then the built app (`build/index.js`, built beforehand) serving it.
 *
 *   npx tsx tests/e2e/serve.ts [--port 4317] [--empty]
 *
 * `--empty` serves a database with no data at all, for the empty states. `--generated` serves two years of
 * generated data (pipelines/generate, seed 1: 武汉光谷店 deteriorates from 2025-03-03), for the quality pages. All have the demo accounts
 * (one per role, see src/lib/server/auth/demo-accounts.ts), created with the product's own functions.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../../src/lib/server/core/db';
import { ingest } from '../../pipelines/engine';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { E2E_PORT } from './port';
import { SAMPLE_LOADS, STALE_STAFF_DAYS } from './samples';
import { generate } from '../../pipelines/generate/index';

const SERVER_ENTRY = 'build/index.js';

async function createDatabase(dbPath: string, withSamples: boolean, generated: string | null): Promise<void> {
	const db = await Database.open(dbPath);
	try {
		const users = await ensureDemoUsers(db);
		console.log(`[e2e] users: ${users.map((u) => `${u.username} (${u.role})`).join(', ')}`);
		if (generated) {
			// no contacts: the quality tests do not read them, and 600,000 rows would slow this server's start by 12 s
			await generate({ outDir: generated, scale: 30_000, seed: 1, contactsPerComplaint: 0 });
			for (const kind of ['traffic', 'complaints', 'surveys', 'inspections'] as const) {
				const summary = await ingest(db, { kind, filePath: join(generated, `${kind}.csv`), source: 'cli', createdBy: 'e2e' });
				console.log(`[e2e] generated ${kind}: ${summary.status}, loaded ${summary.rows_loaded}`);
			}
			return;
		}
		if (!withSamples) return;
		for (const { kind, file } of SAMPLE_LOADS) {
			const summary = await ingest(db, { kind, filePath: resolve('data/samples', file), source: 'cli', createdBy: 'e2e' });
			console.log(`[e2e] ${kind} ${file}: ${summary.status}, loaded ${summary.rows_loaded}, rejected ${summary.rows_rejected}`);
		}
		// The staff list was last loaded STALE_STAFF_DAYS ago (past its 40-day cadence): the pages say so.
		await db.withConnection((c) =>
			c.run(
				`UPDATE batches SET started_at = started_at - to_days($1::INTEGER), finished_at = finished_at - to_days($1::INTEGER) WHERE kind = 'staff'`,
				[STALE_STAFF_DAYS]
			)
		);
	} finally {
		db.close();
	}
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: { port: { type: 'string' }, empty: { type: 'boolean', default: false }, generated: { type: 'boolean', default: false } }
	});
	const port = Number(values.port ?? E2E_PORT);
	if (!existsSync(SERVER_ENTRY)) {
		throw new Error(`${SERVER_ENTRY} is missing: build the app first (npm run build)`);
	}

	const dir = mkdtempSync(join(tmpdir(), 'sqa-e2e-'));
	const cleanup = () => rmSync(dir, { recursive: true, force: true });
	const dbPath = join(dir, 'e2e.duckdb');
	try {
		await createDatabase(dbPath, !values.empty, values.generated ? join(dir, 'generated') : null);
	} catch (e) {
		cleanup();
		throw e;
	}

	const origin = `http://127.0.0.1:${port}`;
	const server = spawn(process.execPath, [SERVER_ENTRY], {
		stdio: 'inherit',
		env: {
			...process.env,
			DATABASE_PATH: dbPath,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			BODY_SIZE_LIMIT: '50M',
			LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn'
		}
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => server.kill(signal));
	}
	server.on('exit', (code, signal) => {
		cleanup();
		process.exit(code ?? (signal ? 1 : 0));
	});
}

main().catch((e) => {
	console.error('[e2e] could not start the test server:', e);
	process.exit(1);
});
