import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const COMPLAINT_HEADER = '投诉编号,投诉时间,投诉渠道,门店,涉及部门,投诉类别,投诉等级,内容摘要,联系电话,处理状态';
const CHANNELS = ['电话', '现场', '在线', '邮件'];
const CATEGORIES = ['商品质量', '服务态度', '价格', '售后服务'];

/** One valid complaint line; `prefix` keeps keys of different files apart. */
export function complaintLine(prefix: string, i: number): string {
	const day = 1 + (i % 28);
	const hour = i % 24;
	return [
		`${prefix}${String(i).padStart(7, '0')}`,
		`2025/2/${day} ${hour}:${String(i % 60).padStart(2, '0')}`,
		CHANNELS[i % CHANNELS.length],
		['南京新街口店', '上海徐家汇店', '杭州湖滨店'][i % 3],
		'客服中心',
		CATEGORIES[i % CATEGORIES.length],
		i % 17 === 0 ? '重大' : '一般',
		`生成的投诉 ${i}`,
		`138${String(i).padStart(8, '0')}`,
		'待处理'
	].join(',');
}

/** Writes a valid complaint register of `n` rows (streamed, so 300k rows stay cheap). */
export async function writeComplaints(path: string, n: number, prefix = 'GEN'): Promise<void> {
	const out = createWriteStream(path);
	out.write(COMPLAINT_HEADER + '\n');
	const block = 10_000;
	for (let start = 0; start < n; start += block) {
		const lines: string[] = [];
		for (let i = start; i < Math.min(n, start + block); i++) lines.push(complaintLine(prefix, i));
		if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
}
