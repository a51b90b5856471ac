import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { canonicalPhone } from '$lib/shared/phone';
import type { Digest } from './content';
import { botMessages, dingtalkSign, feishuSign, splitLines } from './formats';
import { KIND_LIMITS } from './kinds';
import { RateLimiter } from './limiter';
import { scrubberFor } from './privacy';
import { dueRun, formatSchedule, parseSchedule } from './schedule';
import { seal, unseal } from './secrets';
import { randomBytes } from 'node:crypto';

const digest = (lines: string[]): Digest => ({
	title: '质量周报 2025-03-03 ~ 2025-03-09',
	sections: [{ heading: '核心指标', lines }],
	link: 'http://127.0.0.1/quality/report',
	notes: [],
	workbook: null
});

describe('schedules in plain terms', () => {
	it('reads the CLI forms and writes them back the same', () => {
		for (const s of ['MON 08:30', 'MONTHLY 2 09:00', 'DAILY 09:00', 'HOURLY :05']) expect(formatSchedule(parseSchedule(s)!)).toBe(s);
		for (const bad of ['MON 24:00', 'MONTHLY 31 09:00', 'weekly', 'HOURLY 5']) expect(parseSchedule(bad)).toBeNull();
	});

	it('finds the run due in the configured zone, and none once the catch-up window has passed', () => {
		const mon = parseSchedule('MON 08:30')!;
		// Monday 2025-03-03 08:30 in Shanghai is 00:30 UTC
		expect(dueRun(mon, 'Asia/Shanghai', new Date('2025-03-03T00:30:00Z'), 3_600_000)?.toISOString()).toBe('2025-03-03T00:30:00.000Z');
		expect(dueRun(mon, 'Asia/Shanghai', new Date('2025-03-03T05:00:00Z'), 36 * 3_600_000)?.toISOString()).toBe('2025-03-03T00:30:00.000Z');
		expect(dueRun(mon, 'Asia/Shanghai', new Date('2025-03-05T00:30:00Z'), 36 * 3_600_000)).toBeNull();
		expect(dueRun(mon, 'UTC', new Date('2025-03-03T00:30:00Z'), 3_600_000)).toBeNull();
	});
});

describe('sealed secrets', () => {
	it('open only with the same key and the same channel', () => {
		const key = randomBytes(32);
		const sealed = seal(key, 'https://oapi.dingtalk.com/robot/send?access_token=abc', 'target:ops');
		expect(sealed).not.toContain('abc');
		expect(unseal(key, sealed, 'target:ops')).toContain('access_token=abc');
		expect(() => unseal(key, sealed, 'target:other')).toThrow();
		expect(() => unseal(randomBytes(32), sealed, 'target:ops')).toThrow();
	});
});

describe('bot message formats and limits', () => {
	it('cuts a long 企业微信 markdown into parts of at most 4,096 bytes, losing no line', () => {
		const lines = Array.from({ length: 300 }, (_, i) => `第 ${i} 条：杭州湖滨店 投诉率高于控制上限`);
		const msgs = botMessages({ kind: 'wecom', url: 'http://127.0.0.1/x', secret: null, keyword: null }, digest(lines), 0);
		expect(msgs.length).toBeGreaterThan(1);
		const contents = msgs.map((m) => (JSON.parse(m.body) as { msgtype: string; markdown: { content: string } }).markdown.content);
		for (const c of contents) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(KIND_LIMITS.wecom.maxBytes);
		const all = contents.join('\n');
		for (const l of lines) expect(all).toContain(l);
	});

	it('signs 钉钉 and 飞书 as their documents say', () => {
		const ts = 1_700_000_000_000;
		expect(dingtalkSign('SEC1', ts)).toBe(createHmac('sha256', 'SEC1').update(`${ts}\nSEC1`).digest('base64'));
		expect(feishuSign('s', 1_700_000_000)).toBe(createHmac('sha256', '1700000000\ns').update('').digest('base64'));
		const [ding] = botMessages(
			{ kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SEC1', keyword: '质量' },
			digest(['a']),
			ts
		);
		const u = new URL(ding!.url);
		expect(u.searchParams.get('sign')).toBe(dingtalkSign('SEC1', ts));
		expect(JSON.parse(ding!.body).markdown.title).toContain('质量');
	});

	it('splits by bytes, not characters', () => {
		const parts = splitLines(['汉'.repeat(5000)], 4096);
		for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(4096);
		expect(parts.join('').replace(/\(\d+\/\d+\)\n/gu, '')).toBe('汉'.repeat(5000));
	});
});

describe('rate limiter', () => {
	it('lets 20 of 30 messages to a 企业微信 bot through in a minute and the rest once the window moves', () => {
		let now = 0;
		const limiter = new RateLimiter(() => now);
		const sentAt: number[] = [];
		for (let i = 0; i < 30; i++) {
			now += limiter.waitFor(1, KIND_LIMITS.wecom.windows);
			limiter.record(1, KIND_LIMITS.wecom.windows);
			sentAt.push(now);
		}
		for (const t of sentAt) expect(sentAt.filter((s) => s > t - 60_000 && s <= t).length).toBeLessThanOrEqual(20);
		expect(sentAt[19]).toBe(0);
		expect(sentAt[20]).toBe(60_000);
	});

	it('keeps 飞书 to 5 a second and a blocked 钉钉 bot waiting 10 minutes', () => {
		let now = 0;
		const limiter = new RateLimiter(() => now);
		for (let i = 0; i < 5; i++) limiter.record(2, KIND_LIMITS.feishu.windows);
		expect(limiter.waitFor(2, KIND_LIMITS.feishu.windows)).toBe(1000);
		limiter.block(3, KIND_LIMITS.dingtalk.blockMs);
		now = 1000;
		expect(limiter.waitFor(3, KIND_LIMITS.dingtalk.windows)).toBe(599_000);
	});
});

describe('no customer name or phone in a message', () => {
	const SURNAMES = ['王', '李', '张', '刘', '陈', '欧阳', '司马'];
	const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽强', '小明', '建国'];
	const name = fc.tuple(fc.constantFrom(...SURNAMES), fc.constantFrom(...GIVEN)).map(([s, g]) => s + g);
	const mobile = fc
		.tuple(fc.constantFrom('13', '15', '18', '19'), fc.stringMatching(/^\d{9}$/u), fc.constantFrom('', '+86 ', '0086'))
		.map(([a, b, p]) => `${p}${a}${b}`);
	const spaced = mobile.map((p) => p.replace(/^(\+86 |0086)?(\d{3})(\d{4})(\d{4})$/u, '$1$2 $3 $4'));
	const landline = fc.tuple(fc.constantFrom('010', '021', '0571'), fc.stringMatching(/^[2-9]\d{7}$/u)).map(([a, b]) => `${a}-${b}`);
	const phone = fc.oneof(mobile, spaced, landline);
	const filler = fc.constantFrom('客户', '回访：', '已致电 ', '，投诉', ' 处理中', '门店经理', 'note ', '');

	it('masks every planted phone and every known customer name, in any text around them', () => {
		fc.assert(
			fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), fc.array(fc.tuple(filler, phone, filler, fc.nat(4))), (names, parts) => {
				const scrub = scrubberFor(names);
				const text = parts.map(([a, p, b, i]) => `${a}${names[i % names.length]}${b}${p}`).join('；');
				const out = scrub(text);
				for (const [, p] of parts) expect(out).not.toContain(canonicalPhone(p)!.slice(-8));
				for (const n of names) expect(out).not.toContain(n);
			}),
			{ numRuns: 300 }
		);
	});
});
