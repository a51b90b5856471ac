/// <reference lib="webworker" />
import Papa from 'papaparse';
import { checkRow } from './checks';
import { decoderLabel } from './encoding';
import { PROBLEMS_KEPT, type ParseRequest, type ParseResult, type WorkerMessage } from './worker-protocol';

/**
 * Reads an uploaded file off the page's thread: decodes it in 1 MB slices (TextDecoder in streaming
 * mode, so a character cut between slices survives — also for GBK) and feeds papaparse as a stream, so
 * a 100 MB file keeps the tab responsive and memory flat. Keeps the first rows for the preview, counts
 * the rest, collects sample values per column and, when asked, runs the cheap checks on every row.
 */
const SLICE = 1024 * 1024;
const SAMPLES = 5;
const NUMBER = /^[+-]?\d+(\.\d+)?$/u;

const post = (m: WorkerMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);

type Listener = (arg?: unknown) => void;

/** The minimal Node-style readable papaparse streams from. */
function textStream() {
	const listeners: Record<string, Listener[]> = { data: [], end: [], error: [] };
	return {
		readable: true as const,
		read() {},
		pause() {},
		resume() {},
		on(event: string, fn: Listener) {
			(listeners[event] ??= []).push(fn);
		},
		removeListener(event: string, fn: Listener) {
			listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn);
		},
		emit(event: string, arg?: unknown) {
			for (const fn of [...(listeners[event] ?? [])]) fn(arg);
		}
	};
}

async function parse(req: ParseRequest): Promise<ParseResult> {
	const { file, previewRows, check } = req;
	const decoder = new TextDecoder(decoderLabel(req.encoding));
	let header: string[] | null = null;
	const rows: string[][] = [];
	let rowCount = 0;
	let delimiter = ',';
	let samples: Set<string>[] = [];
	let numeric: boolean[] = [];
	const problems: ParseResult['problems'] = [];
	let problemRows = 0;

	const stream = textStream();
	const done = new Promise<void>((resolve, reject) => {
		// papaparse streams from any object shaped like a Node readable (its typings only say so for Node)
		(Papa.parse as unknown as (input: unknown, config: Papa.ParseLocalConfig<string[], File>) => void)(stream, {
			skipEmptyLines: true,
			chunk: (results: Papa.ParseResult<string[]>) => {
				if (results.meta.delimiter) delimiter = results.meta.delimiter;
				for (const cells of results.data) {
					if (header === null) {
						header = cells.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/u, '') : h));
						samples = header.map(() => new Set<string>());
						numeric = header.map(() => true);
						continue;
					}
					const row = rowCount + 2;
					rowCount++;
					if (rows.length < previewRows) rows.push(cells);
					for (let i = 0; i < header.length; i++) {
						const v = (cells[i] ?? '').trim();
						if (v === '') continue;
						if (samples[i]!.size < SAMPLES) samples[i]!.add(v);
						if (numeric[i] && !NUMBER.test(v.normalize('NFKC'))) numeric[i] = false;
					}
					if (check) {
						const found = checkRow(cells, row, check);
						if (found.length > 0) {
							problemRows++;
							for (const p of found) if (problems.length < PROBLEMS_KEPT) problems.push(p);
						}
					}
				}
			},
			complete: () => resolve(),
			error: (e: Error) => reject(e)
		});
	});

	for (let offset = 0; offset < file.size; offset += SLICE) {
		const bytes = new Uint8Array(await file.slice(offset, offset + SLICE).arrayBuffer());
		stream.emit('data', decoder.decode(bytes, { stream: true }));
		post({ type: 'progress', bytes: Math.min(file.size, offset + SLICE), total: file.size, rows: rowCount });
	}
	const tail = decoder.decode();
	if (tail) stream.emit('data', tail);
	stream.emit('end');
	await done;
	return {
		header: header ?? [],
		rows,
		rowCount,
		delimiter,
		samples: samples.map((s) => [...s]),
		numeric: numeric.map((n, i) => n && samples[i]!.size > 0),
		problems,
		problemRows
	};
}

self.onmessage = (e: MessageEvent<ParseRequest>) => {
	parse(e.data).then(
		(result) => post({ type: 'done', result }),
		(err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) })
	);
};
