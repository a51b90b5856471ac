import { chmodSync, existsSync, lstatSync } from 'node:fs';

/**
 * The database, its WAL, the phone-hash key and the server's note hold customers' names and phones,
 * password hashes and secrets: readable by this OS user only (0600). Files this process creates get
 * that mode through the umask; a file another user of the machine can read is refused, not repaired in
 * silence, because whatever it held may already have been read — an operator has to look.
 */

export class FileModeError extends Error {
	constructor(
		readonly path: string,
		readonly mode: number
	) {
		const octal = (mode & 0o777).toString(8).padStart(4, '0');
		super(
			`${path} 可被本机其他用户读取（权限 ${octal}），其中有客户姓名、电话或密钥；请检查后执行 chmod 600 "${path}" 再启动。` +
				` / ${path} is readable by other users of this machine (mode ${octal}); it holds customer data or secrets. Check it, then run chmod 600 "${path}".`
		);
		this.name = 'FileModeError';
	}
}

/** From now on, files and folders this process creates are private to its user (no group or other bits). */
export function createPrivateFiles(): void {
	process.umask(process.umask() | 0o077);
}

/** Refuses a file (when it exists) that users other than its owner may read or write. */
export function assertPrivate(path: string): void {
	if (!existsSync(path)) return;
	const { mode } = lstatSync(path);
	if ((mode & 0o077) !== 0) throw new FileModeError(path, mode);
}

/** Sets 0600 on a file made by code that does not go through the umask (a copy keeps its source's mode). */
export function makePrivate(path: string): void {
	if (existsSync(path)) chmodSync(path, 0o600);
}
