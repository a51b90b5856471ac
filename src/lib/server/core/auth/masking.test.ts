import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalPhone, maskFreeText, maskName, maskNameInText, maskPhone, maskPhonesInText } from '$lib/server/core/auth/masking';

describe('maskName keeps the surname and hides the given name', () => {
	it.each([
		['张三', '张*'],
		['张三丰', '张**'],
		['李小龙', '李**'],
		['王', '王'],
		['欧阳修', '欧阳*'],
		['欧阳娜娜', '欧阳**'],
		['司马相如', '司马**'],
		['诸葛亮', '诸葛*'],
		['上官婉儿', '上官**'],
		['东方朔', '东方*'],
		['皇甫嵩', '皇甫*'],
		['尉迟恭', '尉迟*'],
		['公孙胜', '公孙*'],
		['慕容复', '慕容*'],
		['令狐冲', '令狐*'],
		['长孙无忌', '长孙**'],
		['宇文泰', '宇文*'],
		['司徒雷登', '司徒**'],
		['夏侯惇', '夏侯*'],
		['轩辕剑', '轩辕*'],
		['歐陽修', '歐陽*'],
		['欧阳', '欧阳'],
		// 欧 alone is a common single surname: only 欧阳 etc. count as compound.
		['欧宁', '欧*'],
		['司小马', '司**']
	])('%s → %s', (name, masked) => {
		expect(maskName(name)).toBe(masked);
	});

	it('leaves a surname with a form of address as it is (王先生 reveals no given name)', () => {
		expect(maskName('王先生')).toBe('王先生');
		expect(maskName('欧阳女士')).toBe('欧阳女士');
		expect(maskName('李小姐')).toBe('李小姐');
		expect(maskName('王先生生')).toBe('王***');
	});

	it('masks names with a middle dot, Latin names, padding, empty and null', () => {
		expect(maskName('买买提·艾力')).toBe('买**·**');
		expect(maskName('John Smith')).toBe('J*** S****');
		expect(maskName('  张三  ')).toBe('张*');
		expect(maskName('')).toBe('');
		expect(maskName(null)).toBeNull();
		expect(maskName(undefined)).toBeNull();
	});
});

describe('maskPhone keeps only the prefix or area code and the last 4 digits', () => {
	it.each([
		['13812345678', '138****5678'],
		['138-1234-5678', '138****5678'],
		['138 1234 5678', '138****5678'],
		['+86 138 1234 5678', '138****5678'],
		['+8613812345678', '138****5678'],
		['0086-13812345678', '138****5678'],
		['8613812345678', '138****5678'],
		['１３８１２３４５６７８', '138****5678'],
		['19912345678', '199****5678']
	])('mobile %s → %s', (raw, masked) => {
		expect(maskPhone(raw)).toBe(masked);
	});

	it.each([
		['010-12345678', '010-****5678'],
		['01012345678', '010-****5678'],
		['(010)12345678', '010-****5678'],
		['021-6123 4567', '021-****4567'],
		['0571-87654321', '0571-****4321'],
		['057187654321', '0571-****4321'],
		['0755-1234567', '0755-***4567'],
		['+86 10 12345678', '010-****5678'],
		['+86-571-87654321', '0571-****4321'],
		['010-12345678转801', '010-****5678-***'],
		['0571-87654321-12', '0571-****4321-**']
	])('landline %s → %s', (raw, masked) => {
		expect(maskPhone(raw)).toBe(masked);
	});

	it('masks local numbers, service numbers, several numbers in one cell, junk, empty and null', () => {
		expect(maskPhone('87654321')).toBe('****4321');
		expect(maskPhone('4008208820')).toBe('******8820');
		expect(maskPhone('13812345678 / 010-12345678')).toBe('138****5678 / 010-****5678');
		expect(maskPhone('13812345678，13987654321')).toBe('138****5678 / 139****4321');
		expect(maskPhone('123')).toBe('***');
		expect(maskPhone('不详')).toBe('**');
		expect(maskPhone('')).toBe('');
		expect(maskPhone(null)).toBeNull();
	});

	it('never shows more than a prefix or area code and the last 4 digits, whatever the input', () => {
		const inputs = [
			'13812345678',
			'010-12345678',
			'057187654321',
			'+86 10 12345678',
			'4008208820',
			'123456789012345',
			'1381234567813987654321',
			'0571-87654321-1234'
		];
		for (const raw of inputs) {
			const masked = maskPhone(raw)!;
			for (const part of masked.split(' / ')) {
				const star = part.indexOf('*');
				expect(star, `${raw} → ${masked}`).toBeGreaterThanOrEqual(0);
				expect(part.slice(0, star).replace(/\D/gu, '').length, `${raw} → ${masked}`).toBeLessThanOrEqual(4);
				expect(part.slice(star).replace(/\D/gu, '').length, `${raw} → ${masked}`).toBeLessThanOrEqual(4);
			}
		}
	});
});

describe('canonicalPhone agrees with how the engine stores phones', () => {
	it.each([
		['+86 138-1234-5678', '13812345678'],
		['0086 13812345678', '13812345678'],
		['8613812345678', '13812345678'],
		['010-12345678', '01012345678'],
		['12345', null],
		[null, null]
	])('%s → %s', (raw, digits) => {
		expect(canonicalPhone(raw)).toBe(digits);
	});
});

describe('maskPhonesInText masks numbers written into free text', () => {
	it('masks mobiles and landlines, leaves other numbers and text alone', () => {
		expect(maskPhonesInText('请回电 13812345678，谢谢')).toBe('请回电 138****5678，谢谢');
		expect(maskPhonesInText('联系 +86 138 1234 5678 或 010-12345678')).toBe('联系 138****5678 或 010-****5678');
		expect(maskPhonesInText('订单号 20250101，金额 199 元，3 件')).toBe('订单号 20250101，金额 199 元，3 件');
		expect(maskPhonesInText(null)).toBeNull();
	});
});

describe('maskPhonesInText masks every common written form of a phone number', () => {
	it.each([
		['请回电138.1234.5678谢谢', '请回电138****5678谢谢'],
		['电话(010)87654321', '电话010-****4321'],
		['电话（0571）87654321，下午', '电话0571-****4321，下午'],
		['电话(0571) 8765-4321', '电话0571-****4321'],
		['手机１３９８７６５４３２１', '手机139****4321'],
		['手机 1381 234 5678 。', '手机 138****5678 。'],
		['+86 139-1111-2222 找王经理', '139****2222 找王经理'],
		['０086 13911112222', '０086 139****2222'],
		['0086-139.1111.2222', '139****2222'],
		['＋８６ １３９ １１１１ ２２２２', '139****2222'],
		['+86 (10) 87654321', '010-****4321'],
		['+86 571 8765 4321', '0571-****4321'],
		['座机 0571-8765432 分机', '座机 0571-***5432 分机'],
		['电话010 8765 4321到店', '电话010-****4321到店'],
		['13812345678 5星', '138****5678 5星'],
		['138 - 1234 - 5678', '138****5678']
	])('%s → %s', (text, masked) => {
		expect(maskPhonesInText(text)).toBe(masked);
	});

	it('leaves order numbers, dates, amounts and counts alone', () => {
		for (const text of [
			'订单号 20250101，金额 199 元，3 件',
			'2025-03-05 14:30 到店',
			'2025.03.05 退款 1,350.00 元',
			'会员号 0025 积分 300'
		]) {
			expect(maskPhonesInText(text)).toBe(text);
		}
	});
});

describe("maskNameInText masks the row's own customer name inside its text", () => {
	it.each([
		['客户王小明投诉营业员', '王小明', '客户王**投诉营业员'],
		['王 小 明来电，小明说…', '王小明', '王**来电，**说…'],
		['欧阳娜娜称娜娜的订单未到', '欧阳娜娜', '欧阳**称**的订单未到'],
		['John Smith called; john smith again', 'John Smith', 'J*** S**** called; J*** S**** again'],
		['张三投诉', '张三', '张*投诉'],
		['王先生投诉', '王先生', '王先生投诉'],
		['李四投诉', '王五', '李四投诉'],
		['客户投诉', null, '客户投诉']
	])('%s (name %s) → %s', (text, name, masked) => {
		expect(maskNameInText(text, name)).toBe(masked);
	});

	it('maskFreeText masks phones and the name together', () => {
		expect(maskFreeText('客户王小明（13812345678）投诉', '王小明')).toBe('客户王**（138****5678）投诉');
		expect(maskFreeText(null, '王小明')).toBeNull();
	});
});

/** Random phones written in the forms people use, inside random text without digits. */
const digit = fc.integer({ min: 0, max: 9 }).map(String);
const mobile = fc
	.tuple(fc.constantFrom('3', '4', '5', '6', '7', '8', '9'), fc.array(digit, { minLength: 9, maxLength: 9 }))
	.map(([b, rest]) => `1${b}${rest.join('')}`);
const landline = fc
	.tuple(
		fc.constantFrom('010', '020', '021', '025', '0571', '0755', '0898'),
		fc.integer({ min: 2, max: 9 }).map(String),
		fc.array(digit, { minLength: 6, maxLength: 7 })
	)
	.map(([area, first, rest]) => ({ area, local: first + rest.join('') }));
const sep = fc.constantFrom('', ' ', '-', '.', ' - ', '－');
const fullWidth = (s: string) => s.replace(/[0-9]/gu, (d) => String.fromCharCode(0xff10 + Number(d)));
const writtenMobile = fc
	.tuple(
		mobile,
		sep,
		fc.constantFrom('', '+86 ', '+86', '0086 ', '0086-', '＋86 '),
		fc.constantFrom('3-4-4', '4-3-4', '3-8', 'none'),
		fc.boolean()
	)
	.map(([m, s, prefix, groups, wide]) => {
		const split =
			groups === '3-4-4'
				? [m.slice(0, 3), m.slice(3, 7), m.slice(7)]
				: groups === '4-3-4'
					? [m.slice(0, 4), m.slice(4, 7), m.slice(7)]
					: groups === '3-8'
						? [m.slice(0, 3), m.slice(3)]
						: [m];
		const written = prefix + split.join(s);
		return { digits: m, written: wide ? fullWidth(written) : written };
	});
const writtenLandline = fc
	.tuple(landline, fc.constantFrom('-', ' ', '', '(', '（', '+86 '), fc.boolean())
	.map(([{ area, local }, style, wide]) => {
		const written =
			style === '('
				? `(${area})${local}`
				: style === '（'
					? `（${area}）${local}`
					: style === '+86 '
						? `+86 ${area.slice(1)} ${local}`
						: `${area}${style}${local}`;
		return { digits: area + local, written: wide ? fullWidth(written) : written };
	});
const words = fc.stringMatching(/^[客户投诉称电话联系请回我的是，。：:（）() a-zA-Z王小明]{0,12}$/u);

/** Runs of 7 or more digits of `digits` anywhere in `text` (full-width folded, separators between digits ignored, * breaks a run). */
function leakedRun(text: string, digits: string): string | null {
	const runs =
		text
			.normalize('NFKC')
			.replace(/(?<=\d)[\s.\-－()（）+]+(?=\d)/gu, '')
			.match(/\d{7,}/gu) ?? [];
	for (const run of runs) for (let i = 0; i + 7 <= run.length; i++) if (digits.includes(run.slice(i, i + 7))) return run;
	return null;
}

describe('a masked text never shows 7 consecutive digits of the phone written in it (property)', () => {
	it('mobiles in any written form', () => {
		fc.assert(
			fc.property(words, writtenMobile, words, (before, phone, after) => {
				const masked = maskPhonesInText(`${before}${phone.written}${after}`)!;
				expect(leakedRun(masked, phone.digits), masked).toBeNull();
			}),
			{ numRuns: 2000 }
		);
	});
	it('landlines in any written form', () => {
		fc.assert(
			fc.property(words, writtenLandline, words, (before, phone, after) => {
				const masked = maskPhonesInText(`${before}${phone.written}${after}`)!;
				expect(leakedRun(masked, phone.digits), masked).toBeNull();
				expect(leakedRun(masked, phone.digits.replace(/^0/u, '')), masked).toBeNull();
			}),
			{ numRuns: 2000 }
		);
	});
	it('the customer name never survives in the text', () => {
		const han = fc.constantFrom(
			...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈'.split('')
		);
		const given = fc
			.array(fc.constantFrom(...'小明华丽娜伟芳敏静强磊军洋勇艳杰娟涛超秀霞平刚桂英'.split('')), { minLength: 1, maxLength: 2 })
			.map((a) => a.join(''));
		fc.assert(
			fc.property(words, han, given, words, (before, surname, rest, after) => {
				const name = surname + rest;
				const masked = maskFreeText(`${before}${name}${after}`, name)!;
				expect(masked.includes(name), masked).toBe(false);
			}),
			{ numRuns: 1000 }
		);
	});
});

describe('a search without mask characters that matches a masked text matches the stored text too (the SQL search relies on it)', () => {
	it('holds for random texts with phones and names', () => {
		fc.assert(
			fc.property(
				words,
				writtenMobile,
				words,
				fc.stringMatching(/^[客户投诉称电话联系请回我的是，。：:（）() a-zA-Z王小明]{1,4}$/u),
				(before, phone, after, q) => {
					const raw = `${before}王小明${phone.written}${after}`;
					const masked = maskFreeText(raw, '王小明')!;
					if (masked.toLowerCase().includes(q.toLowerCase()))
						expect(raw.toLowerCase().includes(q.toLowerCase()), `${raw} / ${masked} / ${q}`).toBe(true);
				}
			),
			{ numRuns: 3000 }
		);
	});
});
