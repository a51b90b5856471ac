import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * DuckDB lets one process open a database file for writing. While the dashboard server runs it owns
 * the file, so it leaves a note beside it (readable only by its OS user) with its port and a secret;
 * the CLI finds the note and hands its command to the server instead of opening the file itself.
 *
 * The CLI sends what it is asked to do (a new password, a file of customer data) to the note's port,
 * so it trusts a note only when this OS user wrote it (owner, mode 0600, a regular file) and the port is
 * one the note's process listens on. Another local user could otherwise leave a note pointing at a
 * port of their own and collect what the CLI sends.
 */
export interface Handoff {
	pid: number;
	port: number;
	token: string;
}

export const handoffPath = (databasePath: string) => `${databasePath}.server.json`;

/** Writes the note afresh (a file left there before, whatever its mode or owner, is removed first). */
export function writeHandoff(databasePath: string, port: number): Handoff {
	const handoff: Handoff = { pid: process.pid, port, token: randomBytes(32).toString('hex') };
	const path = handoffPath(databasePath);
	rmSync(path, { force: true });
	// 'wx': created by this call or not at all (someone racing to put a file there makes start fail loudly)
	writeFileSync(path, JSON.stringify(handoff), { mode: 0o600, flag: 'wx' });
	return handoff;
}

/** Removes the note if it is still this server's (by its secret; the listener may already be closed). */
export function removeHandoff(databasePath: string, token: string): void {
	const path = handoffPath(databasePath);
	try {
		if ((JSON.parse(readFileSync(path, 'utf8')) as Handoff).token === token) rmSync(path, { force: true });
	} catch {
		// gone or unreadable: nothing of ours to remove
	}
}

/** Why a note is not trusted, or null when it is. */
export function untrustedNote(path: string, note: Handoff): string | null {
	const st = lstatSync(path);
	if (!st.isFile()) return 'not a regular file';
	if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return `owned by uid ${st.uid}, not ${process.getuid()}`;
	if ((st.mode & 0o077) !== 0) return `mode ${(st.mode & 0o777).toString(8)}, not 600`;
	if (
		!Number.isInteger(note.pid) ||
		!Number.isInteger(note.port) ||
		note.port < 1 ||
		note.port > 65_535 ||
		!/^[0-9a-f]{64}$/u.test(note.token)
	) {
		return 'malformed';
	}
	const listening = pidListensOn(note.pid, note.port);
	if (listening === false) return `process ${note.pid} does not listen on port ${note.port}`;
	return null;
}

/** The server's note when one is there, written by this user for a live process listening on its port. */
export function readHandoff(databasePath: string): Handoff | null {
	const path = handoffPath(databasePath);
	if (!existsSync(path)) return null;
	let h: Handoff;
	try {
		h = JSON.parse(readFileSync(path, 'utf8')) as Handoff;
		process.kill(h.pid, 0); // throws when no such process
	} catch {
		return null;
	}
	const why = untrustedNote(path, h);
	if (why !== null) {
		// Ignored, not obeyed: the command then opens the file itself (and DuckDB refuses if a server holds it).
		process.emitWarning(`ignoring ${path}: ${why}`, 'HandoffWarning');
		return null;
	}
	return h;
}

/**
 * Whether process `pid` has a listening TCP socket on `port` (Linux: /proc/net/tcp{,6} give the socket's
 * inode, /proc/<pid>/fd links to it). Null where /proc cannot tell (another system): the owner and mode
 * checks then stand alone.
 */
export function pidListensOn(pid: number, port: number): boolean | null {
	const inodes = new Set<string>();
	let sawTable = false;
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		sawTable = true;
		for (const line of text.split('\n').slice(1)) {
			const f = line.trim().split(/\s+/u);
			// sl local_address rem_address st … inode (f[9]); state 0A is LISTEN
			if (f.length < 10 || f[3] !== '0A') continue;
			const localPort = parseInt(f[1]!.split(':').pop()!, 16);
			if (localPort === port) inodes.add(f[9]!);
		}
	}
	if (!sawTable) return null;
	if (inodes.size === 0) return false;
	let fds: string[];
	try {
		fds = readdirSync(`/proc/${pid}/fd`);
	} catch {
		return false; // not ours to look into: not our server
	}
	for (const fd of fds) {
		try {
			const m = /^socket:\[(\d+)\]$/u.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
			if (m && inodes.has(m[1]!)) return true;
		} catch {
			// closed while we looked
		}
	}
	return false;
}
