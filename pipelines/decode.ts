import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { isUtf8 } from 'node:buffer';
import Papa from 'papaparse';
import { IngestFailure } from '$lib/shared/schema/errors';
import { MAX_COLUMNS } from '$lib/shared/schema/headers';
import { GbkToUtf8 } from './gbk-utf8';

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
	/**
	 * What the byte scan found anywhere in the file: `unicode` — full-width digits or letters, the
	 * ideographic space, NBSP, zero-width characters; `edges` — a space or tab beside a delimiter,
	 * quote or line break. Both false for most files, which then skip the per-column scan and the trims.
	 */
	cleaning: { unicode: boolean; edges: boolean };
	/**
	 * Empty lines DuckDB's reader skips without a row: for each, the number of data records before it.
	 * Row numbers after one are shifted by it (see rowNumber). Empty for most files.
	 */
	blankLines: number[];
	/** the line where a quoted cell opens that never closes (the reader would swallow the rest of the file), else null */
	unclosedQuoteLine: number | null;
}

/** The spreadsheet row number (header = row 1) of the staged record `index` (0-based), counting skipped empty lines. */
export function rowNumber(d: Pick<DecodedInput, 'blankLines'>, index: number): number {
	let n = index + 2;
	for (const before of d.blankLines) if (before <= index) n++;
	return n;
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
function declaredEncoding(head: Buffer): Encoding | null {
	return bomEncoding(head) ?? utf16WithoutBom(head);
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
		if (!this.bareLf) this.bareLf = (!this.prevCr && chunk[0] === 0x0a) || hasBareLf(chunk);
		this.prevCr = chunk[chunk.length - 1] === 0x0d;
	}

	get mixed(): boolean {
		return this.crlf && this.bareLf;
	}
}

/** An LF not preceded by CR inside the chunk (one-byte searches: a CRLF file has an LF on every line). */
function hasBareLf(chunk: Buffer): boolean {
	for (let i = chunk.indexOf(0x0a, 1); i >= 0; i = chunk.indexOf(0x0a, i + 1)) if (chunk[i - 1] !== 0x0d) return true;
	return false;
}

/**
 * Byte sequences (UTF-8) that mean some cell may need cleaning. Looking for them with Buffer.indexOf
 * costs far less than checking every cell in SQL. Chinese text is full of full-width punctuation
 * (，：（）), which free text keeps, so only full-width digits, letters, － ． ／ count here.
 */
const UNICODE_NEEDLES = [
	[0xe3, 0x80, 0x80],
	[0xc2, 0xa0],
	[0xe2, 0x80, 0x8b],
	[0xe2, 0x80, 0x8c],
	[0xe2, 0x80, 0x8d],
	[0xe2, 0x81, 0xa0],
	[0xef, 0xbb, 0xbf]
].map((b) => Buffer.from(b));

function hasFullwidthCodeChar(buf: Buffer): boolean {
	// U+FF0D–FF0F, FF10–FF19, FF21–FF3A are EF BC 8D–8F, 90–99, A1–BA; U+FF41–FF5A are EF BD 81–9A.
	for (let i = buf.indexOf(0xef); i >= 0 && i + 2 < buf.length; i = buf.indexOf(0xef, i + 1)) {
		const b1 = buf[i + 1]!;
		const b2 = buf[i + 2]!;
		if (b1 === 0xbc && ((b2 >= 0x8d && b2 <= 0x99) || (b2 >= 0xa1 && b2 <= 0xba))) return true;
		if (b1 === 0xbd && b2 >= 0x81 && b2 <= 0x9a) return true;
	}
	return false;
}

/** Streams UTF-8 bytes through the needles above; a sequence cut by a chunk boundary is seen too. */
class UnicodeScan {
	found = false;
	private tail: Buffer = Buffer.alloc(0);
	private first = true;

	constructor(private readonly skipBom: boolean) {}

	feed(c: Buffer): void {
		if (this.found) return;
		const body = this.first && this.skipBom ? c.subarray(3) : c;
		// a sequence split by the chunk boundary lies within the last bytes before it and the first after it
		const seam = this.tail.length ? Buffer.concat([this.tail, c.subarray(0, 3)]) : null;
		this.found = [body, seam].some((b) => b !== null && (UNICODE_NEEDLES.some((n) => b.indexOf(n) >= 0) || hasFullwidthCodeChar(b)));
		this.tail = Buffer.from(c.length >= 3 ? c.subarray(c.length - 3) : Buffer.concat([this.tail, c]).subarray(-3));
		this.first = false;
	}
}

/**
 * A space or tab at a cell's edge: beside a delimiter or a line break, or inside a quote that stands
 * beside one. What decides is whether the delimiter, line break or quote-side byte lies OUTSIDE quotes:
 * "送货延迟, 超过约定时间" inside a quoted field is text, not an edge, and Chinese files with English
 * commas in their free text would otherwise all pay for the per-column scan.
 *
 * Each space (or tab) is found with a one-byte search and its neighbours are looked at; searching for
 * the two-byte pairs themselves costs far more (a two-byte Buffer.indexOf is not a memchr).
 * The positions pushed are those of the byte whose quote context decides:
 *   delimiter or line break, space → that byte;  space, delimiter or line break → that byte;
 *   delimiter or line break, quote, space → the byte before the quote;  space, quote, delimiter or line break → the byte after it.
 */
function edgeHits(window: Buffer, start: number, w: number, d: number, hits: number[]): void {
	const structural = (b: number | undefined) => b === d || b === 0x0a || b === 0x0d;
	for (let p = window.indexOf(w); p >= 0; p = window.indexOf(w, p + 1)) {
		const before = window[p - 1];
		const after = window[p + 1];
		if (p > 0 && (before === d || before === 0x0a)) hits.push(p - 1);
		if (after === d || after === 0x0a || after === 0x0d) hits.push(p + 1);
		if (before === 0x22 && structural(window[p - 2])) hits.push(p - 2);
		if (after === 0x22 && structural(window[p + 2])) hits.push(p + 2);
	}
	for (let i = 0; i < hits.length; i++) hits[i]! += start;
}

/** Finds an edge space outside quotes, streaming: quote parity is counted with indexOf jumps, not per byte. */
class EdgeScan {
	found = false;
	/** quotes in the stream before `cursor` */
	private quotes = 0;
	private cursor = 0;
	/** stream position of the next chunk's first byte */
	private offset = 0;
	private tail: Buffer = Buffer.alloc(0);

	constructor(private readonly delimiter: number) {}

	feed(chunk: Buffer): void {
		const window = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
		const start = this.offset - this.tail.length;
		if (!this.found) {
			const hits: number[] = [];
			for (const w of [0x20, 0x09]) {
				if (w === this.delimiter) continue;
				const found: number[] = [];
				edgeHits(window, start, w, this.delimiter, found);
				for (const h of found) if (h >= 0) hits.push(h);
			}
			hits.sort((a, b) => a - b);
			for (const h of hits) {
				if (this.outsideQuotes(window, start, h)) {
					this.found = true;
					break;
				}
			}
		}
		if (!this.found) this.countTo(window, start, start + window.length);
		this.offset += chunk.length;
		this.tail = Buffer.from(window.subarray(Math.max(0, window.length - 3)));
	}

	private countTo(window: Buffer, start: number, pos: number): void {
		let i = this.cursor - start;
		const end = pos - start;
		for (let q = window.indexOf(0x22, i); q >= 0 && q < end; q = window.indexOf(0x22, i)) {
			this.quotes++;
			i = q + 1;
		}
		this.cursor = pos;
	}

	private outsideQuotes(window: Buffer, start: number, pos: number): boolean {
		if (pos >= this.cursor) {
			this.countTo(window, start, pos);
			return this.quotes % 2 === 0;
		}
		// a needle straddling the chunk boundary: take back the quotes between it and the cursor
		let back = 0;
		for (let i = pos - start; i < this.cursor - start; i++) if (window[i] === 0x22) back++;
		return (this.quotes - back) % 2 === 0;
	}
}

/** The same tests on decoded text, for files that are transcoded anyway. */
const UNICODE_PATTERN = /[\uFF0D-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000\u00A0\u200B-\u200D\u2060\uFEFF]/;
function edgePattern(delimiter: string): RegExp {
	const d = delimiter === '\t' ? '\t' : delimiter.replace(/[|\\]/g, '\\$&');
	const w = delimiter === '\t' ? ' ' : '[ \t]';
	return new RegExp(`${d}${w}|${w}${d}|${w}\r?\n|\n${w}|${d}"${w}|${w}"(?:${d}|\r?\n)|\n"${w}`);
}

/** How many leading bytes of `buf` end on a UTF-8 character boundary (at most 3 bytes are held back). */
function completeLength(buf: Buffer): number {
	for (let back = 1; back <= Math.min(3, buf.length); back++) {
		const b = buf[buf.length - back]!;
		if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead byte
		const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		return need > back ? buf.length - back : buf.length;
	}
	return buf.length;
}

/**
 * What the byte scan notices of the file's structure (ASCII-compatible encodings only): whether the
 * count of quote characters is odd (a quote is left open somewhere, or a quote stands inside a cell)
 * and whether a line is empty (LF LF or LF CR LF, inside quotes or not). Either calls for the exact
 * look of `structure`; most files have neither.
 */
class StructureHints {
	oddQuotes = false;
	emptyLine = false;
	private prev = -1;
	private prev2 = -1;

	feed(c: Buffer): void {
		for (let q = c.indexOf(0x22); q >= 0; q = c.indexOf(0x22, q + 1)) this.oddQuotes = !this.oddQuotes;
		if (!this.emptyLine) {
			const seam = Buffer.from([this.prev2 & 0xff, this.prev & 0xff, ...c.subarray(0, 2)]);
			this.emptyLine =
				c.indexOf('\n\n') >= 0 ||
				c.indexOf('\n\r\n') >= 0 ||
				(this.prev2 >= 0 && (seam.indexOf('\n\n') >= 0 || seam.indexOf('\n\r\n') >= 0));
		}
		if (c.length >= 2) [this.prev2, this.prev] = [c[c.length - 2]!, c[c.length - 1]!];
		else if (c.length === 1) [this.prev2, this.prev] = [this.prev, c[0]!];
	}
}

/**
 * The exact structure of a UTF-8 CSV file as DuckDB reads it (a quote opens a quoted cell only at a
 * cell's start; "" inside one is a quote): the line where a quoted cell opens that never closes, and
 * the empty lines the reader skips (for each, the data records before it). Run only when the byte scan
 * hints at either.
 */
export async function structure(path: string, delimiter: string): Promise<{ unclosedQuoteLine: number | null; blankLines: number[] }> {
	const d = delimiter.charCodeAt(0);
	const blankLines: number[] = [];
	let line = 1;
	let records = 0;
	let inQuotes = false;
	let quoteLine = 0;
	let cellStart = true;
	let lineEmpty = true;
	/** after a quote inside a quoted cell: a closing quote or the first of a doubled one */
	let quoteSeen = false;
	for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
		const c = chunk as Buffer;
		for (let i = 0; i < c.length; i++) {
			const b = c[i]!;
			if (inQuotes) {
				if (quoteSeen) {
					quoteSeen = false;
					if (b === 0x22) continue;
					inQuotes = false; // the quote closed the cell; b is read as outside it below
				} else {
					if (b === 0x22) quoteSeen = true;
					else if (b === 0x0a) line++;
					continue;
				}
			}
			if (b === 0x0a) {
				if (lineEmpty) {
					if (line > 1) blankLines.push(records);
				} else records++;
				line++;
				cellStart = true;
				lineEmpty = true;
				continue;
			}
			if (b === 0x0d) continue;
			lineEmpty = false;
			if (b === 0x22 && cellStart) {
				inQuotes = true;
				quoteLine = line;
				cellStart = false;
				continue;
			}
			cellStart = b === d;
		}
	}
	if (inQuotes && !quoteSeen) return { unclosedQuoteLine: quoteLine, blankLines: [] };
	// records counted the header too: the data records before an empty line are one fewer
	return { unclosedQuoteLine: null, blankLines: blankLines.map((n) => n - 1).filter((n) => n >= 0) };
}

/** One pass: sha256, whether the bytes are valid UTF-8, whether line endings are mixed, whether cells need cleaning. */
async function scanFile(
	path: string,
	delimiter: string,
	skipBom: boolean,
	utf16: boolean
): Promise<{ sha256: string; utf8: boolean; mixedEol: boolean; cleaning: DecodedInput['cleaning']; hints: StructureHints }> {
	const hash = createHash('sha256');
	const eol = new LineEndings();
	const edges = new EdgeScan(delimiter.charCodeAt(0));
	const unicode = new UnicodeScan(skipBom);
	let pending = Buffer.alloc(0);
	const cleaning = { unicode: false, edges: false };
	let utf8 = true;
	let lastByte = -1;
	const hints = new StructureHints();
	for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
		// A NUL byte anywhere (not only in the head) means binary content: refused before more is read.
		if (!utf16 && (chunk as Buffer).indexOf(0) >= 0) throw new IngestFailure('file_binary', {});
		if (!utf16) hints.feed(chunk as Buffer);
		hash.update(chunk as Buffer);
		if ((chunk as Buffer).length) lastByte = (chunk as Buffer)[(chunk as Buffer).length - 1]!;
		if (!eol.mixed) eol.feed(chunk as Buffer);
		if (!edges.found) edges.feed(chunk as Buffer);
		cleaning.edges = edges.found;
		// The needles are UTF-8 bytes: a file that is not UTF-8 (and has no BOM that says it is) is transcoded
		// and looked at again as UTF-8.
		if (utf8 || skipBom) unicode.feed(chunk as Buffer);
		cleaning.unicode = unicode.found;
		if (utf8) {
			// Validated natively (no string is built); a character cut by the chunk's end waits for the next chunk.
			let bytes = chunk as Buffer;
			if (pending.length && bytes.length >= 4) {
				// The cut character ends within the next chunk's leading continuation bytes: checked on its own, so the
				// chunk is not copied; validity of the whole is validity of both parts, split before a lead byte.
				let s = 0;
				while (s < 4 && (bytes[s]! & 0xc0) === 0x80) s++;
				utf8 = isUtf8(Buffer.concat([pending, bytes.subarray(0, s)]));
				bytes = bytes.subarray(s);
			} else if (pending.length) bytes = Buffer.concat([pending, bytes]);
			const cut = completeLength(bytes);
			utf8 &&= isUtf8(bytes.subarray(0, cut));
			pending = Buffer.from(bytes.subarray(cut));
		}
	}
	if (pending.length > 0) utf8 = false;
	if (lastByte === 0x20 || lastByte === 0x09) cleaning.edges = true;
	return { sha256: hash.digest('hex'), utf8, mixedEol: eol.mixed, cleaning, hints };
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
async function transcode(
	path: string,
	encoding: Encoding,
	outPath: string,
	lfOnly: boolean,
	delimiter: string
): Promise<DecodedInput['cleaning']> {
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
async function transcodeGbk(path: string, outPath: string): Promise<{ unicode: boolean; mixedEol: boolean } | null> {
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

function sniff(text: string): { delimiter: string; header: string[] } {
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

export async function decodeInput(path: string, tempUtf8Path: string, early: EarlyTranscode | null = null): Promise<DecodedInput> {
	let size: number;
	try {
		size = statSync(path).size;
	} catch {
		throw new IngestFailure('file_unreadable', { file: path });
	}
	if (size === 0) throw new IngestFailure('file_empty', {});
	const head = readHead(path, SNIFF_BYTES);
	const bom = declaredEncoding(head);
	assertText(head, bom);
	// The header is read from the head: a first line longer than it cannot be split into columns (and
	// has far more than MAX_COLUMNS of them).
	if (head.length === SNIFF_BYTES && head.indexOf(0x0a) < 0)
		throw new IngestFailure('header_too_long', { kb: SNIFF_BYTES >> 10, max: MAX_COLUMNS });
	// The delimiter is read from the head first (as UTF-8 unless a BOM says otherwise; delimiters are ASCII).
	const guess = sniff(headText(head, bom ?? 'utf-8'));
	const utf16 = bom === 'utf-16le' || bom === 'utf-16be';
	const { sha256, utf8, mixedEol, cleaning: scanned, hints } = await scanFile(path, guess.delimiter, bom === 'utf-8-bom', utf16);
	// A BOM that says UTF-8 over bytes that are not: a damaged file, or texts of two encodings pasted
	// together. Guessing would load garbled names, and DuckDB's reader must never see invalid UTF-8 (some
	// such files make it fail internally and take the whole database down with it).
	if (bom === 'utf-8-bom' && !utf8) throw new IngestFailure('file_bad_utf8', { line: await firstInvalidUtf8Line(path) });
	const encoding: Encoding = bom ?? (utf8 ? 'utf-8' : 'gbk');
	// UTF-16 bytes defeat the line-ending scan: its (rare) files are always rewritten with LF only.
	const lfOnly = mixedEol || utf16;
	const needsTranscode = encoding === 'gbk' || utf16 || lfOnly;
	const { delimiter, header } = encoding === (bom ?? 'utf-8') ? guess : sniff(headText(head, encoding));
	// The copy made first holds if the file is GBK throughout, read with the same delimiter, with one kind of line ending.
	const kept = early && encoding === 'gbk' && !lfOnly && !early.mixedEol && early.delimiter === delimiter ? early : null;
	const byTable = kept ?? (encoding === 'gbk' && !lfOnly ? await transcodeGbk(path, tempUtf8Path) : null);
	const transcoded = byTable
		? { unicode: byTable.unicode, edges: false }
		: needsTranscode
			? await transcode(path, encoding, tempUtf8Path, lfOnly, delimiter)
			: null;
	// The byte scan's edge test holds for GBK too (ASCII-compatible: quotes, delimiters and line breaks are
	// never GBK trail bytes); UTF-16 is tested on the decoded text instead.
	const cleaning = transcoded ? { unicode: transcoded.unicode, edges: utf16 ? transcoded.edges : scanned.edges } : scanned;
	const utf8Path = kept ? kept.utf8Path : needsTranscode ? tempUtf8Path : path;
	// UTF-16 text is looked at whole (its rare files are small); others only when the byte scan hints at it.
	const { blankLines, unclosedQuoteLine } =
		utf16 || hints.oddQuotes || hints.emptyLine ? await structure(utf8Path, delimiter) : { blankLines: [], unclosedQuoteLine: null };
	return {
		sha256,
		sizeBytes: size,
		encoding,
		utf8Path,
		transcoded: needsTranscode,
		delimiter,
		header,
		cleaning,
		blankLines,
		unclosedQuoteLine
	};
}

/**
 * The first physical line (1-based, as a text editor counts) holding bytes that are not UTF-8. A line
 * break byte never occurs inside a UTF-8 sequence, so lines are checked one by one. Only read for a file
 * already known to be invalid.
 */
async function firstInvalidUtf8Line(path: string): Promise<number> {
	let line = 1;
	let carry = Buffer.alloc(0);
	for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
		let bytes = Buffer.concat([carry, chunk as Buffer]);
		for (let nl = bytes.indexOf(0x0a); nl >= 0; nl = bytes.indexOf(0x0a)) {
			if (!isUtf8(bytes.subarray(0, nl))) return line;
			line++;
			bytes = bytes.subarray(nl + 1);
		}
		carry = Buffer.from(bytes);
	}
	return line;
}

function headText(head: Buffer, encoding: Encoding): string {
	const text = new TextDecoder(DECODER_LABEL[encoding]).decode(head);
	// The head may end inside a record; papaparse only needs the first rows.
	return head.length === SNIFF_BYTES ? text.slice(0, text.lastIndexOf('\n') + 1) || text : text;
}
