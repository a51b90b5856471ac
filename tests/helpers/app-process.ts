import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBuilt, type RunningServer } from './server';

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

export async function spawnApp(dbPath: string, port: number, env: Record<string, string> = {}): Promise<AppProcess> {
	ensureBuilt();
	const base = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, [join(process.cwd(), 'build/index.js')], {
		env: { ...process.env, DATABASE_PATH: dbPath, PORT: String(port), HOST: '127.0.0.1', ORIGIN: base, BODY_SIZE_LIMIT: '50M', KEEP_ALIVE_TIMEOUT: '65', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const orphanGuard = () => child.kill('SIGKILL');
	process.once('exit', orphanGuard);
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => {
			process.off('exit', orphanGuard);
			resolve({ code, signal });
		})
	);
	const until = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited: ${output}`);
		const up = await fetch(`${base}/healthz`).then((r) => r.status === 200, () => false);
		if (up && ownsHandoff(dbPath, child.pid!)) break;
		if (Date.now() > until) throw new Error(`server did not start: ${output}`);
		await sleep(100);
	}
	const asServer = { base, port, pid: child.pid!, dbPath, dir: '', output: () => output, stop: async () => undefined } satisfies RunningServer;
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

/** The batch list, asked of the server the way the CLI asks it (the server owns the file). */
export async function serverBatches(app: AppProcess, dbPath: string): Promise<{ batch_id: number; file_name: string; status: string; abort_reason: string | null; rows_loaded: number; finished_at: string }[]> {
	const { token } = JSON.parse(readFileSync(`${dbPath}.server.json`, 'utf8')) as { token: string };
	const res = await fetch(`${app.base}/api/internal/cli`, {
		method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ command: 'batches', limit: 1000, locale: 'zh-CN' })
	});
	return ((await res.json()) as { json: never }).json;
}

/** An upload as the browser's upload page sends it. */
export function uploadFile(app: AppProcess, cookie: string, kind: string, bytes: Buffer, name: string): Promise<Response> {
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(bytes)]), name);
	return fetch(`${app.base}/api/ingest/${kind}`, { method: 'POST', body: form, headers: { origin: app.base, cookie } });
}
