import nodemailer from 'nodemailer';
import { config } from '$lib/server/core/config';
import { PdfUnavailable, renderHtmlPdf } from '$lib/server/core/pdf';
import { m } from '$lib/paraglide/messages.js';
import type { UiLocale } from '$lib/shared/views';
import type { OpenChannel } from './channels';
import type { Attachment, Digest } from './content';
import { botMessages, digestHtml, digestText } from './formats';
import { KIND_LIMITS } from './kinds';
import type { RateLimiter } from './limiter';

/** The bot asked us to wait (or would be over its limit for longer than a run waits): try again later. */
export class RateLimited extends Error {
	constructor(readonly retryAfterMs: number) {
		super(`rate limited for ${Math.ceil(retryAfterMs / 1000)} s`);
	}
}

/** A run waits this long at most for a window to open; beyond it the delivery is retried later. */
const MAX_WAIT_MS = 65_000;
const TIMEOUT_MS = 15_000;
/** 钉钉's "sent too fast" answer: the bot is blocked for 10 minutes */
const DINGTALK_TOO_FAST = 130101;

export interface SendOptions {
	limiter: RateLimiter;
	locale: UiLocale;
	sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An error text without the channel's address or secret in it (a URL carries a bot's token). */
function clean(ch: OpenChannel, text: string): string {
	let out = text;
	for (const s of [ch.url, ch.secret]) if (s) out = out.split(s).join('[redacted]');
	return out.slice(0, 500);
}

/** Sends a digest; resolves with the number of messages sent, or throws (RateLimited, or an Error to retry). */
export async function deliver(ch: OpenChannel, digest: Digest, opts: SendOptions): Promise<number> {
	try {
		return ch.kind === 'email' ? await sendMail(ch, digest, opts) : await sendBot(ch, digest, opts);
	} catch (e) {
		if (e instanceof RateLimited) throw e;
		const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
		throw new Error(clean(ch, `${e instanceof Error ? e.message : String(e)}${cause}`), { cause: e });
	}
}

async function sendBot(ch: OpenChannel, digest: Digest, opts: SendOptions): Promise<number> {
	if (ch.kind === 'email') throw new Error('not a bot');
	const limits = KIND_LIMITS[ch.kind];
	const sleep = opts.sleep ?? defaultSleep;
	const parts = botMessages({ kind: ch.kind, url: ch.url, secret: ch.secret, keyword: ch.keyword }, digest, Date.now());
	let sent = 0;
	for (const msg of parts) {
		const wait = opts.limiter.waitFor(ch.id, limits.windows);
		if (wait > MAX_WAIT_MS) throw new RateLimited(wait);
		if (wait > 0) await sleep(wait);
		opts.limiter.record(ch.id, limits.windows);
		const res = await fetch(msg.url, { method: 'POST', headers: msg.headers, body: msg.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
		const text = await res.text();
		if (res.status === 429) {
			opts.limiter.block(ch.id, limits.blockMs);
			throw new RateLimited(limits.blockMs);
		}
		if (!res.ok) throw new Error(`HTTP ${res.status}`);
		const answer = parseAnswer(text);
		if (ch.kind === 'dingtalk' && answer.code === DINGTALK_TOO_FAST) {
			opts.limiter.block(ch.id, limits.blockMs);
			throw new RateLimited(limits.blockMs);
		}
		if (answer.code !== 0) throw new Error(`${ch.kind} answered ${answer.code}: ${answer.message}`);
		sent++;
	}
	return sent;
}

/** 企业微信 and 钉钉 answer {errcode, errmsg}, 飞书 {code, msg} (older: {StatusCode}); a webhook anything 2xx. */
function parseAnswer(text: string): { code: number; message: string } {
	try {
		const j = JSON.parse(text) as Record<string, unknown>;
		const code = j.errcode ?? j.code ?? j.StatusCode ?? 0;
		return { code: typeof code === 'number' ? code : Number(code) || 0, message: String(j.errmsg ?? j.msg ?? j.StatusMessage ?? '') };
	} catch {
		return { code: 0, message: '' };
	}
}

async function sendMail(ch: OpenChannel, digest: Digest, opts: SendOptions): Promise<number> {
	const u = new URL(ch.url);
	const attachments: Attachment[] = [];
	const notes = [...digest.notes];
	if (digest.workbook) {
		attachments.push(await digest.workbook());
		try {
			const pdf = await renderHtmlPdf(digestHtml(digest));
			attachments.unshift({ filename: attachments[0]!.filename.replace(/\.xlsx$/u, '.pdf'), contentType: 'application/pdf', content: pdf });
		} catch (e) {
			if (!(e instanceof PdfUnavailable)) throw e;
			notes.push(m.notify_pdf_missing({ reason: e.message }, { locale: opts.locale }));
		}
	}
	const body = { ...digest, notes };
	const transport = nodemailer.createTransport({
		host: u.hostname,
		port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
		secure: u.protocol === 'smtps:',
		requireTLS: u.searchParams.get('tls') === 'require',
		auth: u.username ? { user: decodeURIComponent(u.username), pass: ch.secret ?? '' } : undefined,
		connectionTimeout: TIMEOUT_MS,
		greetingTimeout: TIMEOUT_MS,
		socketTimeout: 60_000
	});
	try {
		await transport.sendMail({
			from: u.searchParams.get('from') ?? config().notify.mailFrom,
			to: ch.recipients,
			subject: digest.title,
			text: digestText(body),
			html: digestHtml(body),
			attachments: attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType }))
		});
	} finally {
		transport.close();
	}
	return 1;
}
