import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * DuckDB lets one process open a database file for writing. While the dashboard server runs it owns
 * the file, so it leaves a note beside it (readable only by its OS user) with its port and a secret;
 * the CLI finds the note and hands its command to the server instead of opening the file itself.
 */
export interface Handoff {
	pid: number;
	port: number;
	token: string;
}

export const handoffPath = (databasePath: string) => `${databasePath}.server.json`;

export function writeHandoff(databasePath: string, port: number): Handoff {
	const handoff: Handoff = { pid: process.pid, port, token: randomBytes(32).toString('hex') };
	writeFileSync(handoffPath(databasePath), JSON.stringify(handoff), { mode: 0o600 });
	return handoff;
}

export function removeHandoff(databasePath: string, token: string): void {
	const current = readHandoff(databasePath);
	if (current?.token === token) rmSync(handoffPath(databasePath), { force: true });
}

export function readHandoff(databasePath: string): Handoff | null {
	const path = handoffPath(databasePath);
	if (!existsSync(path)) return null;
	try {
		const h = JSON.parse(readFileSync(path, 'utf8')) as Handoff;
		process.kill(h.pid, 0); // throws when no such process
		return h;
	} catch {
		return null;
	}
}
