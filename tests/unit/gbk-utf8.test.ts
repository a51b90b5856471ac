import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GbkToUtf8 } from '../../pipelines/gbk-utf8';
import { decodeInput, transcodeGbkFirst } from '../../pipelines/decode';
import { encodeGbk } from '../../pipelines/generate/gbk';
import { tempDir } from '../helpers/db';

const TEXT =
	'投诉编号,门店,内容摘要\r\nTS1,上海徐家汇店,"冰箱异响，要求换货（已联系）"\r\nTS2,南京新街口店,价格￥1,200 — 满意度：基本满意\r\n';
const viaTextDecoder = (b: Buffer) => Buffer.from(new TextDecoder('gb18030').decode(b), 'utf8');

function byTable(b: Buffer, cut: number): Buffer | null {
	const d = new GbkToUtf8();
	const parts = [d.push(b.subarray(0, cut)), d.push(b.subarray(cut))];
	if (parts.includes(null) || !d.end()) return null;
	return Buffer.concat(parts as Buffer[]);
}

describe('GBK to UTF-8 by table', () => {
	it('gives exactly what TextDecoder gives, wherever the chunks are cut', () => {
		const gbk = encodeGbk(TEXT);
		const want = viaTextDecoder(gbk);
		expect(want.toString('utf8')).toBe(TEXT);
		for (let cut = 0; cut <= gbk.length; cut++) expect(byTable(gbk, cut)).toEqual(want);
	});

	it('every two-byte code it decodes agrees with TextDecoder; the others it declines', () => {
		let declined = 0;
		for (let lead = 0x81; lead <= 0xfe; lead++) {
			for (let trail = 0x40; trail <= 0xfe; trail++) {
				if (trail === 0x7f) continue;
				const pair = Buffer.from([lead, trail]);
				const out = byTable(pair, 0);
				if (out) expect(out).toEqual(viaTextDecoder(pair));
				else declined++;
			}
		}
		// GBK's user-defined areas and holes; the rest of the 23,940 pairs are characters
		expect(declined).toBeLessThan(2000);
	});

	it('declines four-byte GB18030 codes, 0x80, invalid pairs and a file ending inside a pair', () => {
		const fourByte = Buffer.from([0x41, 0x81, 0x30, 0x81, 0x30, 0x42]);
		expect(byTable(fourByte, 1)).toBeNull();
		expect(byTable(Buffer.from([0x41, 0x80, 0x42]), 0)).toBeNull();
		expect(byTable(Buffer.from([0x41, 0xff, 0x42]), 0)).toBeNull();
		expect(byTable(Buffer.from([0xb0, 0x30]), 0)).toBeNull();
		expect(byTable(Buffer.from([0x41, 0xb0]), 0)).toBeNull();
	});
});

describe('GBK transcoded before the file is hashed', () => {
	let dir: string;
	let cleanup: () => void;
	beforeEach(() => ({ dir, cleanup } = tempDir('sqa-gbk-first-')));
	afterEach(() => cleanup());

	it('its copy is kept when the whole file agrees, and made again when the line endings are mixed', async () => {
		const p = join(dir, 'g.csv');
		writeFileSync(p, encodeGbk(TEXT));
		const first = await transcodeGbkFirst(p, join(dir, 'first.csv'));
		expect(first).toMatchObject({ delimiter: ',', header: ['投诉编号', '门店', '内容摘要'], unicode: false, mixedEol: false });
		const d = await decodeInput(p, join(dir, 'out.csv'), first);
		expect(d).toMatchObject({ encoding: 'gbk', transcoded: true, utf8Path: join(dir, 'first.csv') });
		expect(readFileSync(d.utf8Path).toString('utf8')).toBe(TEXT);

		const q = join(dir, 'mixed.csv');
		writeFileSync(q, encodeGbk(TEXT + 'TS3,杭州店,无\n'));
		const mixedFirst = await transcodeGbkFirst(q, join(dir, 'first2.csv'));
		expect(mixedFirst?.mixedEol).toBe(true);
		const e = await decodeInput(q, join(dir, 'out2.csv'), mixedFirst);
		expect(e.utf8Path).toBe(join(dir, 'out2.csv'));
		expect(readFileSync(e.utf8Path).toString('utf8')).toBe((TEXT + 'TS3,杭州店,无\n').replace(/\r\n/g, '\n'));
	});

	it('is not tried for UTF-8, files with a BOM, or binary files', async () => {
		const cases: [string, Buffer][] = [
			['u.csv', Buffer.from(TEXT, 'utf8')],
			['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')])],
			['bin.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13])]
		];
		for (const [name, content] of cases) {
			const p = join(dir, name);
			writeFileSync(p, content);
			expect(await transcodeGbkFirst(p, join(dir, `${name}.out`))).toBeNull();
		}
	});
});

describe('decodeInput with a GBK file the table declines', () => {
	let dir: string;
	let cleanup: () => void;
	beforeEach(() => ({ dir, cleanup } = tempDir('sqa-gbk-')));
	afterEach(() => cleanup());

	it('transcodes it with TextDecoder, as before', async () => {
		// a four-byte GB18030 character (U+0080) in the middle of an otherwise ordinary GBK file
		const file = Buffer.concat([
			encodeGbk('编号,门店\r\nA1,上海店'),
			Buffer.from([0x81, 0x30, 0x81, 0x30]),
			encodeGbk('\r\nA2,南京店\r\n')
		]);
		const p = join(dir, 'g.csv');
		writeFileSync(p, file);
		const d = await decodeInput(p, join(dir, 'out.csv'));
		expect(d).toMatchObject({ encoding: 'gbk', transcoded: true, header: ['编号', '门店'] });
		expect(readFileSync(d.utf8Path)).toEqual(viaTextDecoder(file));
		// and an ordinary one by table gives the same bytes
		const q = join(dir, 'h.csv');
		writeFileSync(q, encodeGbk(TEXT));
		const e = await decodeInput(q, join(dir, 'out2.csv'));
		expect(readFileSync(e.utf8Path).toString('utf8')).toBe(TEXT);
	});
});
