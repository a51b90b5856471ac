import { createHmac } from 'node:crypto';
import { KIND_LIMITS, type ChannelKind } from './kinds';
import type { Digest } from './content';

/**
 * Each bot's own message format, built from a digest, and cut into parts that fit the bot's size limit
 * (at line boundaries, each part headed "(1/3)"):
 * - 企业微信: `{msgtype: 'markdown', markdown: {content}}`, content ≤ 4,096 bytes;
 * - 钉钉: `{msgtype: 'markdown', markdown: {title, text}}`; the keyword (security setting) is put in the
 *   title when the text lacks it; with 加签 the URL gets `timestamp` (ms) and `sign` =
 *   base64(HMAC-SHA256(key: secret, data: timestamp + "\n" + secret));
 * - 飞书: a post card `{msg_type: 'post', content: {post: {zh_cn: {title, content: [[…]]}}}}`; signed with
 *   `timestamp` (s) and `sign` = base64(HMAC-SHA256(key: timestamp + "\n" + secret, data: empty)) in the body;
 * - webhook: `{title, sections, link, notes}` JSON, with `x-signature: sha256=<hex HMAC of the body>` when a
 *   secret is set.
 */
export interface HttpMessage {
	url: string;
	headers: Record<string, string>;
	body: string;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function digestMarkdown(d: Digest): string[] {
	const lines = [`## ${d.title}`];
	for (const s of d.sections) {
		lines.push('', `**${s.heading}**`);
		for (const l of s.lines) lines.push(`- ${l}`);
	}
	for (const n of d.notes) lines.push('', `> ${n}`);
	lines.push('', `[${d.link}](${d.link})`);
	return lines;
}

/** Lines joined into parts of at most `max` bytes each (a line longer than that is cut by characters). */
export function splitLines(lines: readonly string[], max: number, reserve = 16): string[] {
	const limit = max - reserve;
	const parts: string[] = [];
	let cur = '';
	const push = (line: string) => {
		const next = cur ? `${cur}\n${line}` : line;
		if (bytes(next) <= limit) {
			cur = next;
			return;
		}
		if (cur) parts.push(cur);
		cur = '';
		let piece = '';
		for (const ch of line) {
			if (bytes(piece + ch) > limit) {
				parts.push(piece);
				piece = '';
			}
			piece += ch;
		}
		cur = piece;
	};
	for (const l of lines) push(l);
	if (cur) parts.push(cur);
	return parts.length > 1 ? parts.map((p, i) => `(${i + 1}/${parts.length})\n${p}`) : parts;
}

export function dingtalkSign(secret: string, timestampMs: number): string {
	return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function feishuSign(secret: string, timestampS: number): string {
	return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64');
}

export function webhookSignature(secret: string, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface BotChannel {
	kind: Exclude<ChannelKind, 'email'>;
	url: string;
	secret: string | null;
	keyword: string | null;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** The HTTP requests that deliver a digest to a bot, in order. */
export function botMessages(ch: BotChannel, d: Digest, now: number): HttpMessage[] {
	const max = KIND_LIMITS[ch.kind].maxBytes;
	switch (ch.kind) {
		case 'wecom':
			return splitLines(digestMarkdown(d), max).map((content) => ({
				url: ch.url,
				headers: JSON_HEADERS,
				body: JSON.stringify({ msgtype: 'markdown', markdown: { content } })
			}));
		case 'dingtalk': {
			const title = ch.keyword && !d.title.includes(ch.keyword) ? `${ch.keyword} ${d.title}` : d.title;
			const url = new URL(ch.url);
			if (ch.secret) {
				url.searchParams.set('timestamp', String(now));
				url.searchParams.set('sign', dingtalkSign(ch.secret, now));
			}
			return splitLines(digestMarkdown({ ...d, title }), max).map((text) => ({
				url: url.href,
				headers: JSON_HEADERS,
				body: JSON.stringify({ msgtype: 'markdown', markdown: { title, text } })
			}));
		}
		case 'feishu': {
			const ts = Math.floor(now / 1000);
			const signed = ch.secret ? { timestamp: String(ts), sign: feishuSign(ch.secret, ts) } : {};
			// the body counts against 20 KB; the post's JSON escaping adds little to the text's bytes
			return splitLines(digestMarkdown(d).slice(1), max).map((text, i, all) => ({
				url: ch.url,
				headers: JSON_HEADERS,
				body: JSON.stringify({
					...signed,
					msg_type: 'post',
					content: {
						post: {
							zh_cn: {
								title: all.length > 1 ? `${d.title} (${i + 1}/${all.length})` : d.title,
								content: [
									...text
										.split('\n')
										.filter((l) => l !== '' && !l.startsWith('['))
										.map((l) => [{ tag: 'text', text: l.replace(/^\*\*(.*)\*\*$/u, '$1') }]),
									...(i === all.length - 1 ? [[{ tag: 'a', text: d.link, href: d.link }]] : [])
								]
							}
						}
					}
				})
			}));
		}
		case 'webhook': {
			const body = JSON.stringify({ title: d.title, sections: d.sections, link: d.link, notes: d.notes });
			return [
				{ url: ch.url, headers: ch.secret ? { ...JSON_HEADERS, 'x-signature': webhookSignature(ch.secret, body) } : JSON_HEADERS, body }
			];
		}
	}
}

/** The digest as a small HTML page: the e-mail's body and what the PDF is printed from. */
export function digestHtml(d: Digest): string {
	const esc = (s: string) => s.replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`);
	const sections = d.sections
		.map((s) => `<h3>${esc(s.heading)}</h3><ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`)
		.join('');
	const notes = d.notes.map((n) => `<p><em>${esc(n)}</em></p>`).join('');
	return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(d.title)}</title></head><body style="font-family:sans-serif">
<h2>${esc(d.title)}</h2>${sections}${notes}<p><a href="${esc(d.link)}">${esc(d.link)}</a></p></body></html>`;
}

export function digestText(d: Digest): string {
	return digestMarkdown(d)
		.map((l) => l.replace(/^## |\*\*/gu, ''))
		.join('\n');
}
