import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { isUtf8 } from 'node:buffer';
import { GbkToUtf8 } from '$pipelines/gbk-utf8';
import { LineEndings, UnicodeScan, type Cleaning } from './byte-scan';
import { assertText, bomEncoding, CHUNK, DECODER_LABEL, headText, readHead, sniff, SNIFF_BYTES, type Encoding } from './detect';

/** The byte scan's tests (byte-scan.ts) on decoded text, for files that are transcoded anyway. */
const UNICODE_PATTERN = /[\uFF0D-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000\u00A0\u200B-\u200D\u2060\uFEFF]/;
function edgePattern(delimiter: string): RegExp {
	const d = delimiter === '\t' ? '\t' : delimiter.replace(/[|\\]/g, '\\$&');
	const w = delimiter === '\t' ? ' ' : '[ \t]';
	return new RegExp(`${d}${w}|${w}${d}|${w}\r?\n|\n${w}|${d}"${w}|${w}"(?:${d}|\r?\n)|\n"${w}`);
}

/**
 * Streams a file into a UTF-8 temp file (GBK is decoded as GB18030, its superset); with `lfOnly`,
 * CRLF becomes LF (a CR at the end of a chunk waits for the next one).
 */
export async function transcode(path: string, encoding: Encoding, outPath: string, lfOnly: boolean, delimiter: string): Promise<Cleaning> {
	const decoder = new TextDecoder(DECODER_LABEL[encoding], { fatal: false });
	const out = createWriteStream(outPath);
	const edges = edgePattern(delimiter);
	const cleaning = { unicode: false, edges: false };
	let tail = '';
	const scan = (s: string) => {
		const window = tail + s;
		cleaning.unicode ||= UNICODE_PATTERN.test(window);
		cleaning.edges ||= edges.test(window);
		tail = window.slice(-3);
		return s;
	};
	let carry = '';
	const text = (s: string, last: boolean): string => {
		if (!lfOnly) return s;
		s = carry + s;
		carry = !last && s.endsWith('\r') ? '\r' : '';
		return (carry ? s.slice(0, -1) : s).replace(/\r\n/g, '\n');
	};
	for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
		if (!out.write(scan(text(decoder.decode(chunk as Buffer, { stream: true }), false)))) await once(out, 'drain');
	}
	out.end(scan(text(decoder.decode(), true)));
	await once(out, 'finish');
	if (/[ \t]$/.test(tail)) cleaning.edges = true;
	return cleaning;
}

/**
 * GBK without line endings to rewrite, by table (see gbk-utf8.ts): UTF-8 bytes out, looked at with the
 * same byte needles as a UTF-8 file. Null when the file holds anything the table does not cover.
 */
export async function transcodeGbk(path: string, outPath: string): Promise<{ unicode: boolean; mixedEol: boolean } | null> {
	const decoder = new GbkToUtf8();
	const unicode = new UnicodeScan(false);
	const eol = new LineEndings();
	const out = createWriteStream(outPath);
	try {
		for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
			const bytes = decoder.push(chunk as Buffer);
			if (!bytes) return null;
			if (!eol.mixed) eol.feed(chunk as Buffer);
			unicode.feed(bytes);
			if (!out.write(bytes)) await once(out, 'drain');
		}
		if (!decoder.end()) return null;
	} finally {
		out.end();
		await once(out, 'close');
	}
	return { unicode: unicode.found, mixedEol: eol.mixed };
}

/** A GBK file transcoded before it was hashed and checked (see transcodeGbkFirst). */
export interface EarlyTranscode {
	utf8Path: string;
	delimiter: string;
	header: string[];
	unicode: boolean;
	mixedEol: boolean;
}

/**
 * A file whose head is not UTF-8 (and has no BOM) is GBK: it is transcoded first, so that DuckDB can
 * read the UTF-8 copy while the original is hashed and checked (decodeInput, given the result, keeps
 * the copy when the checks agree). Null when the head says otherwise or the table declines the file.
 */
export async function transcodeGbkFirst(path: string, outPath: string): Promise<EarlyTranscode | null> {
	try {
		const head = readHead(path, SNIFF_BYTES);
		if (head.length === 0 || bomEncoding(head) !== null) return null;
		assertText(head, null);
		const cut = head.length === SNIFF_BYTES ? head.subarray(0, head.lastIndexOf(0x0a) + 1) : head;
		if (isUtf8(cut)) return null;
		const { delimiter, header } = sniff(headText(head, 'gbk'));
		const done = await transcodeGbk(path, outPath);
		return done && { utf8Path: outPath, delimiter, header, ...done };
	} catch {
		return null;
	}
}
