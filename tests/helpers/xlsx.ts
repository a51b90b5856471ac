import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';

/** A workbook made with exceljs, as bytes. */
export async function workbookBytes(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	build(wb);
	return Buffer.from(await wb.xlsx.writeBuffer());
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (b: Buffer) => {
	let c = 0xffffffff;
	for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};

function record(length: number, fields: [offset: number, value: number, bytes: 2 | 4][]): Buffer {
	const b = Buffer.alloc(length);
	for (const [at, value, bytes] of fields) {
		if (bytes === 2) b.writeUInt16LE(value, at);
		else b.writeUInt32LE(value, at);
	}
	return b;
}

/**
 * A zip written byte by byte, so a test can make one lie: `declare` overrides the uncompressed size a
 * part declares (a zip bomb's trick), `encrypted` sets the parts' encryption flag.
 */
export function zipBytes(
	parts: Record<string, string | Buffer>,
	opts: { declare?: Record<string, number>; encrypted?: boolean } = {}
): Buffer {
	const locals: Buffer[] = [];
	const central: Buffer[] = [];
	let offset = 0;
	for (const [name, content] of Object.entries(parts)) {
		const raw = Buffer.isBuffer(content) ? content : Buffer.from(content);
		const data = deflateRawSync(raw);
		const nameBytes = Buffer.from(name);
		const size = opts.declare?.[name] ?? raw.length;
		const flags = opts.encrypted ? 1 : 0;
		const crc = crc32(raw);
		// little-endian fields at their offsets (APPNOTE.TXT 4.3.7 and 4.3.12)
		const local = record(30, [
			[0, 0x04034b50, 4],
			[4, 20, 2],
			[6, flags, 2],
			[8, 8, 2],
			[14, crc, 4],
			[18, data.length, 4],
			[22, size, 4],
			[26, nameBytes.length, 2]
		]);
		const dir = record(46, [
			[0, 0x02014b50, 4],
			[4, 20, 2],
			[6, 20, 2],
			[8, flags, 2],
			[10, 8, 2],
			[16, crc, 4],
			[20, data.length, 4],
			[24, size, 4],
			[28, nameBytes.length, 2],
			[42, offset, 4]
		]);
		locals.push(local, nameBytes, data);
		central.push(dir, nameBytes);
		offset += local.length + nameBytes.length + data.length;
	}
	const cd = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(Object.keys(parts).length, 8);
	end.writeUInt16LE(Object.keys(parts).length, 10);
	end.writeUInt32LE(cd.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, cd, end]);
}

const esc = (s: string) => s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;');

/** The parts of a one-sheet workbook with inline-string cells, to add to or change before zipBytes. */
export function minimalWorkbookParts(rows: string[][], extraRels = ''): Record<string, string> {
	const sheetRows = rows
		.map(
			(cells, r) =>
				`<row r="${r + 1}">${cells.map((v, c) => `<c r="${String.fromCharCode(65 + c)}${r + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('')}</row>`
		)
		.join('');
	return {
		'[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
		'_rels/.rels':
			'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
		'xl/workbook.xml':
			'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="登记表" sheetId="1" r:id="rId1"/></sheets></workbook>',
		'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>${extraRels}</Relationships>`,
		'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`
	};
}

/** The header of an OLE compound file (an old .xls, or an encrypted .xlsx), padded to a sector. */
export function compoundFile(streamName: string): Buffer {
	const b = Buffer.alloc(2048);
	Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(b, 0);
	Buffer.from(streamName, 'utf16le').copy(b, 1024);
	return b;
}
