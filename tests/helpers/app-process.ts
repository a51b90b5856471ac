import { readFileSync } from 'node:fs';

export { spawnApp, type AppProcess } from './server';
import type { AppProcess } from './server';

/** The batch list, asked of the server the way the CLI asks it (the server owns the file). */
export async function serverBatches(
	app: AppProcess,
	dbPath: string
): Promise<
	{ batch_id: number; file_name: string; status: string; abort_reason: string | null; rows_loaded: number; finished_at: string }[]
> {
	const { token } = JSON.parse(readFileSync(`${dbPath}.server.json`, 'utf8')) as { token: string };
	const res = await fetch(`${app.base}/api/internal/cli`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
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
