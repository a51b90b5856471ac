import { timingSafeEqual } from 'node:crypto';
import { pidListensOn, removeHandoff, writeHandoff, type Handoff } from './handoff';
import { databasePath } from '$lib/server/core/db';
import { log } from '$lib/server/core/log';

let current: Handoff | null = null;

/**
 * Leaves the note that lets `npm run ingest` hand its commands to this server (see db/handoff.ts), once
 * the server listens on its port: `init` runs before adapter-node binds it, and the CLI trusts a note only
 * for a port its process listens on.
 */
export function publishHandoff(port: number): void {
	const path = databasePath();
	const started = Date.now();
	const attempt = () => {
		if (pidListensOn(process.pid, port) === false) {
			if (Date.now() - started < 60_000) setTimeout(attempt, 50).unref();
			else log('server').warn({ port }, 'not listening on the port after 60 s: no note for the CLI');
			return;
		}
		current = writeHandoff(path, port);
		const token = current.token;
		process.once('exit', () => removeHandoff(path, token));
	};
	attempt();
}

export function isHandoffToken(header: string | null): boolean {
	if (!current || !header?.startsWith('Bearer ')) return false;
	const given = Buffer.from(header.slice('Bearer '.length));
	const expected = Buffer.from(current.token);
	return given.length === expected.length && timingSafeEqual(given, expected);
}
