import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Database } from '../../src/lib/server/core/db';
import { FileModeError } from '../../src/lib/server/core/db/file-modes';
import { handoffPath, readHandoff, writeHandoff } from '../../src/lib/server/core/db/handoff';
import { keyFilePath, phoneHasher } from '../../src/lib/server/core/db/phone-hash';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../helpers/db';
import { ensureBuilt, freePort } from '../helpers/server';

/**
 * The files beside the database hold customers' names and phones, password hashes and secrets: only their
 * OS user may read them, a file others can read is refused, and the CLI trusts only a note this user wrote
 * for a process that listens on the note's port.
 */

const { dir, cleanup } = tempDir('sqa-modes-');
afterAll(cleanup);
const mode = (p: string) => statSync(p).mode & 0o777;

describe('the database and its key', () => {
	it('are created readable by their owner only, the WAL too', async () => {
		const path = join(dir, 'new.duckdb');
		const db = await Database.open(path);
		await phoneHasher(db);
		await db.withConnection((c) => c.run('CREATE TABLE t AS SELECT 1 AS x'));
		expect(mode(path)).toBe(0o600);
		expect(mode(keyFilePath(path))).toBe(0o600);
		if (existsSync(`${path}.wal`)) expect(mode(`${path}.wal`)).toBe(0o600);
		db.close();
	});

	it('a database file other users can read is refused with what to do, in Chinese and English', async () => {
		const path = join(dir, 'open.duckdb');
		(await Database.open(path)).close();
		chmodSync(path, 0o644);
		const err = await Database.open(path).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(FileModeError);
		expect((err as Error).message).toContain('可被本机其他用户读取（权限 0644）');
		expect((err as Error).message).toContain(`chmod 600 "${path}"`);
		chmodSync(path, 0o600);
		(await Database.open(path)).close();
	});

	it('the built server refuses to start on a database file others can read', async () => {
		ensureBuilt();
		const path = join(dir, 'server.duckdb');
		(await Database.open(path)).close();
		chmodSync(path, 0o644);
		const port = await freePort();
		const r = spawnSync(process.execPath, ['build/index.js'], {
			env: { ...process.env, DATABASE_PATH: path, PORT: String(port), HOST: '127.0.0.1' },
			encoding: 'utf8',
			timeout: 60_000
		});
		expect(r.status).not.toBe(0);
		expect(r.stderr).toContain('readable by other users of this machine (mode 0644)');
		expect(existsSync(handoffPath(path))).toBe(false);
	}, 90_000);

	it('a bad setting stops the built server at start too, naming it', () => {
		ensureBuilt();
		const r = spawnSync(process.execPath, ['build/index.js'], {
			env: {
				...process.env,
				METRIC_CACHE: 'maybe',
				PORT: '0',
				HOST: '127.0.0.1',
				DATABASE_PATH: '/nonexistent-dir-for-config-test/q.duckdb'
			},
			encoding: 'utf8',
			timeout: 60_000
		});
		expect(r.status).not.toBe(0);
		expect(r.stderr).toContain('METRIC_CACHE="maybe" is not valid: expected one of on, off');
	}, 90_000);

	it('a phone-hash key other users can read is refused', async () => {
		const path = join(dir, 'key.duckdb');
		const db = await Database.open(path);
		await phoneHasher(db);
		chmodSync(keyFilePath(path), 0o640);
		await expect(phoneHasher(db)).rejects.toBeInstanceOf(FileModeError);
		db.close();
	});
});

describe("the server's note for the CLI", () => {
	let listener: Server | null = null;
	afterAll(() => listener?.close());

	it('is written afresh with mode 0600 over a file left there with 0666', () => {
		const path = join(dir, 'note.duckdb');
		writeFileSync(handoffPath(path), '{"forged":true}', { mode: 0o666 });
		chmodSync(handoffPath(path), 0o666);
		const h = writeHandoff(path, 1234);
		expect(mode(handoffPath(path))).toBe(0o600);
		expect(JSON.parse(readFileSync(handoffPath(path), 'utf8'))).toEqual(h);
	});

	it('is trusted only when this user wrote it 0600 and its process listens on its port', async () => {
		listener = createServer();
		await new Promise<void>((r) => listener!.listen(0, '127.0.0.1', r));
		const port = (listener.address() as { port: number }).port;
		const path = join(dir, 'trust.duckdb');
		const token = 'a'.repeat(64);
		const put = (note: object, m = 0o600) => {
			writeFileSync(handoffPath(path), JSON.stringify(note), { mode: m });
			chmodSync(handoffPath(path), m);
		};

		put({ pid: process.pid, port, token });
		expect(readHandoff(path)).toEqual({ pid: process.pid, port, token });

		// readable by others: ignored (the CLI then opens the file itself)
		put({ pid: process.pid, port, token }, 0o644);
		expect(readHandoff(path)).toBeNull();

		// a live process that does not listen on that port (a forged note pointing at someone's listener)
		const other = createServer();
		await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
		const otherPort = (other.address() as { port: number }).port;
		other.close();
		put({ pid: process.pid, port: otherPort, token });
		expect(readHandoff(path)).toBeNull();
		put({ pid: 1, port, token });
		expect(readHandoff(path)).toBeNull();

		// malformed
		put({ pid: process.pid, port, token: 'short' });
		expect(readHandoff(path)).toBeNull();
	});
});
