import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { IngestFailure } from '$lib/shared/schema/errors';
import { CHUNK } from './detect';

/**
 * What the byte scan found anywhere in the file: `unicode` — full-width digits or letters, the
 * ideographic space, NBSP, zero-width characters; `edges` — a space or tab beside a delimiter,
 * quote or line break. Both false for most files, which then skip the per-column scan and the trims.
 */
export interface Cleaning {
	unicode: boolean;
	edges: boolean;
}

/**
 * Line endings seen in the bytes of an ASCII-compatible encoding (UTF-8, GBK). DuckDB's strict CSV
 * reader fails on a file that mixes CRLF and bare LF (concatenated exports, hand edits), so such a
 * file is rewritten with LF only.
 */
export class LineEndings {
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
export class UnicodeScan {
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

/** One pass: sha256, whether the bytes are valid UTF-8, whether line endings are mixed, whether cells need cleaning. */
export async function scanFile(
	path: string,
	delimiter: string,
	skipBom: boolean,
	utf16: boolean
): Promise<{ sha256: string; utf8: boolean; mixedEol: boolean; cleaning: Cleaning; hints: StructureHints }> {
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
