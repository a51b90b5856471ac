import { Rng, Weighted } from './random';

/**
 * Chinese personal names. Surname weights follow the published frequency ranking (王 李 张 刘 陈 …,
 * in per-mille of the population); two-character surnames are boosted to about 1% so that a roster
 * of two hundred shows one or two (real share ≈ 0.1%).
 */
const SURNAMES: readonly [string, number][] = [
	['王', 71],
	['李', 70],
	['张', 67],
	['刘', 54],
	['陈', 46],
	['杨', 31],
	['黄', 22],
	['赵', 21],
	['吴', 20],
	['周', 19],
	['徐', 15],
	['孙', 15],
	['马', 14],
	['朱', 13],
	['胡', 13],
	['郭', 11],
	['何', 11],
	['高', 11],
	['林', 11],
	['罗', 10],
	['郑', 10],
	['梁', 9],
	['谢', 8],
	['宋', 8],
	['唐', 7],
	['许', 7],
	['韩', 7],
	['冯', 7],
	['邓', 7],
	['曹', 6],
	['彭', 6],
	['曾', 6],
	['肖', 6],
	['田', 6],
	['董', 5],
	['袁', 5],
	['潘', 5],
	['于', 5],
	['蒋', 5],
	['蔡', 5],
	['余', 5],
	['杜', 5],
	['叶', 4],
	['程', 4],
	['苏', 4],
	['魏', 4],
	['吕', 4],
	['丁', 4],
	['任', 4],
	['沈', 4],
	['姚', 4],
	['卢', 4],
	['姜', 3],
	['崔', 3],
	['钟', 3],
	['谭', 3],
	['陆', 3],
	['汪', 3],
	['范', 3],
	['金', 3],
	['石', 3],
	['廖', 3],
	['贾', 3],
	['夏', 3],
	['韦', 3],
	['付', 3],
	['方', 3],
	['白', 3],
	['邹', 3],
	['孟', 3],
	['熊', 3],
	['秦', 3],
	['邱', 3],
	['江', 3],
	['尹', 3],
	['薛', 2],
	['闫', 2],
	['段', 2],
	['雷', 2],
	['侯', 2],
	['龙', 2],
	['史', 2],
	['陶', 2],
	['黎', 2],
	['贺', 2],
	['顾', 2],
	['毛', 2],
	['郝', 2],
	['龚', 2],
	['邵', 2],
	['万', 2],
	['钱', 2],
	['严', 2],
	['覃', 2],
	['武', 2],
	['戴', 2],
	['莫', 2],
	['孔', 2],
	['向', 2],
	['汤', 2],
	['欧阳', 3],
	['司马', 1],
	['上官', 1],
	['诸葛', 1],
	['司徒', 1],
	['东方', 0.5],
	['皇甫', 0.5],
	['慕容', 0.5]
];

const MALE =
	'伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文博子豪晨睿轩然宏成海峰亮东洋振天立新春毅瑞泽昊天嘉俊岩松'.split('');
const FEMALE = '芳娜敏静丽艳娟霞秀玲英燕萍红婷雪琳晶颖慧倩欣怡佳梦雨思诗雅琪瑶璐蕾薇月洁琴云莉兰凤梅娅菲莹宁晓丹妍彤馨悦涵'.split('');

const surnames = new Weighted(
	SURNAMES.map(([s]) => s),
	SURNAMES.map(([, w]) => w)
);

export type Gender = 'M' | 'F';

export function surname(rng: Rng): string {
	return surnames.draw(rng);
}

/** A full name: surname + one (about a quarter) or two given-name characters. */
export function personName(rng: Rng, gender: Gender): string {
	const pool = gender === 'M' ? MALE : FEMALE;
	const first = rng.pick(pool);
	if (rng.chance(0.25)) return surname(rng) + first;
	let second = rng.pick(pool);
	if (second === first && rng.chance(0.7)) second = rng.pick(pool);
	return surname(rng) + first + second;
}

/** How a complaint register names the complainant: a full name, 杨先生 / 李女士, or nothing. */
export function complainantName(rng: Rng): string {
	const gender: Gender = rng.chance(0.52) ? 'F' : 'M';
	const u = rng.float();
	if (u < 0.5) return personName(rng, gender);
	if (u < 0.96) return surname(rng) + (gender === 'F' ? '女士' : '先生');
	return '';
}
