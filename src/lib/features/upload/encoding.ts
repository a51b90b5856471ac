/**
 * The encoding of an uploaded file, guessed in the browser from its first bytes the way the engine
 * decides it (pipelines/decode/): a BOM says it outright; otherwise bytes that are valid UTF-8 are
 * UTF-8, and anything else is GBK/GB18030 (what Excel on Chinese Windows writes).
 */
export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'utf-16le' | 'utf-16be';

export const ENCODINGS: readonly FileEncoding[] = ['utf-8', 'utf-8-bom', 'gbk', 'utf-16le', 'utf-16be'];

/** How many bytes to look at: enough to meet the first Chinese text of a file with long ASCII columns. */
export const SNIFF_BYTES = 1024 * 1024;

export function detectEncoding(head: Uint8Array): FileEncoding {
	if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
	if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
	if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
	try {
		// stream: a multi-byte character cut at the end of the sample is not an error
		new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
		return 'utf-8';
	} catch {
		return 'gbk';
	}
}

/** The WHATWG label for TextDecoder (which drops a BOM itself). gb18030 is a superset of GBK. */
export const decoderLabel = (e: FileEncoding): string => (e === 'gbk' ? 'gb18030' : e === 'utf-8-bom' ? 'utf-8' : e);
