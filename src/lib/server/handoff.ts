import { timingSafeEqual } from 'node:crypto';
import { removeHandoff, writeHandoff, type Handoff } from './db/handoff';
import { databasePath } from './db';

let current: Handoff | null = null;

/** Leaves the note that lets `npm run ingest` hand its commands to this server (see db/handoff.ts). */
export function publishHandoff(port: number): void {
	const path = databasePath();
	current = writeHandoff(path, port);
	const token = current.token;
	process.once('exit', () => removeHandoff(path, token));
}

export function isHandoffToken(header: string | null): boolean {
	if (!current || !header?.startsWith('Bearer ')) return false;
	const given = Buffer.from(header.slice('Bearer '.length));
	const expected = Buffer.from(current.token);
	return given.length === expected.length && timingSafeEqual(given, expected);
}
