import { canonicalPhone } from '../db/phone-hash';

export { canonicalPhone };
/**
 * Masking of customers' personal information for everyone without the `pii` permission.
 * Names keep the surname (张*, 欧阳**); mobiles keep the first 3 and last 4 digits (138****1234);
 * landlines keep the area code and the last 4 (010-****5678). Whatever the input, the output never
 * shows more than that: unrecognised values keep at most their last 4 digits.
 */

/** Two-character (compound) surnames, simplified and traditional; everything else is one character. */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
	'欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '长孙', '宇文', '司徒', '夏侯',
	'轩辕', '端木', '独孤', '南宫', '西门', '百里', '呼延', '闻人', '澹台', '公冶', '宗政', '濮阳', '淳于', '单于',
	'太叔', '申屠', '仲孙', '钟离', '宰父', '谷梁', '拓跋', '夹谷', '段干', '巫马', '公西', '漆雕', '乐正', '壤驷',
	'公良', '梁丘', '左丘', '东郭', '第五', '万俟', '赫连', '司空', '司寇', '子车', '颛孙', '亓官', '鲜于', '闾丘',
	'羊舌', '微生', '公羊', '东门', '南门', '東方', '歐陽', '司馬', '諸葛', '尉遲', '公孫', '長孫', '軒轅', '鍾離',
	'聞人', '澹臺', '濮陽', '單于', '東郭', '赫連', '顓孫', '閭丘', '鮮于', '獨孤', '夾谷', '樂正', '壤駟', '漆雕'
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

/** Mobile and landline numbers as people write them inside free text (+86 138 1234 5678, 010-12345678). */
const PHONE_IN_TEXT = /(?:(?:\+\s*86|0086)[\s-]?)?(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}[\s-]?\d{7,8})(?!\d)/gu;

/** Free text (a complaint summary, a survey comment) with every phone number in it masked. */
export function maskPhonesInText(text: string | null | undefined): string | null {
	if (text === null || text === undefined) return null;
	return text.replace(PHONE_IN_TEXT, (match) => maskPhone(match) ?? match);
}
