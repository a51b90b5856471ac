import type { ParseRequest, ParseResult, WorkerMessage } from './worker-protocol';

/** Parses a file in a fresh worker; `onProgress` gets bytes read so far. The returned `cancel` ends the worker. */
export function parseInWorker(
	req: ParseRequest,
	onProgress: (bytes: number, total: number, rows: number) => void
): { result: Promise<ParseResult>; cancel: () => void } {
	const worker = new Worker(new URL('./preview.worker.ts', import.meta.url), { type: 'module' });
	let settle: (r: ParseResult | Error) => void = () => {};
	const result = new Promise<ParseResult>((resolve, reject) => {
		settle = (r) => {
			worker.terminate();
			if (r instanceof Error) reject(r);
			else resolve(r);
		};
	});
	worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
		const msg = e.data;
		if (msg.type === 'progress') onProgress(msg.bytes, msg.total, msg.rows);
		else if (msg.type === 'done') settle(msg.result);
		else settle(new Error(msg.message));
	};
	worker.onerror = (e) => settle(new Error(e.message || 'worker failed'));
	worker.postMessage(req);
	return { result, cancel: () => settle(new Error('cancelled')) };
}
