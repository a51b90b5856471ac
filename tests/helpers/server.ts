import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from '../../src/lib/server/core/db';
import { holdingBuildLock } from './build-lock';
import { migratedFile } from './db';

/**
 * The built app (`build/index.js`, built here when missing or stale) serving a fresh DuckDB file in a temp
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

/**
 * The newest change to what `npm run build` builds from (the app's and the tools' sources, the messages, their
 * settings), leaving out the messages' compiled module, which vite (and so vitest) writes anew at every start.
 */
function newestSource(path = root, top = true): number {
	const names = top
		? ['src', 'pipelines', 'cli', 'messages', 'svelte.config.js', 'vite.config.ts', 'package-lock.json']
		: readdirSync(path);
	let newest = 0;
	for (const name of names) {
		const p = join(path, name);
		if (!existsSync(p) || p === join(root, 'src/lib/paraglide')) continue;
		const st = statSync(p);
		newest = Math.max(newest, st.mtimeMs, st.isDirectory() ? newestSource(p, false) : 0);
	}
	return newest;
}

const isBuilt = () => {
	const app = join(root, 'build/index.js');
	return existsSync(app) && existsSync(join(root, 'build/cli/manifest.json')) && statSync(app).mtimeMs >= newestSource();
};

/**
 * Builds the app and the command-line tools as `npm run build` does when the build is missing or older than a
 * source (a test file run alone after an edit must not test the code before it), one worker at a time.
 */
export function ensureBuilt(): void {
	if (isBuilt()) return;
	holdingBuildLock(() => {
		if (isBuilt()) return;
		// vitest sets NODE_ENV=test, which would make vite build a development bundle: ask for production.
		const r = spawnSync('npm', ['run', '--silent', 'build'], {
			cwd: root,
			stdio: 'inherit',
			env: { ...process.env, NODE_ENV: 'production' }
		});
		if (r.status !== 0) throw new Error('npm run build failed');
	});
}

/** `port`: a fixed port (browser tests keep to their own range); a free one otherwise. */
export async function startServer(
	opts: { env?: Record<string, string>; prepare?: (db: Database) => Promise<void>; port?: number } = {}
): Promise<RunningServer> {
	const dir = mkdtempSync(join(tmpdir(), 'sqa-auth-'));
	const dbPath = join(dir, 'q.duckdb');
	await migratedFile(dbPath);
	const db = await Database.open(dbPath);
	try {
		await opts.prepare?.(db);
	} finally {
		db.close();
	}
	const app = await spawnApp(dbPath, opts.port ?? (await freePort()), opts.env);
	return {
		...app.asServer,
		dir,
		stop: async () => {
			if (app.child.exitCode === null && app.child.signalCode === null) {
				app.child.kill('SIGTERM');
				await app.exited;
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/**
 * The built server (`build/index.js`) as a process of its own on a database file the test keeps, so it
 * can be killed, stopped with a signal and started again on the same file.
 */
export interface AppProcess {
	base: string;
	port: number;
	child: ChildProcess;
	output: () => string;
	/** resolves with how the process ended */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** the shape the login helpers take */
	asServer: RunningServer;
}

/**
 * `logFile`: the server's output goes to this file instead of being kept in memory (a long benchmark run
 * would pile it up in the process that measures); `startTimeoutMs`: how long a start may take (a big
 * database opens slowly).
 */
export async function spawnApp(
	dbPath: string,
	port: number,
	env: Record<string, string> = {},
	opts: { logFile?: string; startTimeoutMs?: number } = {}
): Promise<AppProcess> {
	ensureBuilt();
	const base = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, [join(process.cwd(), 'build/index.js')], {
		env: {
			...process.env,
			DATABASE_PATH: dbPath,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: base,
			BODY_SIZE_LIMIT: '50M',
			// as `npm start` (docs/operations.md): the benchmarks measure the server's memory as it runs
			MALLOC_ARENA_MAX: '2',
			// longer than the client's own idle limit (4 s): on a busy machine a test blocked on a CLI run must not find its kept-alive connection closed under it
			KEEP_ALIVE_TIMEOUT: '65',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const orphanGuard = () => child.kill('SIGKILL');
	process.once('exit', orphanGuard);
	let output = '';
	if (opts.logFile) {
		const file = createWriteStream(opts.logFile);
		child.stdout!.pipe(file);
		child.stderr!.pipe(file);
		output = `(see ${opts.logFile})`;
	} else {
		child.stdout!.on('data', (d) => (output += d));
		child.stderr!.on('data', (d) => (output += d));
	}
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => {
			process.off('exit', orphanGuard);
			resolve({ code, signal });
		})
	);
	const until = Date.now() + (opts.startTimeoutMs ?? 60_000);
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited: ${output}`);
		const up = await fetch(`${base}/healthz`).then(
			(r) => r.status === 200,
			() => false
		);
		if (up && ownsHandoff(dbPath, child.pid!)) break;
		if (Date.now() > until) throw new Error(`server did not start: ${output}`);
		await sleep(100);
	}
	const asServer = {
		base,
		port,
		pid: child.pid!,
		dbPath,
		dir: '',
		output: () => output,
		stop: async () => undefined
	} satisfies RunningServer;
	return { base, port, child, output: () => output, exited, asServer };
}

function ownsHandoff(dbPath: string, pid: number): boolean {
	const path = `${dbPath}.server.json`;
	if (!existsSync(path)) return false;
	try {
		return (JSON.parse(readFileSync(path, 'utf8')) as { pid: number }).pid === pid;
	} catch {
		return false;
	}
}

/** A form POST as a browser on this site sends it (with the site's Origin). */
export function postForm(
	server: RunningServer,
	path: string,
	fields: Record<string, string>,
	init: { cookie?: string; accept?: string; origin?: string | null } = {}
) {
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
