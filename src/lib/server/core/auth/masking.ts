import { canonicalPhone } from '$lib/shared/phone';

export { canonicalPhone };
/**
 * Masking of customers' personal information for everyone without the `pii` permission.
 * Names keep the surname (张*, 欧阳**); mobiles keep the first 3 and last 4 digits (138****1234);
 * landlines keep the area code and the last 4 (010-****5678). Whatever the input, the output never
 * shows more than that: unrecognised values keep at most their last 4 digits.
 */

/** Two-character (compound) surnames, simplified and traditional; everything else is one character. */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
	'欧阳',
	'司马',
	'诸葛',
	'上官',
	'东方',
	'皇甫',
	'尉迟',
	'公孙',
	'慕容',
	'令狐',
	'长孙',
	'宇文',
	'司徒',
	'夏侯',
	'轩辕',
	'端木',
	'独孤',
	'南宫',
	'西门',
	'百里',
	'呼延',
	'闻人',
	'澹台',
	'公冶',
	'宗政',
	'濮阳',
	'淳于',
	'单于',
	'太叔',
	'申屠',
	'仲孙',
	'钟离',
	'宰父',
	'谷梁',
	'拓跋',
	'夹谷',
	'段干',
	'巫马',
	'公西',
	'漆雕',
	'乐正',
	'壤驷',
	'公良',
	'梁丘',
	'左丘',
	'东郭',
	'第五',
	'万俟',
	'赫连',
	'司空',
	'司寇',
	'子车',
	'颛孙',
	'亓官',
	'鲜于',
	'闾丘',
	'羊舌',
	'微生',
	'公羊',
	'东门',
	'南门',
	'東方',
	'歐陽',
	'司馬',
	'諸葛',
	'尉遲',
	'公孫',
	'長孫',
	'軒轅',
	'鍾離',
	'聞人',
	'澹臺',
	'濮陽',
	'單于',
	'東郭',
	'赫連',
	'顓孫',
	'閭丘',
	'鮮于',
	'獨孤',
	'夾谷',
	'樂正',
	'壤駟',
	'漆雕'
]);

/** Forms of address a register often writes instead of a given name (王先生, 欧阳女士): nothing to hide. */
const HONORIFICS = ['先生', '女士', '小姐', '太太', '夫人', '阿姨', '师傅', '老师', '同学', '大爷', '大妈', '大姐', '老板', '经理', '总'];

const HAN = /\p{Script=Han}/u;
const NAME_SEPARATOR = /[·•・.\s-]/u;

/** 张三 → 张*, 欧阳娜娜 → 欧阳**, 王先生 → 王先生, 张 → 张, John Smith → J*** S****. */
export function maskName(name: string | null | undefined): string | null {
	if (name === null || name === undefined) return null;
	const trimmed = name.trim();
	if (trimmed === '') return '';
	const chars = [...trimmed];
	if (!HAN.test(chars[0]!)) {
		// Latin and other scripts: the first letter of each word.
		return trimmed
			.split(/(\s+)/u)
			.map((word) => (/^\s+$/u.test(word) ? word : [...word].map((c, i) => (i === 0 || NAME_SEPARATOR.test(c) ? c : '*')).join('')))
			.join('');
	}
	const surnameLength = chars.length >= 2 && COMPOUND_SURNAMES.has(chars[0]! + chars[1]!) ? 2 : 1;
	const rest = chars.slice(surnameLength).join('');
	if (rest === '' || HONORIFICS.includes(rest)) return trimmed;
	return chars.map((c, i) => (i < surnameLength || NAME_SEPARATOR.test(c) ? c : '*')).join('');
}

const stars = (n: number) => '*'.repeat(Math.max(0, n));

/** Beijing (010) and the 02x cities have 3-digit area codes; all other Chinese area codes have 4. */
const areaCodeLength = (digits: string) => (/^(010|02\d)/u.test(digits) ? 3 : 4);

function maskDigits(digits: string): string {
	if (/^1[3-9]\d{9}$/u.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
	if (/^0\d{9,11}$/u.test(digits)) {
		const area = areaCodeLength(digits);
		const local = digits.slice(area);
		if (local.length >= 7 && local.length <= 8) return `${digits.slice(0, area)}-${stars(local.length - 4)}${local.slice(-4)}`;
	}
	if (digits.length <= 4) return stars(digits.length);
	return `${stars(digits.length - 4)}${digits.slice(-4)}`;
}

/** One number, possibly with +86 and an extension. */
function maskOne(value: string): string {
	let [main = '', ext] = value.split(/\s*(?:转|分机|ext\.?|x|#)\s*/iu);
	// 0571-87654321-12: a short last group after a complete landline is an extension.
	const dashed = ext === undefined ? /^(.+?)-(\d{1,5})$/u.exec(main.trim()) : null;
	if (dashed && /^0\d{9,11}$/u.test(dashed[1]!.replace(/\D/gu, ''))) [, main = '', ext] = dashed;
	const intl = /^\s*(\+\s*86|0086)/u.test(main);
	let digits = main.replace(/^\s*(\+\s*86|0086)/u, '').replace(/\D/gu, '');
	if (!intl && digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
	// +86 10 12345678: international form of a landline drops the trunk 0.
	if (intl && digits !== '' && !/^1[3-9]\d{9}$/u.test(digits) && !digits.startsWith('0')) digits = `0${digits}`;
	if (digits === '') return stars(Math.min(4, Math.max(1, [...value.trim()].length)));
	const extDigits = ext?.replace(/\D/gu, '') ?? '';
	return extDigits ? `${maskDigits(digits)}-${stars(extDigits.length)}` : maskDigits(digits);
}

/** 13812345678 → 138****1234, 010-12345678 → 010-****5678; several numbers in one cell each masked. */
export function maskPhone(phone: string | null | undefined): string | null {
	if (phone === null || phone === undefined) return null;
	const value = phone.normalize('NFKC').trim();
	if (value === '') return '';
	return value
		.split(/\s*[/,;，；、|]\s*|\s+或\s+/u)
		.filter((part) => part !== '')
		.map(maskOne)
		.join(' / ');
}

/*
 * Phone numbers as people write them inside free text. Digits may be ASCII or full-width (１３８…), a
 * mobile may have any single space, dot or dash (or a short run of them) between any two digits
 * (138 1234 5678, 138.1234.5678, 1381 234 5678) and a +86 / 0086 prefix; a landline has its area code
 * with a dash or space, in parentheses ((010)87654321, （0571）87654321) or written straight on, then 7-8
 * digits that may again be grouped (021-6123 4567); +86 before a landline drops the trunk 0
 * (+86 10 12345678). A match must not be followed by another digit, and a landline not preceded by one
 * (0 is common inside order numbers and dates; a mobile is masked even glued to other digits). Each match is masked by `maskPhone`.
 */
const D = String.raw`[0-9\uFF10-\uFF19]`;
const SEP = String.raw`[\s.\-\u00B7\u2010-\u2015\u2212\uFF0D\uFF0E]`;
const PREFIX = String.raw`(?:(?:[+\uFF0B]\s*(?:86|\uFF18\uFF16)|0086|\uFF10\uFF10\uFF18\uFF16)${SEP}{0,3})`;
const MOBILE = String.raw`[1\uFF11]${SEP}{0,3}[3-9\uFF13-\uFF19](?:${SEP}{0,3}${D}){9}`;
const LOCAL = String.raw`${D}(?:${SEP}?${D}){6,7}`;
const AREA = String.raw`(?:[(\uFF08]\s*[0\uFF10]${D}{2,3}\s*[)\uFF09]\s*|[0\uFF10]${D}{2,3}${SEP}{0,3})`;
const INTL_AREA = String.raw`(?:[(\uFF08]\s*[1-9\uFF11-\uFF19]${D}{1,2}\s*[)\uFF09]\s*|[1-9\uFF11-\uFF19]${D}{1,2}${SEP}{1,3})`;
/** The one pattern of a phone number in text (see above). */
export const PHONE_IN_TEXT_SOURCE = String.raw`(?:${PREFIX}?${MOBILE}|(?<!${D})${AREA}${LOCAL}|${PREFIX}${INTL_AREA}${LOCAL})(?!${D})`;
const PHONE_IN_TEXT = new RegExp(PHONE_IN_TEXT_SOURCE, 'gu');

/** Free text (a complaint summary, a survey comment) with every phone number in it masked. */
export function maskPhonesInText(text: string | null | undefined): string | null {
	if (text === null || text === undefined) return null;
	return text.replace(PHONE_IN_TEXT, (match) => maskPhone(match) ?? match);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/**
 * Free text with the row's own customer name masked wherever it appears: the full name (also written
 * with spaces or a middle dot between its characters, any letter case), and a given name of two or more
 * characters on its own (客户小明说…). Replaced by `maskName` of the name, or stars for the given name.
 * A name of one character, or a surname with a form of address (王先生), hides nothing and is left.
 */
export function maskNameInText(text: string | null | undefined, name: string | null | undefined): string | null {
	if (text === null || text === undefined) return null;
	const full = name?.trim() ?? '';
	const masked = maskName(full) ?? '';
	if ([...full].length < 2 || masked === full) return text;
	const { fullName, givenName, givenLength } = namePatterns(full);
	let out = text.replace(fullName, masked);
	if (givenName) out = out.replace(givenName, stars(givenLength));
	return out;
}

/** The patterns of a name (cached: a drill-down or a search masks many rows of the same few customers). */
const patternCache = new Map<string, { fullName: RegExp; givenName: RegExp | null; givenLength: number }>();
function namePatterns(full: string) {
	const hit = patternCache.get(full);
	if (hit) return hit;
	const chars = [...full].filter((c) => !/[\s·•・.]/u.test(c));
	const spaced = (cs: string[]) => cs.map(escapeRegExp).join('[\\s·•・.]*');
	const surname = HAN.test(chars[0] ?? '') ? (chars.length >= 3 && COMPOUND_SURNAMES.has(chars[0]! + chars[1]!) ? 2 : 1) : chars.length;
	const given = chars.slice(surname);
	const out = {
		fullName: new RegExp(spaced(chars), 'giu'),
		givenName: given.length >= 2 ? new RegExp(spaced(given), 'gu') : null,
		givenLength: given.length
	};
	if (patternCache.size >= 1_000) patternCache.delete(patternCache.keys().next().value!);
	patternCache.set(full, out);
	return out;
}

/** Free text as a user without pii sees it: phone numbers in every written form and the row's customer name masked. */
export function maskFreeText(text: string | null | undefined, customerName?: string | null): string | null {
	return maskNameInText(maskPhonesInText(text), customerName);
}
