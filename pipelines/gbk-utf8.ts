/**
 * GBK → UTF-8, bytes to bytes through a table of the two-byte codes: several times faster than
 * TextDecoder('gb18030') followed by encoding the string as UTF-8. Only ASCII and two-byte codes are
 * handled. Anything else (a four-byte GB18030 code, a pair that is no character, the bytes 0x80 and
 * 0xFF, a file ending inside a pair) stops it, and the caller decodes the whole file with TextDecoder
 * instead: the result is always exactly TextDecoder's.
 */

/** index (lead − 0x81) × 256 + trail → the character's UTF-8 bytes, packed as length << 24 | b0 << 16 | b1 << 8 | b2; 0 = no character */
let table: Uint32Array | null = null;

function gbkTable(): Uint32Array {
	if (table) return table;
	// Every pair decoded once by TextDecoder itself, each followed by a line break to keep them apart.
	const index: number[] = [];
	const pairs: number[] = [];
	for (let lead = 0x81; lead <= 0xfe; lead++) {
		for (let trail = 0x40; trail <= 0xfe; trail++) {
			if (trail === 0x7f) continue;
			pairs.push(lead, trail, 0x0a);
			index.push((lead - 0x81) * 256 + trail);
		}
	}
	const chars = new TextDecoder('gb18030').decode(Uint8Array.from(pairs)).split('\n');
	const t = new Uint32Array(0x7e * 256);
	index.forEach((at, i) => {
		const c = chars[i]!;
		// one UTF-16 unit that is not the replacement character: a BMP character, 2 or 3 bytes in UTF-8,
		// encoded here rather than by Buffer.from (a small buffer for each of 24,000 codes: most of the
		// table's cost, paid by every load of a GBK file)
		const cp = c.length === 1 ? c.charCodeAt(0) : 0xfffd;
		if (cp === 0xfffd) return;
		t[at] =
			cp < 0x80
				? (1 << 24) | (cp << 16)
				: cp < 0x800
					? (2 << 24) | ((0xc0 | (cp >> 6)) << 16) | ((0x80 | (cp & 0x3f)) << 8)
					: (3 << 24) | ((0xe0 | (cp >> 12)) << 16) | ((0x80 | ((cp >> 6) & 0x3f)) << 8) | (0x80 | (cp & 0x3f));
	});
	return (table = t);
}

/** Streaming: push() each chunk, then end(); null from either means "use TextDecoder for this file". */
export class GbkToUtf8 {
	/** a lead byte that ended the previous chunk, its trail byte still to come */
	private lead = -1;
	private readonly table = gbkTable();

	push(chunk: Buffer): Buffer | null {
		const t = this.table;
		const n = chunk.length;
		// ASCII stays one byte, a pair becomes at most three
		const out = Buffer.allocUnsafe(n * 2 + 3);
		let o = 0;
		let i = 0;
		if (this.lead >= 0 && n > 0) {
			const v = t[(this.lead - 0x81) * 256 + chunk[0]!]!;
			if (v === 0) return null;
			o = put(out, o, v);
			this.lead = -1;
			i = 1;
		}
		while (i < n) {
			const b = chunk[i]!;
			if (b < 0x80) {
				out[o++] = b;
				i++;
				continue;
			}
			if (b === 0x80 || b === 0xff) return null;
			if (i + 1 === n) {
				this.lead = b;
				break;
			}
			const v = t[(b - 0x81) * 256 + chunk[i + 1]!]!;
			if (v === 0) return null;
			o = put(out, o, v);
			i += 2;
		}
		return out.subarray(0, o);
	}

	/** false when the file ended inside a pair */
	end(): boolean {
		return this.lead < 0;
	}
}

function put(out: Buffer, o: number, v: number): number {
	const len = v >>> 24;
	out[o] = (v >>> 16) & 0xff;
	out[o + 1] = (v >>> 8) & 0xff;
	if (len === 3) out[o + 2] = v & 0xff;
	return o + len;
}
