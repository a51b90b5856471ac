/** Builders of the bytes of hostile test files: GBK, UTF-16 and the headers of each kind. */

let gbkTable: Map<string, Buffer> | null = null;

/** Text encoded as GBK (the table is made from the decoder itself: the inverse of what the engine reads). */
export function gbk(text: string): Buffer {
	if (!gbkTable) {
		gbkTable = new Map();
		const dec = new TextDecoder('gbk');
		for (let a = 0x81; a <= 0xfe; a++) {
			for (let b = 0x40; b <= 0xfe; b++) {
				if (b === 0x7f) continue;
				const bytes = Buffer.from([a, b]);
				const ch = dec.decode(bytes);
				if (ch.length === 1 && ch !== '\uFFFD' && !gbkTable.has(ch)) gbkTable.set(ch, bytes);
			}
		}
	}
	const parts: Buffer[] = [];
	for (const ch of text) {
		if (ch.charCodeAt(0) < 0x80) parts.push(Buffer.from(ch, 'latin1'));
		else {
			const b = gbkTable.get(ch);
			if (!b) throw new Error(`not in GBK: ${ch}`);
			parts.push(b);
		}
	}
	return Buffer.concat(parts);
}

export const utf8 = (text: string) => Buffer.from(text, 'utf8');
export const utf8Bom = (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(text)]);
export const utf16le = (text: string, bom = true) => Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]);
export function utf16be(text: string, bom = true): Buffer {
	const le = Buffer.from(text, 'utf16le');
	return Buffer.concat([Buffer.from(bom ? [0xfe, 0xff] : []), Buffer.from(le).swap16()]);
}

export const COMPLAINTS_HEADER = '投诉编号,投诉时间,门店,投诉类别,内容摘要,投诉人,联系电话';
export const SURVEYS_HEADER = '问卷编号,调查日期,门店,总体满意度,推荐意愿,意见建议';
export const APPRAISALS_HEADER = '工号,姓名,考核周期,业务能力,沟通能力,团队协作,服务态度,工作纪律,总分';

/** One complaint row in the order of COMPLAINTS_HEADER. */
export const complaint = (id: string, at = '2025-03-01 09:00', summary = '店员态度差', phone = '13812345678', name = '张三') =>
	[id, at, '南京新街口店', '服务态度', summary, name, phone].join(',');
export const survey = (id: string, date = '2025-03-01', overall = '4', nps = '9', comment = '') =>
	[id, date, '南京新街口店', overall, nps, comment].join(',');
export const appraisal = (id: string, period = '2025-03', scores = ['80', '90', '70', '60', '100'], total = '80') =>
	[id, '王静', period, ...scores, total].join(',');
