import { describe, expect, it } from 'vitest';
import { encodeGbk } from '$pipelines/generate/gbk';
import { detectEncoding } from './encoding';

describe('encoding detection in the browser', () => {
	const text = '问卷编号,调查日期,门店\nS1,2025-03-01,杭州湖滨店\n';
	it('tells UTF-8, UTF-8 with BOM, GBK and UTF-16 apart', () => {
		const utf8 = new TextEncoder().encode(text);
		expect(detectEncoding(utf8)).toBe('utf-8');
		expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toBe('utf-8-bom');
		expect(detectEncoding(new Uint8Array(encodeGbk(text)))).toBe('gbk');
		expect(detectEncoding(new Uint8Array([0xff, 0xfe, 0x41, 0]))).toBe('utf-16le');
		expect(detectEncoding(new Uint8Array([0xfe, 0xff, 0, 0x41]))).toBe('utf-16be');
	});
	it('a sample that ends inside a UTF-8 character is still UTF-8', () => {
		const utf8 = new TextEncoder().encode(text);
		const cut = utf8.slice(0, 4); // 问 is 3 bytes, 卷 cut after its first byte
		expect(detectEncoding(cut)).toBe('utf-8');
	});
});
