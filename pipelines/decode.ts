import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { once } from 'node:events';
import Papa from 'papaparse';
import { IngestFailure } from './errors';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'utf-16le' | 'utf-16be';

export interface DecodedInput {
	sha256: string;
	sizeBytes: number;
	encoding: Encoding;
	/** a UTF-8 file DuckDB can read: the original when it already is UTF-8 with one kind of line ending, else a temp file */
	utf8Path: string;
	transcoded: boolean;
	delimiter: string;
	header: string[];
}

const CHUNK = 4 << 20;
const SNIFF_BYTES = 64 << 10;
const DELIMITERS = [',', '\t', ';', '|'];

function readHead(path: string, bytes: number): Buffer {
	const fd = openSync(path, 'r');
	try {
		const buf = Buffer.alloc(bytes);
		const n = readSync(fd, buf, 0, bytes, 0);
		return buf.subarray(0, n);
	} finally {
		closeSync(fd);
	}
}

function bomEncoding(head: Buffer): Encoding | null {
	if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
	if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
	if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
	return null;
}

/** Rejects files that are not text: spreadsheets, archives, images, anything with NUL bytes. */
function assertText(head: Buffer, encoding: Encoding | null): void {
	if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
		throw new IngestFailure('file_xlsx', {});
	}
	if (head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0) throw new IngestFailure('file_xlsx', {});
	if (encoding === 'utf-16le' || encoding === 'utf-16be') return;
	if (head.subarray(0, 8192).includes(0)) throw new IngestFailure('file_binary', {});
}

/**
 * Line endings seen in the bytes of an ASCII-compatible encoding (UTF-8, GBK). DuckDB's strict CSV
 * reader fails on a file that mixes CRLF and bare LF (concatenated exports, hand edits), so such a
 * file is rewritten with LF only.
 */
class LineEndings {
	crlf = false;
	bareLf = false;
	private prevCr = false;

	feed(chunk: Buffer): void {
		if (chunk.length === 0) return;
		if (!this.crlf) this.crlf = chunk.indexOf('\r\n') >= 0 || (this.prevCr && chunk[0] === 0x0a);
		if (!this.bareLf) this.bareLf = (!this.prevCr && chunk[0] === 0x0a) || /[^\r]\n/.test(chunk.toString('latin1'));
		this.prevCr = chunk[chunk.length - 1] === 0x0d;
	}

	get mixed(): boolean {
		return this.crlf && this.bareLf;
	}
}

/** One pass: sha256, whether the bytes are valid UTF-8, and whether line endings are mixed. */
async function hashAndCheckUtf8(path: string): Promise<{ sha256: string; utf8: boolean; mixedEol: boolean }> {
	const hash = createHash('sha256');
	const decoder = new TextDecoder('utf-8', { fatal: true });
	const eol = new LineEndings();
	let utf8 = true;
	for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
		hash.update(chunk as Buffer);
		if (!eol.mixed) eol.feed(chunk as Buffer);
		if (utf8) {
			try {
				decoder.decode(chunk as Buffer, { stream: true });
			} catch {
				utf8 = false;
			}
		}
	}
	if (utf8) {
		try {
			decoder.decode();
		} catch {
			utf8 = false;
		}
	}
	return { sha256: hash.digest('hex'), utf8, mixedEol: eol.mixed };
}

const DECODER_LABEL: Record<Encoding, string> = {
	'utf-8': 'utf-8',
	'utf-8-bom': 'utf-8',
	gbk: 'gb18030',
	'utf-16le': 'utf-16le',
	'utf-16be': 'utf-16be'
};

/**
 * Streams a file into a UTF-8 temp file (GBK is decoded as GB18030, its superset); with `lfOnly`,
 * CRLF becomes LF (a CR at the end of a chunk waits for the next one).
 */
async function transcode(path: string, encoding: Encoding, outPath: string, lfOnly: boolean): Promise<void> {
	const decoder = new TextDecoder(DECODER_LABEL[encoding], { fatal: false });
	const out = createWriteStream(outPath);
	let carry = '';
	const text = (s: string, last: boolean): string => {
		if (!lfOnly) return s;
		s = carry + s;
		carry = !last && s.endsWith('\r') ? '\r' : '';
		return (carry ? s.slice(0, -1) : s).replace(/\r\n/g, '\n');
	};
	for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
		if (!out.write(text(decoder.decode(chunk as Buffer, { stream: true }), false))) await once(out, 'drain');
	}
	out.end(text(decoder.decode(), true));
	await once(out, 'finish');
}

function sniff(text: string): { delimiter: string; header: string[] } {
	const sample = text.replace(/^\uFEFF/, '');
	if (sample.trim() === '') throw new IngestFailure('file_empty', {});
	const parsed = Papa.parse<string[]>(sample, { preview: 20, delimitersToGuess: DELIMITERS });
	const header = parsed.data[0] ?? [];
	const delimiter = DELIMITERS.includes(parsed.meta.delimiter) ? parsed.meta.delimiter : ',';
	return { delimiter, header: header.map((h) => h.replace(/^\uFEFF/, '')) };
}

export async function decodeInput(path: string, tempUtf8Path: string): Promise<DecodedInput> {
	let size: number;
	try {
		size = statSync(path).size;
	} catch {
		throw new IngestFailure('file_unreadable', { file: path });
	}
	if (size === 0) throw new IngestFailure('file_empty', {});
	const head = readHead(path, SNIFF_BYTES);
	const bom = bomEncoding(head);
	assertText(head, bom);
	const { sha256, utf8, mixedEol } = await hashAndCheckUtf8(path);
	const encoding: Encoding = bom ?? (utf8 ? 'utf-8' : 'gbk');
	const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
	// UTF-16 bytes defeat the line-ending scan: its (rare) files are always rewritten with LF only.
	const lfOnly = mixedEol || utf16;
	const needsTranscode = encoding === 'gbk' || utf16 || lfOnly;
	let headText = new TextDecoder(DECODER_LABEL[encoding]).decode(head);
	// The head may end inside a record; papaparse only needs the first rows.
	if (head.length === SNIFF_BYTES) headText = headText.slice(0, headText.lastIndexOf('\n') + 1) || headText;
	const { delimiter, header } = sniff(headText);
	if (needsTranscode) await transcode(path, encoding, tempUtf8Path, lfOnly);
	return {
		sha256,
		sizeBytes: size,
		encoding,
		utf8Path: needsTranscode ? tempUtf8Path : path,
		transcoded: needsTranscode,
		delimiter,
		header
	};
}
