import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { verifyAuditChain } from '../../src/lib/server/core/db/audit';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { ingest } from '../../pipelines/engine';
import { sample, tempDir } from '../helpers/db';
import { login, startServer, type RunningServer } from '../helpers/server';
import { toolCommand } from '../helpers/cli';

/** Backup while the server runs (handed to it), restore into a new file, and the restored file works. */
let server: RunningServer;
let dir: string;
let cleanup: () => void;

const counts = async (db: Database) =>
	db.withConnection(async (c) =>
		Object.fromEntries(
			await Promise.all(
				['complaints', 'surveys', 'batches', 'users', 'audit_log', 'rejected_rows'].map(
					async (t) => [t, Number((await queryRows<{ n: bigint }>(c, `SELECT count(*) AS n FROM ${t}`))[0]!.n)] as const
				)
			)
		)
	);

beforeAll(async () => {
	({ dir, cleanup } = tempDir('sqa-backup-'));
	server = await startServer({
		prepare: async (db) => {
			await ensureDemoUsers(db);
			for (const [kind, file] of [
				['complaints', 'complaints_gbk.csv'],
				['surveys', 'surveys.csv'],
				['surveys', 'surveys_with_errors.csv']
			] as const) {
				await ingest(db, { kind, filePath: sample(file), source: 'cli', createdBy: 'test' });
			}
		}
	});
	await login(server, 'admin', 'admin-demo-2025'); // an audit entry
}, 180_000);

afterAll(async () => {
	await server?.stop();
	cleanup?.();
});

const cli = (args: string[]) =>
	spawnSync(...toolCommand('ingest', args), { encoding: 'utf8', env: { ...process.env, QUALITY_LANG: 'zh-CN' } });

describe('backup and restore', () => {
	it('backs up through the running server, restores into a new file with the same rows, key and working audit chain', async () => {
		const backup = join(dir, 'b1');
		const out = cli(['backup', backup, '--db', server.dbPath, '--json']);
		expect(out.status, out.stderr).toBe(0);
		const manifest = JSON.parse(out.stdout) as { tables: Record<string, number> };
		expect(manifest.tables.complaints).toBe(300);
		expect(statSync(backup).mode & 0o777).toBe(0o700);
		expect(readFileSync(join(backup, 'keys.json'), 'utf8')).toBe(readFileSync(`${server.dbPath}.keys.json`, 'utf8'));

		// the same folder again is refused; restoring over the live file is refused
		expect(cli(['backup', backup, '--db', server.dbPath]).status).toBe(2);
		const over = cli(['restore', backup, '--db', server.dbPath]);
		expect(over.status).toBe(2);
		expect(over.stderr).toContain('服务器正在使用');

		const restoredPath = join(dir, 'restored', 'q.duckdb');
		const r = cli(['restore', backup, '--db', restoredPath]);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toContain('已恢复到');
		expect(readFileSync(`${restoredPath}.keys.json`, 'utf8')).toBe(readFileSync(`${server.dbPath}.keys.json`, 'utf8'));

		const restored = await Database.open(restoredPath);
		try {
			const after = await counts(restored);
			for (const t of ['complaints', 'surveys', 'batches', 'users', 'rejected_rows'] as const) expect(after[t], t).toBe(manifest.tables[t]);
			// the backup itself is audited (by the server, after the snapshot), so the snapshot holds the entries before it
			expect(after.audit_log).toBe(manifest.tables.audit_log);
			expect((await restored.withConnection(verifyAuditChain)).ok).toBe(true);
			// the restored file takes new loads: batch ids continue, enums and phone hashes work
			const next = await ingest(restored, { kind: 'complaints', filePath: sample('complaints_gbk.csv'), source: 'cli', createdBy: 'test' });
			expect(next.status).toBe('duplicate'); // same file: recognised from the restored batches
			const maxBatch = await restored.withConnection((c) => queryRows<{ m: number }>(c, 'SELECT max(batch_id) AS m FROM batches'));
			const file = join(dir, 'more.csv');
			writeFileSync(file, readFileSync(sample('surveys.csv'), 'utf8').replaceAll('WJ2025Q1-', 'WJ2025QX-'));
			const more = await ingest(restored, { kind: 'surveys', filePath: file, source: 'cli', createdBy: 'test' });
			expect(more.status).toBe('committed');
			expect(more.batch_id).toBeGreaterThan(Number(maxBatch[0]!.m));
		} finally {
			restored.close();
		}
		// a restore never writes over an existing file
		expect(cli(['restore', backup, '--db', restoredPath]).status).toBe(2);
		expect(existsSync(restoredPath)).toBe(true);
	});

	it('refuses a folder that is not a backup', () => {
		const r = cli(['restore', dir, '--db', join(dir, 'x.duckdb')]);
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('不是本系统的备份目录');
		expect(existsSync(join(dir, 'x.duckdb'))).toBe(false);
	});
});
