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
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(flags, 6);
		local.writeUInt16LE(8, 8);
		local.writeUInt32LE(crc32(raw), 14);
		local.writeUInt32LE(data.length, 18);
		local.writeUInt32LE(size, 22);
		local.writeUInt16LE(nameBytes.length, 26);
		const dir = Buffer.alloc(46);
		dir.writeUInt32LE(0x02014b50, 0);
		dir.writeUInt16LE(20, 4);
		dir.writeUInt16LE(20, 6);
		dir.writeUInt16LE(flags, 8);
		dir.writeUInt16LE(8, 10);
		dir.writeUInt32LE(crc32(raw), 16);
		dir.writeUInt32LE(data.length, 20);
		dir.writeUInt32LE(size, 24);
		dir.writeUInt16LE(nameBytes.length, 28);
		dir.writeUInt32LE(offset, 42);
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
