import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeInput } from '../../pipelines/decode';
import { encodeGbk } from '../../pipelines/generate/gbk';
import { tempDir } from '../helpers/db';

/** The byte scan decides whether any cell has a space or tab at its edge; text inside quotes does not count. */
describe('edge-space detection in the byte scan', () => {
	const { dir, cleanup } = tempDir();
	afterAll(cleanup);
	let n = 0;
	const edges = async (content: string | Buffer) => {
		const path = join(dir, `f${n++}.csv`);
		writeFileSync(path, content);
		return (await decodeInput(path, join(dir, `u${n}.csv`))).cleaning.edges;
	};

	it('ignores ", " inside a quoted field', async () => {
		expect(await edges('编号,摘要,门店\nA1,"送货延迟, 超过约定时间",南京店\nA2,"a ,b",上海店\n')).toBe(false);
	});
	it('sees a space after a delimiter outside quotes', async () => {
		expect(await edges('编号,摘要,门店\nA1,送货延迟, 南京店\n')).toBe(true);
	});
	it('sees a space before a delimiter, before a line break and at the start of a line', async () => {
		expect(await edges('编号,门店\nA1 ,南京店\n')).toBe(true);
		expect(await edges('编号,门店\nA1,南京店 \n')).toBe(true);
		expect(await edges('编号,门店\n A1,南京店\n')).toBe(true);
		expect(await edges('编号,门店\r\nA1,南京店\t\r\n')).toBe(true);
	});
	it('sees a quoted cell that starts or ends with a space', async () => {
		expect(await edges('编号,门店\nA1," 南京店"\n')).toBe(true);
		expect(await edges('编号,门店\nA1,"南京店 "\n')).toBe(true);
	});
	it('keeps quote parity across escaped quotes and across lines', async () => {
		expect(await edges('编号,摘要\nA1,"他说""好, 的""\n第二行, 仍在引号内"\nA2,正常\n')).toBe(false);
		expect(await edges('编号,摘要\nA1,"他说""好""",x\nA2, 引号外\n')).toBe(true);
	});
	it('finds an edge space far into a large file, across chunk boundaries', async () => {
		const row = 'A1,"很长的摘要, 带逗号",南京店\n';
		const clean = '编号,摘要,门店\n' + row.repeat(200_000);
		expect(await edges(clean)).toBe(false);
		expect(await edges(clean + 'A9,x, 南京店\n')).toBe(true);
	});
	it('applies to GBK files too (their quotes, delimiters and line breaks are plain ASCII bytes)', async () => {
		expect(await edges(encodeGbk('编号,摘要\r\nA1,"送货延迟, 超过约定时间"\r\n'))).toBe(false);
		expect(await edges(encodeGbk('编号,摘要\r\nA1, 送货延迟\r\n'))).toBe(true);
	});
	it('a trailing space at the very end of the file counts', async () => {
		expect(await edges('编号,门店\nA1,南京店 ')).toBe(true);
	});
});
