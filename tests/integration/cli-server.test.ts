import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../helpers/server';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolCommand } from '../helpers/cli';

/** The CLI works while the dashboard server owns the database file: it hands its commands over. */

const root = process.cwd();
const cli = (args: string[]) => {
	const r = spawnSync(...toolCommand('ingest', args), { encoding: 'utf8', cwd: root });
	return {
		code: r.status,
		stdout: r.stdout,
		stderr: r.stderr,
		json: r.stdout.trim().startsWith('{') || r.stdout.trim().startsWith('[') ? JSON.parse(r.stdout) : null
	};
};

async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
	const until = Date.now() + ms;
	while (!check()) {
		if (Date.now() > until) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 100));
	}
}

describe('CLI while the server runs', () => {
	let dir: string;
	let db: string;
	let port: number;
	let server: ChildProcess | null = null;

	beforeAll(async () => {
		if (!existsSync(join(root, 'build/index.js'))) {
			// vitest sets NODE_ENV=test, which would give a development build
			expect(
				spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], {
					cwd: root,
					stdio: 'inherit',
					env: { ...process.env, NODE_ENV: 'production' }
				}).status
			).toBe(0);
		}
		dir = mkdtempSync(join(tmpdir(), 'sqa-cli-server-'));
		db = join(dir, 'q.duckdb');
		port = await freePort();
		server = spawn(process.execPath, [join(root, 'build/index.js')], {
			// KEEP_ALIVE_TIMEOUT as in helpers/server.ts: the CLI runs with spawnSync, which freezes this process for
			// seconds on a busy machine, so the client cannot drop its kept-alive socket before the server's 5 s close it
			env: {
				...process.env,
				DATABASE_PATH: db,
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: `http://127.0.0.1:${port}`,
				KEEP_ALIVE_TIMEOUT: '65'
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		server.stdout!.on('data', (d) => (output += d));
		server.stderr!.on('data', (d) => (output += d));
		await waitFor(() => existsSync(`${db}.server.json`)).catch((e) => {
			throw new Error(`server did not start: ${output}`, { cause: e });
		});
	}, 180_000);

	afterAll(() => {
		server?.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	});

	it('loads through the server, which keeps serving pages', async () => {
		const r = cli(['staff', 'data/samples/staff.csv', '--db', db, '--json']);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.json.status).toBe('committed');
		expect(r.json.rows_loaded).toBe(36);
		const page = await fetch(`http://127.0.0.1:${port}/`);
		expect(page.status).toBe(200);

		const again = cli(['staff', 'data/samples/staff.csv', '--db', db, '--json']);
		expect(again.json.status).toBe('duplicate');

		const rejected = cli(['surveys', 'data/samples/surveys_with_errors.csv', '--db', db, '--json']);
		expect(rejected.code).toBe(1);
		expect(rejected.json.rows_rejected).toBe(7);

		const list = cli(['batches', '--db', db, '--json']);
		expect(list.json.map((b: { status: string }) => b.status)).toEqual(['rejected', 'committed']);
	});

	it('refuses a command without the secret', async () => {
		const res = await fetch(`http://127.0.0.1:${port}/api/internal/cli`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
			body: JSON.stringify({ command: 'batches', limit: 5, locale: 'zh-CN' })
		});
		expect(res.status).toBe(401);
	});

	it('after the server stops, the CLI opens the file itself and sees what the server wrote', async () => {
		const handoff = JSON.parse(readFileSync(`${db}.server.json`, 'utf8')) as { token: string };
		expect(handoff.token).toMatch(/^[0-9a-f]{64}$/);
		const exited = new Promise((r) => server!.once('exit', r));
		server!.kill('SIGTERM');
		await exited;
		expect(existsSync(`${db}.server.json`)).toBe(false);
		server = null;
		const rolled = cli(['rollback', '1', '--db', db, '--json']);
		expect(rolled.code).toBe(0);
		expect(rolled.json.removed).toBe(36);
	});

	it('ignores a stale note left by a server that died', () => {
		writeFileSync(`${db}.server.json`, JSON.stringify({ pid: 999_999_9, port: 1, token: 'x' }));
		const r = cli(['batches', '--db', db, '--json']);
		expect(r.code).toBe(0);
		expect(r.json).toHaveLength(2);
	});
});
