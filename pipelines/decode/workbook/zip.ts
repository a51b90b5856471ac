import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { IngestFailure } from '$lib/shared/schema/errors';
import { WORKBOOK_LIMITS } from './limits';

/**
 * The workbook's zip container, read from its central directory before anything is inflated: a zip
 * bomb (declared sizes too large, too many parts) is refused without inflating a byte, and yauzl
 * checks while inflating that no part grows past the size it declared.
 */
export interface WorkbookZip {
	/** the part names (xl/workbook.xml, …) */
	names: ReadonlySet<string>;
	/** a part's whole text; null when the workbook has no such part */
	text(name: string): Promise<string | null>;
	/** a part as a stream of bytes */
	stream(name: string): Promise<Readable>;
	close(): void;
}

export async function openWorkbookZip(path: string): Promise<WorkbookZip> {
	let zip: yauzl.ZipFile;
	try {
		zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
	} catch (e) {
		throw new IngestFailure('workbook_damaged', { detail: e instanceof Error ? e.message : String(e) });
	}
	const entries = new Map<string, yauzl.Entry>();
	let inflated = 0;
	try {
		for await (const entry of zip.eachEntry()) {
			if (entries.size >= WORKBOOK_LIMITS.parts) throw new IngestFailure('workbook_too_many_parts', { max: WORKBOOK_LIMITS.parts });
			if (entry.isEncrypted()) throw new IngestFailure('workbook_encrypted', {});
			inflated += entry.uncompressedSize;
			if (inflated > WORKBOOK_LIMITS.inflatedBytes)
				throw new IngestFailure('workbook_inflated_too_large', { mb: WORKBOOK_LIMITS.inflatedBytes >> 20 });
			entries.set(entry.fileName.replace(/^\/+/u, ''), entry);
		}
	} catch (e) {
		zip.close();
		if (e instanceof IngestFailure) throw e;
		throw new IngestFailure('workbook_damaged', { detail: e instanceof Error ? e.message : String(e) });
	}
	const open = async (name: string): Promise<Readable> => {
		const entry = entries.get(name);
		if (!entry) throw new IngestFailure('workbook_damaged', { detail: `missing ${name}` });
		try {
			return await zip.openReadStreamPromise(entry);
		} catch (e) {
			throw new IngestFailure('workbook_damaged', { detail: e instanceof Error ? e.message : String(e) });
		}
	};
	return {
		names: new Set(entries.keys()),
		async text(name) {
			if (!entries.has(name)) return null;
			const chunks: Buffer[] = [];
			try {
				for await (const c of await open(name)) chunks.push(c as Buffer);
			} catch (e) {
				if (e instanceof IngestFailure) throw e;
				throw new IngestFailure('workbook_damaged', { detail: e instanceof Error ? e.message : String(e) });
			}
			return Buffer.concat(chunks).toString('utf8');
		},
		stream: open,
		close: () => zip.close()
	};
}
