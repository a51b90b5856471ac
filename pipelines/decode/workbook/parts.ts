import { IngestFailure } from '$lib/shared/schema/errors';
import { cellText, parseXml } from './xml';
import type { WorkbookZip } from './zip';

export interface SheetEntry {
	name: string;
	/** the part holding its cells (xl/worksheets/sheet1.xml); null for a chart or dialog sheet */
	part: string | null;
	hidden: boolean;
}

export interface WorkbookParts {
	sheets: SheetEntry[];
	date1904: boolean;
	sharedStrings: string[];
	styles: CellStyles;
	/** the workbook carries macros (.xlsm): never run, ignored */
	macros: boolean;
	/** the workbook links to other files: those cells hold the values last saved */
	externalLinks: boolean;
}

/** Per cell style index: whether its number format shows a date, and the digits a 000000 format pads to. */
export interface CellStyles {
	isDate: boolean[];
	padTo: number[];
}

const resolveTarget = (base: string, target: string) => (target.startsWith('/') ? target.slice(1) : base + target);

function relationships(text: string | null): { id: string; type: string; target: string }[] {
	const out: { id: string; type: string; target: string }[] = [];
	if (text)
		parseXml(text, {
			open: (name, a) => {
				if (name === 'Relationship') out.push({ id: a.Id ?? '', type: a.Type ?? '', target: a.Target ?? '' });
			}
		});
	return out;
}

export async function readParts(zip: WorkbookZip): Promise<WorkbookParts> {
	const root = relationships(await zip.text('_rels/.rels')).find((r) => r.type.endsWith('/officeDocument'));
	const workbookPart = root ? resolveTarget('', root.target) : 'xl/workbook.xml';
	const workbookXml = await zip.text(workbookPart);
	if (workbookXml === null) throw new IngestFailure('workbook_not_xlsx', {});
	const dir = workbookPart.slice(0, workbookPart.lastIndexOf('/') + 1);
	const relsPart = `${dir}_rels/${workbookPart.slice(dir.length)}.rels`;
	const rels = relationships(await zip.text(relsPart));
	const byId = new Map(rels.map((r) => [r.id, r]));

	const sheets: SheetEntry[] = [];
	let date1904 = false;
	parseXml(workbookXml, {
		open: (name, a) => {
			if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
			if (name !== 'sheet') return;
			const rel = byId.get(a['r:id'] ?? Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1] ?? '');
			const part = rel && rel.type.endsWith('/worksheet') ? resolveTarget(dir, rel.target) : null;
			sheets.push({ name: a.name ?? '', part: part && zip.names.has(part) ? part : null, hidden: !!a.state && a.state !== 'visible' });
		}
	});
	const ss = rels.find((r) => r.type.endsWith('/sharedStrings'));
	const st = rels.find((r) => r.type.endsWith('/styles'));
	return {
		sheets,
		date1904,
		sharedStrings: ss ? sharedStrings(await zip.text(resolveTarget(dir, ss.target))) : [],
		styles: st ? cellStyles(await zip.text(resolveTarget(dir, st.target))) : { isDate: [], padTo: [] },
		macros: [...zip.names].some((n) => /vbaProject\.bin$/iu.test(n)),
		externalLinks: rels.some((r) => r.type.endsWith('/externalLink'))
	};
}

/** The shared strings, rich text runs joined, phonetic guides (rPh) left out. */
function sharedStrings(text: string | null): string[] {
	const out: string[] = [];
	if (!text) return out;
	let current = '';
	let inT = false;
	let phonetic = 0;
	parseXml(text, {
		open: (name) => {
			if (name === 'si') current = '';
			else if (name === 'rPh') phonetic++;
			else if (name === 't') inT = true;
		},
		close: (name) => {
			if (name === 'si') out.push(cellText(current));
			else if (name === 'rPh') phonetic--;
			else if (name === 't') inT = false;
		},
		text: (t) => {
			if (inT && phonetic === 0) current += t;
		}
	});
	return out;
}

/** Built-in number formats that show dates or times (ECMA-376 18.8.30, with the East Asian ones). */
const BUILTIN_DATES = new Set([
	14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58
]);

/** Whether a number format code shows a date or time: d, m, y, h or s outside quoted text, escapes and [colour] blocks. */
export function isDateFormat(code: string): boolean {
	const bare = code
		.replace(/"[^"]*"/gu, '')
		.replace(/\\./gu, '')
		.replace(/\[(?![hms]+\])[^\]]*\]/giu, '')
		.split(';')[0]!;
	return /[dmyhs]/iu.test(bare) || /\[[hms]+\]/iu.test(bare);
}

function cellStyles(text: string | null): CellStyles {
	const custom = new Map<number, string>();
	const formats: number[] = [];
	let inCellXfs = false;
	if (text)
		parseXml(text, {
			open: (name, a) => {
				if (name === 'numFmt') custom.set(Number(a.numFmtId), a.formatCode ?? '');
				else if (name === 'cellXfs') inCellXfs = true;
				else if (name === 'xf' && inCellXfs) formats.push(Number(a.numFmtId ?? 0));
			},
			close: (name) => {
				if (name === 'cellXfs') inCellXfs = false;
			}
		});
	return {
		isDate: formats.map((id) => (custom.has(id) ? isDateFormat(custom.get(id)!) : BUILTIN_DATES.has(id))),
		padTo: formats.map((id) => {
			const code = custom.get(id) ?? '';
			return /^0+$/u.test(code) ? code.length : 0;
		})
	};
}
