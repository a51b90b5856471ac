import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { assertPrivate } from '$lib/server/core/db/file-modes';
import type { Database } from '$lib/server/core/db';

/**
 * Channel secrets (a bot's URL carries its token; signing secrets; SMTP passwords) are stored encrypted
 * with AES-256-GCM under a key kept in a file beside the database (`<db>.notify-key`, mode 0600), as the
 * phone-hash key is: a copy of the database alone does not give the bots away. Each value has its own
 * random nonce; the channel's name is bound in as associated data, so a value moved to another channel
 * does not decrypt. A lost key file makes the stored channels unusable (re-add them), never readable.
 */
export const notifyKeyPath = (databasePath: string) => `${databasePath}.notify-key`;

export class SecretKeyError extends Error {}

const memoryKeys = new WeakMap<Database, Buffer>();

function fileKey(path: string): Buffer {
	try {
		writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
	}
	assertPrivate(path);
	const hex = readFileSync(path, 'utf8').trim();
	if (!/^[0-9a-f]{64}$/u.test(hex)) throw new SecretKeyError(`${path} does not hold a 256-bit key`);
	return Buffer.from(hex, 'hex');
}

/** The key of this database (created on first use). */
export function notifyKey(db: Database): Buffer {
	if (db.path !== ':memory:') return fileKey(notifyKeyPath(db.path));
	const key = memoryKeys.get(db) ?? randomBytes(32);
	memoryKeys.set(db, key);
	return key;
}

const VERSION = 'v1';

export function seal(key: Buffer, plain: string, context: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	cipher.setAAD(Buffer.from(context, 'utf8'));
	const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

export function unseal(key: Buffer, sealed: string, context: string): string {
	const [version, iv, tag, body] = sealed.split('.');
	if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretKeyError('not a sealed value');
	const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
	decipher.setAAD(Buffer.from(context, 'utf8'));
	decipher.setAuthTag(Buffer.from(tag, 'base64'));
	try {
		return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
	} catch {
		throw new SecretKeyError('the notification key does not open this value (a different key file?)');
	}
}
