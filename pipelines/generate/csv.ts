import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { encodeGbk } from './gbk';

export type OutputEncoding = 'utf8' | 'utf8-bom' | 'gbk';

const FLUSH_CHARS = 1 << 19;

/** A CSV field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Buffered CSV output with backpressure: rows collect in memory up to ~0.5M characters, then go to
 * the file stream; when the stream's buffer is full, `flush` waits for it to drain, so memory stays
 * bounded whatever the file size. GBK files get CRLF line ends as Excel writes them; UTF-8 files LF.
 */
export class CsvWriter {
	private readonly stream: WriteStream;
	private parts: string[] = [];
	private chars = 0;
	private readonly eol: string;
	private failure: Error | null = null;
	rows = 0;

	constructor(
		readonly path: string,
		private readonly encoding: OutputEncoding,
		header: readonly string[]
	) {
		this.stream = createWriteStream(path);
		this.stream.on('error', (e) => (this.failure ??= e));
		this.eol = encoding === 'gbk' ? '\r\n' : '\n';
		if (encoding === 'utf8-bom') this.stream.write(Buffer.from([0xef, 0xbb, 0xbf]));
		this.push(header.join(','));
		this.rows = 0;
	}

	/** one row of already escaped fields */
	push(line: string): void {
		this.parts.push(line, this.eol);
		this.chars += line.length + 1;
		this.rows++;
	}

	row(fields: readonly string[]): void {
		this.push(fields.map(csvField).join(','));
	}

	/** Writes the buffer out when it is big enough (or always with `force`), waiting for the disk if needed. */
	async flush(force = false): Promise<void> {
		if (this.failure) throw this.failure;
		if (this.chars === 0 || (!force && this.chars < FLUSH_CHARS)) return;
		const text = this.parts.join('');
		this.parts = [];
		this.chars = 0;
		const bytes = this.encoding === 'gbk' ? encodeGbk(text) : Buffer.from(text, 'utf8');
		if (!this.stream.write(bytes)) await once(this.stream, 'drain');
	}

	async close(): Promise<void> {
		await this.flush(true);
		this.stream.end();
		await once(this.stream, 'finish');
		if (this.failure) throw this.failure;
	}
}
