import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src/lib/server/db';

/**
 * The built app (`build/index.js`, built here when missing) serving a fresh DuckDB file in a temp
 * directory, as in production: real sessions, real guard, real headers.
 */
export interface RunningServer {
	base: string;
	port: number;
	/** the server process, for measuring its memory */
	pid: number;
	dbPath: string;
	dir: string;
	output: () => string;
	stop: () => Promise<void>;
}

const root = process.cwd();

export async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const port = (s.address() as { port: number }).port;
			s.close(() => resolve(port));
		});
	});
}

export function ensureBuilt(): void {
	if (existsSync(join(root, 'build/index.js'))) return;
	// vitest sets NODE_ENV=test, which would make vite build a development bundle: ask for production.
	const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
	if (r.status !== 0) throw new Error('vite build failed');
}

/** `port`: a fixed port (browser tests keep to their own range); a free one otherwise. */
export async function startServer(opts: { env?: Record<string, string>; prepare?: (db: Database) => Promise<void>; port?: number } = {}): Promise<RunningServer> {
	ensureBuilt();
	const dir = mkdtempSync(join(tmpdir(), 'sqa-auth-'));
	const dbPath = join(dir, 'q.duckdb');
	const db = await Database.open(dbPath);
	try {
		await opts.prepare?.(db);
	} finally {
		db.close();
	}
	const port = opts.port ?? (await freePort());
	const base = `http://127.0.0.1:${port}`;
	const child: ChildProcess = spawn(process.execPath, [join(root, 'build/index.js')], {
		env: { ...process.env, DATABASE_PATH: dbPath, PORT: String(port), HOST: '127.0.0.1', ORIGIN: base, BODY_SIZE_LIMIT: '50M',
			// longer than the client's own idle limit (4 s): on a busy machine a test blocked on a CLI run must not find its kept-alive connection closed under it
			KEEP_ALIVE_TIMEOUT: '65',
			...opts.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	// A test run that ends without afterAll (an interrupted vitest) must not leave the server behind.
	const orphanGuard = () => child.kill('SIGKILL');
	process.once('exit', orphanGuard);
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const until = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
		const up = await fetch(`${base}/login`).then((r) => r.ok, () => false);
		if (up && existsSync(`${dbPath}.server.json`)) break;
		if (Date.now() > until) throw new Error(`server did not start: ${output}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		base,
		port,
		pid: child.pid!,
		dbPath,
		dir,
		output: () => output,
		stop: async () => {
			process.off('exit', orphanGuard);
			if (child.exitCode === null) {
				const exited = new Promise((r) => child.once('exit', r));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** A form POST as a browser on this site sends it (with the site's Origin). */
export function postForm(server: RunningServer, path: string, fields: Record<string, string>, init: { cookie?: string; accept?: string; origin?: string | null } = {}) {
	const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: init.accept ?? 'text/html' };
	if (init.origin !== null) headers.origin = init.origin ?? server.base;
	if (init.cookie) headers.cookie = init.cookie;
	return fetch(`${server.base}${path}`, { method: 'POST', headers, body: new URLSearchParams(fields), redirect: 'manual' });
}

export function get(server: RunningServer, path: string, cookie?: string, accept = 'text/html') {
	return fetch(`${server.base}${path}`, { headers: { accept, ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
}

/** The `name=value` of the session cookie a response sets, or null. */
export function sessionCookie(res: Response): string | null {
	for (const c of res.headers.getSetCookie()) {
		const [pair] = c.split(';');
		if (pair?.startsWith('sqa_session=') && pair !== 'sqa_session=') return pair;
	}
	return null;
}

/** Signs in through the login form; returns the cookie header value. */
export async function login(server: RunningServer, username: string, password: string): Promise<string> {
	const res = await postForm(server, '/login', { username, password });
	const cookie = sessionCookie(res);
	if (res.status !== 303 || !cookie) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
	return cookie;
}
