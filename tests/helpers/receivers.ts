import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A request a bot receiver got. */
export interface Received {
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	body: string;
	at: number;
}

/**
 * Loopback stand-ins for the bots: every request is kept; `answer` says what the bot replies (by path),
 * default the bot's "ok" ({errcode: 0} / {code: 0}).
 */
export async function botReceiver(
	answer: (path: string) => { status: number; body: unknown } = () => ({ status: 200, body: { errcode: 0, code: 0 } })
) {
	const got: Received[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const u = new URL(req.url ?? '/', 'http://127.0.0.1');
			got.push({
				path: u.pathname,
				query: u.searchParams,
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				at: Date.now()
			});
			const a = answer(u.pathname);
			res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const port = (server.address() as AddressInfo).port;
	return { got, url: (path: string) => `http://127.0.0.1:${port}${path}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A loopback SMTP server (smtp-server) keeping each message parsed (mailparser). */
export async function smtpReceiver() {
	const mails: ParsedMail[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		onAuth: (auth, _s, cb) => cb(null, { user: auth.username }),
		onData: (stream, _s, cb) => {
			simpleParser(stream).then(
				(mail) => {
					mails.push(mail);
					cb();
				},
				(e: Error) => cb(e)
			);
		}
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const port = (server.server.address() as AddressInfo).port;
	return { mails, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
