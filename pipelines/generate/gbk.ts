/**
 * A GBK encoder built by inverting Node's GBK decoder over the two-byte range once (Node can decode
 * GBK but not encode it, and iconv-lite is not a dependency). Characters outside GBK are an error:
 * the generator only writes text that a GBK spreadsheet could hold.
 */

let table: Uint16Array | null = null;

function buildTable(): Uint16Array {
	const t = new Uint16Array(65536);
	const decoder = new TextDecoder('gbk');
	const pair = new Uint8Array(2);
	for (let lead = 0x81; lead <= 0xfe; lead++) {
		for (let trail = 0x40; trail <= 0xfe; trail++) {
			if (trail === 0x7f) continue;
			pair[0] = lead;
			pair[1] = trail;
			const s = decoder.decode(pair);
			if (s.length !== 1 || s === '\uFFFD') continue;
			const code = s.charCodeAt(0);
			if (code >= 0x80 && t[code] === 0) t[code] = (lead << 8) | trail;
		}
	}
	return t;
}

export function encodeGbk(text: string): Buffer {
	table ??= buildTable();
	const out = Buffer.allocUnsafe(text.length * 2);
	let n = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) {
			out[n++] = c;
			continue;
		}
		const code = table[c]!;
		if (code === 0) throw new Error(`character ${JSON.stringify(text[i])} (U+${c.toString(16).toUpperCase()}) cannot be written in GBK`);
		out[n++] = code >> 8;
		out[n++] = code & 0xff;
	}
	return out.subarray(0, n);
}
