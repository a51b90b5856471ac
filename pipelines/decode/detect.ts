import { closeSync, openSync, readSync } from 'node:fs';
import Papa from 'papaparse';
import { IngestFailure } from '$lib/shared/schema/errors';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'utf-16le' | 'utf-16be';

/**
 * bytes read at a time when streaming a file. Each chunk is scanned (or transcoded) by the JS thread the server answers
 * on, between two turns of its event loop: 4 MB took ~10 ms, and a request waiting on a dozen turns of it waited that
 * long each time — 50 users' pages stalled for 1.4 s while a 239 MB file was scanned. 256 KB takes well under 1 ms.
 */
export const CHUNK = 256 << 10;
/** the head read to tell the encoding, the delimiter and the header */
export const SNIFF_BYTES = 64 << 10;
const DELIMITERS = [',', '\t', ';', '|'];

/** The first `bytes` bytes of the file (fewer when it is shorter). */
export function readHead(path: string, bytes: number): Buffer {
	const fd = openSync(path, 'r');
	try {
		const buf = Buffer.alloc(bytes);
		const n = readSync(fd, buf, 0, bytes, 0);
		return buf.subarray(0, n);
	} finally {
		closeSync(fd);
	}
}

export function bomEncoding(head: Buffer): Encoding | null {
	if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
	if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
	if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
	return null;
}

/**
 * UTF-16 without a BOM (some exports from reporting tools): the text's ASCII characters (digits,
 * delimiters, line breaks) leave a NUL in every other byte, on one side only, and the whole head decodes
 * to text without control characters.
 */
function utf16WithoutBom(head: Buffer): Encoding | null {
	const n = Math.min(head.length, 8192) & ~1;
	if (n < 4) return null;
	let even = 0;
	let odd = 0;
	for (let i = 0; i < n; i++) {
		if (head[i] !== 0) continue;
		if (i % 2 === 0) even++;
		else odd++;
	}
	const pairs = n / 2;
	const encoding: Encoding | null = odd >= pairs / 5 && even === 0 ? 'utf-16le' : even >= pairs / 5 && odd === 0 ? 'utf-16be' : null;
	if (!encoding) return null;
	try {
		const text = new TextDecoder(encoding, { fatal: true }).decode(head.subarray(0, n));
		return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/u.test(text) ? null : encoding;
	} catch {
		return null;
	}
}

/** The encoding the first bytes declare: a BOM, or the NUL pattern of UTF-16 without one. */
export function declaredEncoding(head: Buffer): Encoding | null {
	return bomEncoding(head) ?? utf16WithoutBom(head);
}

/** Rejects files that are not text: spreadsheets, archives, images, anything with NUL bytes. */
export function assertText(head: Buffer, encoding: Encoding | null): void {
	if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
		throw new IngestFailure('file_xlsx', {});
	}
	if (head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0) throw new IngestFailure('file_xlsx', {});
	if (encoding === 'utf-16le' || encoding === 'utf-16be') return;
	if (head.subarray(0, 8192).includes(0)) throw new IngestFailure('file_binary', {});
}

/** TextDecoder's label for each encoding: GBK is decoded as GB18030, its superset. */
export const DECODER_LABEL: Record<Encoding, string> = {
	'utf-8': 'utf-8',
	'utf-8-bom': 'utf-8',
	gbk: 'gb18030',
	'utf-16le': 'utf-16le',
	'utf-16be': 'utf-16be'
};

/** The head as text, cut after its last complete line when the file goes on. */
export function headText(head: Buffer, encoding: Encoding): string {
	const text = new TextDecoder(DECODER_LABEL[encoding]).decode(head);
	// The head may end inside a record; papaparse only needs the first rows.
	return head.length === SNIFF_BYTES ? text.slice(0, text.lastIndexOf('\n') + 1) || text : text;
}

/** The delimiter and the header, guessed from the first rows of the head. */
export function sniff(text: string): { delimiter: string; header: string[] } {
	const sample = text.replace(/^\uFEFF/, '');
	if (sample.trim() === '') throw new IngestFailure('file_empty', {});
	const parsed = Papa.parse<string[]>(sample, { preview: 20, delimitersToGuess: DELIMITERS });
	const header = parsed.data[0] ?? [];
	const delimiter = DELIMITERS.includes(parsed.meta.delimiter) ? parsed.meta.delimiter : ',';
	return { delimiter, header: header.map((h) => h.replace(/^\uFEFF/, '')) };
}

/**
 * A first look at the head of a file that is probably UTF-8 (no BOM but UTF-8's, valid UTF-8 so far),
 * so that DuckDB can start reading it while the whole file is hashed and checked; null otherwise or
 * when anything looks wrong (decodeInput then says what).
 */
export function peekUtf8Head(path: string): { delimiter: string; header: string[] } | null {
	try {
		const head = readHead(path, SNIFF_BYTES);
		const bom = bomEncoding(head);
		if (head.length === 0 || (bom !== null && bom !== 'utf-8-bom')) return null;
		assertText(head, bom);
		const cut = head.length === SNIFF_BYTES ? head.subarray(0, head.lastIndexOf(0x0a) + 1) : head;
		new TextDecoder('utf-8', { fatal: true }).decode(cut);
		return sniff(headText(head, 'utf-8'));
	} catch {
		return null;
	}
}
