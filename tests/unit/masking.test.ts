import { describe, expect, it } from 'vitest';
import { canonicalPhone, maskName, maskPhone, maskPhonesInText } from '../../src/lib/server/auth/masking';

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
		const inputs = ['13812345678', '010-12345678', '057187654321', '+86 10 12345678', '4008208820', '123456789012345', '1381234567813987654321', '0571-87654321-1234'];
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
