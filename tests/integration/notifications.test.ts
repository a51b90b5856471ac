import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { Database } from '../../src/lib/server/core/db';
import { createUser } from '../../src/lib/server/core/auth/users';
import { hashPassword } from '../../src/lib/server/core/auth/password';
import { addChannel, listChannels } from '../../src/lib/server/features/notifications/channels';
import { subscribe } from '../../src/lib/server/features/notifications/subscriptions';
import { listDeliveries, runDue } from '../../src/lib/server/features/notifications/deliveries';
import { dingtalkSign, feishuSign } from '../../src/lib/server/features/notifications/formats';
import { KIND_LIMITS } from '../../src/lib/server/features/notifications/kinds';
import { RateLimiter } from '../../src/lib/server/features/notifications/limiter';
import { notifyKeyPath } from '../../src/lib/server/features/notifications/secrets';
import { insertRows } from '../helpers/insert';
import { rows, tempDir } from '../helpers/db';
import { botReceiver, smtpReceiver } from '../helpers/receivers';
import { toolCommand } from '../helpers/cli';

/**
 * Delivery against real receivers on 127.0.0.1: an SMTP server (smtp-server, messages parsed with
 * mailparser) and an HTTP server standing in for 企业微信, 钉钉, 飞书 and a webhook, checking each body's
 * shape and signature; the owner's scope, the privacy rule, the restart between "recorded" and "sent",
 * the bots' rate limits, retries.
 */
const A = '杭州湖滨店';
const B = '南京新街口店';
const CUSTOMERS = [
	{ name: '王小明', phone: '13812345678' },
	{ name: '欧阳建国', phone: '+86 139 8765 4321' },
	{ name: '李芳', phone: '0571-88812345' }
];
const PII = [...CUSTOMERS.map((c) => c.name), '12345678', '87654321', '88812345'];
// Monday 2025-03-03 08:31 in Shanghai: the weekly report of 2025-02-24 … 03-02 is due
const NOW = new Date('2025-03-03T00:31:00Z');
// subscriptions made the day before: alerts count from a week before subscribing
const SUBSCRIBED = NOW.getTime() - 86_400_000;

let dir: { dir: string; cleanup: () => void };
let path: string;
let db: Database;
let bots: Awaited<ReturnType<typeof botReceiver>>;
let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
const limiter = () => new RateLimiter();

async function user(username: string, role: 'admin' | 'manager', stores: string[] | null) {
	const r = await db.withConnection(async (c) =>
		createUser(
			c,
			{ username, displayName: username, role, stores, pii: true, passwordHash: await hashPassword('pass-word-1') },
			{ name: 'test' }
		)
	);
	expect(r.ok).toBe(true);
}

beforeAll(async () => {
	dir = tempDir('sqa-notify-');
	path = join(dir.dir, 'q.duckdb');
	db = await Database.open(path);
	bots = await botReceiver((p) =>
		p.startsWith('/fail') ? { status: 500, body: { errcode: 500 } } : { status: 200, body: { errcode: 0, code: 0 } }
	);
	smtp = await smtpReceiver();
	await user('boss', 'admin', null);
	await user('mgr', 'manager', [A]);
	const complaints = [];
	for (let i = 0; i < 40; i++) {
		const c = CUSTOMERS[i % CUSTOMERS.length]!;
		complaints.push({
			complaint_id: `C${i}`,
			received_at: `2025-02-${String(17 + (i % 12)).padStart(2, '0')} 10:00:00`,
			store: i % 2 ? A : B,
			severity: '一般',
			category: i % 3 ? '服务态度' : '商品质量',
			status: '已办结',
			summary: `客户${c.name}来电 ${c.phone}`,
			customer_name: c.name,
			customer_phone: c.phone
		});
	}
	await insertRows(db, 'complaints', complaints);
	const alert = (id: number, store: string, createdAt: string, note: string) => ({
		alert_id: id,
		alert_key: `k${id}`,
		kind: id % 2 ? 'signal' : 'target',
		metric: 'complaint_rate',
		scope_kind: 'store',
		scope: store,
		grain: 'month',
		period: '2025-02-01',
		message_zh: `${store} · 投诉率高于控制上限（第 ${id} 条）`,
		message_en: `${store} · complaint rate above the limit (#${id})`,
		status: 'new',
		owner: '值班经理',
		note,
		created_at: createdAt,
		updated_at: createdAt
	});
	await insertRows(
		db,
		'qc_alerts',
		[
			alert(1, A, '2025-03-02 20:00:00', `已回访${CUSTOMERS[0]!.name}，电话 ${CUSTOMERS[0]!.phone}`),
			alert(2, B, '2025-03-02 20:00:00', `联系 ${CUSTOMERS[1]!.name} ${CUSTOMERS[1]!.phone}`)
		],
		{}
	);
}, 60_000);

afterAll(async () => {
	db?.close();
	await bots?.close();
	await smtp?.close();
	dir?.cleanup();
});

describe('channels', () => {
	it('keeps the address and the secret sealed: the database holds neither, lists show a hint', async () => {
		const r = await addChannel(
			db,
			{ name: 'ding', kind: 'dingtalk', url: bots.url('/ding?access_token=TOKEN123456789'), secret: 'SECdingtalk', keyword: '质量' },
			'boss'
		);
		expect(r.ok).toBe(true);
		const raw = JSON.stringify(await rows(db, 'SELECT * FROM notify_channels'));
		expect(raw).not.toContain('TOKEN123456789');
		expect(raw).not.toContain('SECdingtalk');
		const [listed] = await listChannels(db);
		expect(listed!.target_hint).toMatch(/access_token=…$/u);
		expect(JSON.stringify(listed)).not.toContain('TOKEN123456789');
		expect(statSync(notifyKeyPath(path)).mode & 0o777).toBe(0o600);
		expect(readFileSync(notifyKeyPath(path), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/u);
		expect((await addChannel(db, { name: 'plain', kind: 'wecom', url: 'http://example.com/hook' }, 'boss')).ok).toBe(false);
	});
});

describe('the weekly report on every kind of channel', () => {
	beforeAll(async () => {
		const add = async (name: string, kind: string, url: string, extra: object = {}) =>
			expect((await addChannel(db, { name, kind, url, ...extra }, 'boss')).ok).toBe(true);
		await add('wecom', 'wecom', bots.url('/wecom?key=KEYwecom123456'));
		await add('feishu', 'feishu', bots.url('/feishu/hook/abcdefabcdefabcdef'), { secret: 'SECfeishu' });
		await add('hook', 'webhook', bots.url('/hook'), { secret: 'SEChook' });
		await add('mail', 'email', `smtp://reports@127.0.0.1:${smtp.port}`, { secret: 'smtp-pass', to: ['a@example.com', 'b@example.com'] });
		for (const channel of ['ding', 'wecom', 'feishu', 'hook', 'mail']) {
			const r = await subscribe(db, { channel, what: 'weekly-report', at: 'MON 08:30', owner: 'boss', locale: 'zh-CN' }, 'boss');
			expect(r.ok).toBe(true);
		}
		const s = await runDue(db, { now: NOW, limiter: limiter() });
		expect(s.sent).toBe(5);
	}, 120_000);

	it('企业微信 gets markdown within 4,096 bytes', () => {
		const [msg] = bots.got.filter((g) => g.path === '/wecom');
		const body = JSON.parse(msg!.body) as { msgtype: string; markdown: { content: string } };
		expect(body.msgtype).toBe('markdown');
		expect(body.markdown.content).toContain('质量周报');
		expect(body.markdown.content).toContain('2025-02-24');
		expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096);
	});

	it('钉钉 gets markdown with the keyword and a valid 加签 signature', () => {
		const [msg] = bots.got.filter((g) => g.path === '/ding');
		const ts = Number(msg!.query.get('timestamp'));
		expect(msg!.query.get('access_token')).toBe('TOKEN123456789');
		expect(msg!.query.get('sign')).toBe(createHmac('sha256', 'SECdingtalk').update(`${ts}\nSECdingtalk`).digest('base64'));
		expect(msg!.query.get('sign')).toBe(dingtalkSign('SECdingtalk', ts));
		const body = JSON.parse(msg!.body) as { msgtype: string; markdown: { title: string; text: string } };
		expect(body.msgtype).toBe('markdown');
		expect(body.markdown.title).toContain('质量');
	});

	it('飞书 gets a signed post card within 20 KB', () => {
		const [msg] = bots.got.filter((g) => g.path.startsWith('/feishu'));
		const body = JSON.parse(msg!.body) as {
			timestamp: string;
			sign: string;
			msg_type: string;
			content: { post: { zh_cn: { title: string; content: unknown[][] } } };
		};
		expect(body.msg_type).toBe('post');
		expect(body.sign).toBe(feishuSign('SECfeishu', Number(body.timestamp)));
		expect(body.content.post.zh_cn.title).toContain('质量周报');
		expect(body.content.post.zh_cn.content.length).toBeGreaterThan(3);
		expect(Buffer.byteLength(msg!.body)).toBeLessThanOrEqual(20 * 1024);
	});

	it('the webhook gets JSON with an HMAC signature of the body', () => {
		const [msg] = bots.got.filter((g) => g.path === '/hook');
		expect(msg!.headers['x-signature']).toBe(`sha256=${createHmac('sha256', 'SEChook').update(msg!.body).digest('hex')}`);
		expect(JSON.parse(msg!.body).link).toContain('/quality/report?kind=week&at=2025-02-24');
	});

	it('e-mail arrives with the PDF and the Excel workbook attached', async () => {
		expect(smtp.mails).toHaveLength(1);
		const mail = smtp.mails[0]!;
		expect(mail.subject).toContain('质量周报');
		const names = mail.attachments.map((a) => a.filename).sort();
		expect(names).toEqual(['quality-report-week-2025-02-24.pdf', 'quality-report-week-2025-02-24.xlsx']);
		const pdf = mail.attachments.find((a) => a.filename!.endsWith('.pdf'))!;
		expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(mail.attachments.find((a) => a.filename!.endsWith('.xlsx'))!.content as never);
		expect(wb.worksheets.length).toBeGreaterThan(2);
	});

	it('runs nothing twice: the same time again sends nothing new', async () => {
		const before = bots.got.length + smtp.mails.length;
		const s = await runDue(db, { now: new Date(NOW.getTime() + 10 * 60_000), limiter: limiter() });
		expect(s.sent).toBe(0);
		expect(bots.got.length + smtp.mails.length).toBe(before);
	});

	it("a minute with nothing due reads no complaint: the customers' names are read only to build a delivery", async () => {
		// without the complaints table, a run that read every customer's name (to scrub messages) would throw
		await db.withConnection((c) => c.run('ALTER TABLE complaints RENAME TO complaints_away'));
		try {
			const s = await runDue(db, { now: new Date(NOW.getTime() + 20 * 60_000), limiter: limiter() });
			expect(s).toEqual({ due: 0, sent: 0, skipped: 0, retrying: 0, failed: 0 });
		} finally {
			await db.withConnection((c) => c.run('ALTER TABLE complaints_away RENAME TO complaints'));
		}
	});

	it('no customer name or phone is in any message or attachment', async () => {
		const texts = [...bots.got.map((g) => g.body)];
		for (const mail of smtp.mails) {
			texts.push(mail.text ?? '', String(mail.html), mail.subject ?? '');
			for (const a of mail.attachments.filter((x) => x.filename!.endsWith('.xlsx'))) {
				const wb = new ExcelJS.Workbook();
				await wb.xlsx.load(a.content as never);
				wb.eachSheet((ws) => ws.eachRow((r) => texts.push(JSON.stringify(r.values))));
			}
		}
		const all = texts.join('\n');
		expect(all).toContain(A); // aggregates are there
		for (const p of PII) expect(all).not.toContain(p);
	});
});

describe('scope, privacy and alerts', () => {
	it("a scoped manager's subscription shows only their stores, and cannot ask for others", async () => {
		expect((await addChannel(db, { name: 'mgr-hook', kind: 'webhook', url: bots.url('/mgr') }, 'mgr')).ok).toBe(true);
		const refused = await subscribe(db, { channel: 'mgr-hook', what: 'alerts', stores: [B], owner: 'mgr', locale: 'zh-CN' }, 'mgr');
		expect(refused).toEqual({ ok: false, error: 'stores_outside' });
		for (const what of ['alerts', 'weekly-report']) {
			const at = what === 'alerts' ? 'HOURLY :00' : 'MON 08:30';
			expect((await subscribe(db, { channel: 'mgr-hook', what, at, owner: 'mgr', locale: 'zh-CN' }, 'mgr', SUBSCRIBED)).ok).toBe(true);
		}
		await runDue(db, { now: NOW, limiter: limiter() });
		const got = bots.got.filter((g) => g.path === '/mgr');
		expect(got).toHaveLength(2);
		const all = got.map((g) => g.body).join('\n');
		expect(all).toContain(A);
		expect(all).not.toContain(B);
		expect(all).toContain('第 1 条');
		expect(all).not.toContain('第 2 条');
		for (const p of PII) expect(all).not.toContain(p);
	});

	it('30 alerts at once go out as one digest, within the bot rate limit', async () => {
		expect((await addChannel(db, { name: 'wecom30', kind: 'wecom', url: bots.url('/wecom30') }, 'boss')).ok).toBe(true);
		expect(
			(await subscribe(db, { channel: 'wecom30', what: 'alerts', at: 'HOURLY :00', owner: 'boss', locale: 'zh-CN' }, 'boss', SUBSCRIBED)).ok
		).toBe(true);
		const later = new Date('2025-03-03T10:00:00Z');
		await insertRows(
			db,
			'qc_alerts',
			Array.from({ length: 30 }, (_, i) => ({
				alert_id: 100 + i,
				alert_key: `burst${i}`,
				kind: 'signal',
				metric: 'complaint_rate',
				scope_kind: 'store',
				scope: A,
				grain: 'month',
				period: '2025-03-01',
				message_zh: `${A} · 突发第 ${100 + i} 号：投诉率连续高于控制上限，请门店经理在今日内核查原因并填写措施`.repeat(2),
				message_en: `burst ${100 + i}`,
				status: 'new',
				created_at: '2025-03-03 09:30:00',
				updated_at: '2025-03-03 09:30:00'
			})),
			{}
		);
		// the channel already sent 19 messages this minute: the rest of the digest must wait for the window
		let clock = Date.now();
		const lim = new RateLimiter(() => clock);
		const channelId = (await listChannels(db)).find((c) => c.name === 'wecom30')!.channel_id;
		for (let i = 0; i < 19; i++) lim.record(channelId, KIND_LIMITS.wecom.windows);
		const waits: number[] = [];
		const s = await runDue(db, {
			now: later,
			limiter: lim,
			sleep: async (ms) => {
				waits.push(ms);
				clock += ms;
			}
		});
		expect(s.sent).toBeGreaterThanOrEqual(1);
		const got = bots.got.filter((g) => g.path === '/wecom30');
		expect(got.length).toBeGreaterThan(1); // 30 long alerts do not fit 4,096 bytes
		expect(got.length).toBeLessThan(30);
		// the second message would have been the 21st within a minute: it waited for the window to move
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeGreaterThan(50_000);
		const contents = got.map((g) => (JSON.parse(g.body) as { markdown: { content: string } }).markdown.content);
		for (const c of contents) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4096);
		for (let i = 0; i < 30; i++) expect(contents.join('\n')).toContain(`突发第 ${100 + i} 号`);
	});
});

describe('running', () => {
	it('a restart between "recorded" and "sent" gives exactly one delivery', async () => {
		expect((await addChannel(db, { name: 'restart', kind: 'webhook', url: bots.url('/restart') }, 'boss')).ok).toBe(true);
		expect(
			(await subscribe(db, { channel: 'restart', what: 'weekly-report', at: 'MON 08:30', owner: 'boss', locale: 'en' }, 'boss')).ok
		).toBe(true);
		class Stop extends Error {}
		await expect(
			runDue(db, {
				now: NOW,
				limiter: limiter(),
				onRecorded: () => {
					throw new Stop('process stopped');
				}
			})
		).rejects.toBeInstanceOf(Stop);
		expect(bots.got.filter((g) => g.path === '/restart')).toHaveLength(0);
		db.close();
		db = await Database.open(path);
		await runDue(db, { now: new Date(NOW.getTime() + 5 * 60_000), limiter: limiter() });
		await runDue(db, { now: new Date(NOW.getTime() + 10 * 60_000), limiter: limiter() });
		expect(bots.got.filter((g) => g.path === '/restart')).toHaveLength(1);
		const log = (await listDeliveries(db)).filter((d) => d.channel_name === 'restart');
		expect(log.map((d) => d.status)).toEqual(['sent']);
	}, 60_000);

	it('a failing bot is retried with growing waits, then marked failed with its error (without its address)', async () => {
		expect((await addChannel(db, { name: 'broken', kind: 'wecom', url: bots.url('/fail?key=SECRETKEY42') }, 'boss')).ok).toBe(true);
		expect(
			(await subscribe(db, { channel: 'broken', what: 'weekly-report', at: 'MON 08:30', owner: 'boss', locale: 'zh-CN' }, 'boss')).ok
		).toBe(true);
		let t = NOW.getTime();
		const attempts = () => bots.got.filter((g) => g.path === '/fail').length;
		await runDue(db, { now: new Date(t), limiter: limiter() });
		expect(attempts()).toBe(1);
		await runDue(db, { now: new Date(t + 30_000), limiter: limiter() });
		expect(attempts()).toBe(1); // not before the first wait
		for (const wait of [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000]) {
			t += wait + 1000;
			await runDue(db, { now: new Date(t), limiter: limiter() });
		}
		expect(attempts()).toBe(5);
		const [row] = (await listDeliveries(db)).filter((d) => d.channel_name === 'broken');
		expect(row!.status).toBe('failed');
		expect(row!.error).toContain('HTTP 500');
		expect(row!.error).not.toContain('SECRETKEY42');
	}, 60_000);
});

describe('npm run notify', () => {
	it('adds a channel, subscribes, runs what is due and shows the log', async () => {
		const cli = tempDir('sqa-notify-cli-');
		const cliDb = join(cli.dir, 'c.duckdb');
		const d = await Database.open(cliDb);
		await d.withConnection(async (c) =>
			createUser(
				c,
				{ username: 'boss', displayName: 'boss', role: 'admin', stores: null, pii: false, passwordHash: await hashPassword('pass-word-1') },
				{ name: 'test' }
			)
		);
		await insertRows(d, 'complaints', [
			{ complaint_id: 'X1', received_at: '2025-02-25 10:00:00', store: A, severity: '一般', status: '已办结' }
		]);
		await d.checkpointAndClose();
		const run = (...args: string[]) =>
			promisify(execFile)(...toolCommand('notify', [...args, '--db', cliDb]), { env: { ...process.env, NOTIFY_SCHEDULER: 'off' } });
		try {
			await run('channel', 'add', 'ops', '--kind', 'webhook', '--url', bots.url('/cli'), '--secret', 'CLIsecret');
			const list = await run('channel', 'list');
			expect(list.stdout).toContain('ops');
			expect(list.stdout).not.toContain('CLIsecret');
			await run('subscribe', 'ops', '--what', 'weekly-report', '--at', 'MON 08:30');
			const due = await run('run-due', '--now', NOW.toISOString());
			expect(due.stdout).toContain('sent=1');
			expect(bots.got.filter((g) => g.path === '/cli')).toHaveLength(1);
			const log = JSON.parse((await run('log', '--json')).stdout) as { status: string; what: string }[];
			expect(log.map((r) => [r.what, r.status])).toEqual([['weekly-report', 'sent']]);
		} finally {
			cli.cleanup();
		}
	}, 120_000);
});
