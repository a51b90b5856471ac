import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeInput } from '../../pipelines/decode';
import { CHUNK } from '../../pipelines/decode/detect';
import { IngestFailure } from '../../src/lib/shared/schema/errors';
import { tempDir } from '../helpers/db';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('sqa-decode-')));
afterEach(() => cleanup());

const HEADER = '日期,门店,客流量,交易笔数';
const write = (name: string, content: string | Buffer) => {
	const p = join(dir, name);
	writeFileSync(p, content);
	return p;
};
const decode = (p: string) => decodeInput(p, join(dir, 'out.csv'));

async function failure(p: string): Promise<IngestFailure> {
	try {
		await decode(p);
	} catch (e) {
		if (e instanceof IngestFailure) return e;
		throw e;
	}
	throw new Error('expected an IngestFailure');
}

describe('decodeInput', () => {
	it('reads plain UTF-8 in place and sniffs the header', async () => {
		const p = write('a.csv', `${HEADER}\n2025-01-01,A店,1,1\n`);
		const d = await decode(p);
		expect(d).toMatchObject({ encoding: 'utf-8', transcoded: false, utf8Path: p, delimiter: ',', header: HEADER.split(',') });
		expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
	});

	it('UTF-8 with BOM: header without the BOM', async () => {
		const d = await decode(write('a.csv', `\uFEFF${HEADER}\r\n2025-01-01,A店,1,1\r\n`));
		expect(d.encoding).toBe('utf-8-bom');
		expect(d.header[0]).toBe('日期');
	});

	it('GBK (not valid UTF-8) is transcoded to a UTF-8 temp file', async () => {
		// "日期,门店\n1,2\n" in GBK, by hand so the test needs no encoder library
		const bytes = Buffer.from([0xc8, 0xd5, 0xc6, 0xda, 0x2c, 0xc3, 0xc5, 0xb5, 0xea, 0x0a, 0x31, 0x2c, 0x32, 0x0a]);
		const d = await decode(write('gbk.csv', bytes));
		expect(d.encoding).toBe('gbk');
		expect(d.transcoded).toBe(true);
		expect(d.header).toEqual(['日期', '门店']);
		expect(readFileSync(d.utf8Path, 'utf8')).toBe('日期,门店\n1,2\n');
	});

	it('UTF-16LE with BOM is transcoded, line endings to LF', async () => {
		const d = await decode(
			write('u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\r\n2025-01-01,A店,1,1\r\n`, 'utf16le')]))
		);
		expect(d.encoding).toBe('utf-16le');
		expect(d.header).toEqual(HEADER.split(','));
		expect(readFileSync(d.utf8Path, 'utf8')).toBe(`${HEADER}\n2025-01-01,A店,1,1\n`);
	});

	it.each([
		[';', `日期;门店;客流量;交易笔数\n2025-01-01;A店;1,5;1\n2025-01-02;A店;2;1\n`],
		['\t', `日期\t门店\t客流量\t交易笔数\n2025-01-01\tA店\t1\t1\n`],
		['|', `日期|门店|客流量|交易笔数\n2025-01-01|A店|1|1\n`]
	])('sniffs the delimiter %j', async (delim, content) => {
		const d = await decode(write('d.csv', content));
		expect(d.delimiter).toBe(delim);
		expect(d.header).toEqual(HEADER.split(','));
	});

	it('a file of consistent CRLF (even with LF inside quoted cells) is read in place', async () => {
		const p = write('crlf.csv', `${HEADER}\r\n2025-01-01,"A\n店",1,1\r\n`);
		const d = await decode(p);
		// CRLF rows with a bare LF inside a quoted cell count as mixed: rewritten, cell newline kept
		expect(readFileSync(d.utf8Path, 'utf8')).toBe(`${HEADER}\n2025-01-01,"A\n店",1,1\n`);
		const q = write('crlf2.csv', `${HEADER}\r\n2025-01-01,A店,1,1\r\n`);
		expect((await decode(q)).utf8Path).toBe(q);
	});

	it('mixed CRLF and LF line endings are rewritten with LF only; the sha256 is of the original bytes', async () => {
		const content = `${HEADER}\r\n2025-01-01,A店,1,1\n2025-01-02,A店,1,1\r\n2025-01-03,A店,1,1`;
		const p = write('mixed.csv', content);
		const d = await decode(p);
		expect(d.transcoded).toBe(true);
		expect(readFileSync(d.utf8Path, 'utf8')).toBe(content.replaceAll('\r\n', '\n'));
		const plain = await decode(write('lf.csv', content.replaceAll('\r\n', '\n')));
		expect(d.sha256).not.toBe(plain.sha256);
	});

	it('a CR LF pair split across the 4 MiB read chunks still counts as CRLF (file read in place)', async () => {
		const headerLine = 'date,store,visitors,transactions\r\n';
		const line = 'x'.repeat(98) + '\r\n';
		const filler = line.repeat(Math.floor(((4 << 20) - headerLine.length) / line.length) - 1);
		const pad = 'y'.repeat((4 << 20) - headerLine.length - filler.length - 1);
		const head = headerLine + filler + pad + '\r';
		expect(head.length).toBe(4 << 20);
		const p = write('split.csv', head + '\n2025-01-01,A,1,1\r\n');
		expect((await decode(p)).utf8Path).toBe(p);
		// and the same file with one bare LF is rewritten
		const q = write('split-mixed.csv', head + '\n2025-01-01,A,1,1\n');
		expect((await decode(q)).utf8Path).not.toBe(q);
	});

	it('a character or a character to clean cut by the read chunks is still seen whole', async () => {
		const headerLine = 'date,store,visitors,transactions\n';
		// bytes up to the chunk boundary less `back`, then the multi-byte character, then more rows
		const around = (back: number, char: string, after = '\n2025-01-01,A,1,1\n') => {
			const body = 'x'.repeat(CHUNK - headerLine.length - back);
			const buf = Buffer.from(headerLine + body + char + after);
			expect(buf.indexOf(Buffer.from(char))).toBe(CHUNK - back);
			return buf;
		};
		for (const back of [1, 2]) {
			// 店 (3 bytes) split by the boundary: valid UTF-8, read in place, nothing to clean
			const split = await decode(write(`cut${back}.csv`, around(back, '店')));
			expect(split).toMatchObject({ encoding: 'utf-8', transcoded: false, cleaning: { unicode: false, edges: false } });
			// a full-width digit (３) or an ideographic space split by the boundary is something to clean
			expect((await decode(write(`fw${back}.csv`, around(back, '３')))).cleaning.unicode).toBe(true);
			expect((await decode(write(`sp${back}.csv`, around(back, '\u3000')))).cleaning.unicode).toBe(true);
		}
		// the lead byte of a character before the boundary without its continuation bytes after it: not UTF-8
		const broken = Buffer.concat([around(1, '店').subarray(0, CHUNK), Buffer.from('\n2025-01-01,A,1,1\n')]);
		expect((await decode(write('broken.csv', broken))).encoding).toBe('gbk');
	});

	it('refuses an empty file, a whitespace-only file, a binary file and a zip/xlsx', async () => {
		expect((await failure(write('e.csv', ''))).code).toBe('file_empty');
		expect((await failure(write('w.csv', '  \n\r\n'))).code).toBe('file_empty');
		const bin = await failure(write('b.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])));
		expect(bin.code).toBe('file_binary');
		expect(bin.unreadable).toBe(true);
		const xlsx = await failure(
			write('x.csv', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]), Buffer.from('[Content_Types].xml')]))
		);
		expect(xlsx.code).toBe('file_xlsx');
		const xls = await failure(write('x.xls.csv', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])));
		expect(xls.code).toBe('file_xlsx');
		expect((await failure(join(dir, 'missing.csv'))).code).toBe('file_unreadable');
	});
});
