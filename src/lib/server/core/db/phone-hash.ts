import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { assertPrivate } from './file-modes';
import { blobValue, type DuckDBValue } from '@duckdb/node-api';
import { queryRows, type Database } from './index';
import { canonicalPhone } from '$lib/shared/phone';

/**
 * A keyed hash of customer phones (sha256 of a secret key and the digits), so repeat complaints can be found without anyone
 * reading the numbers. The key lives in a file beside the database (`<db>.keys.json`, mode 0600),
 * not inside it: a copy of the database alone cannot be brute-forced back to phone numbers (there
 * are only ~10¹⁰ of them). The database remembers the key's fingerprint, so a lost or swapped key
 * file is refused loudly instead of silently producing hashes that never match the old ones.
 */
export interface PhoneHasher {
	/** 64 hex digits, or null when the value is not a phone */
	hex(phone: string | null | undefined): string | null;
	/** the first 8 bytes as an unsigned 64-bit integer (DuckDB UBIGINT), or null */
	u64(phone: string | null | undefined): bigint | null;
	/**
	 * The same UBIGINT computed in DuckDB over a column that holds canonical phone digits (as the engine
	 * stores them): `sql` uses the parameter `$first`, which must be bound to `params`.
	 */
	sql(column: string, first: number): { sql: string; params: DuckDBValue[] };
	/** short fingerprint of the key (not secret) */
	keyId: string;
}

export const keyFilePath = (databasePath: string) => `${databasePath}.keys.json`;

const SETTING = 'phone_hash_key_id';

export class PhoneKeyError extends Error {}

interface KeyFile {
	version: 1;
	phone_hmac_key: string;
	created_at: string;
}

const keyIdOf = (key: Buffer) => createHash('sha256').update('sqa phone key id\0').update(key).digest('hex').slice(0, 16);

// A database held in memory (tests) gets a key for the life of the process.
const memoryKeys = new WeakMap<Database, Buffer>();

function readOrCreateKeyFile(path: string): { key: Buffer; created: boolean } {
	if (!existsSync(path)) {
		const file: KeyFile = { version: 1, phone_hmac_key: randomBytes(32).toString('hex'), created_at: new Date().toISOString() };
		try {
			writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
			chmodSync(path, 0o600);
			return { key: Buffer.from(file.phone_hmac_key, 'hex'), created: true };
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
	}
	assertPrivate(path);
	const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFile>;
	if (typeof parsed.phone_hmac_key !== 'string' || !/^[0-9a-f]{64}$/u.test(parsed.phone_hmac_key)) {
		throw new PhoneKeyError(`${path} does not hold a phone_hmac_key`);
	}
	return { key: Buffer.from(parsed.phone_hmac_key, 'hex'), created: false };
}

/** Loads (on first start: creates) the key and checks it against the fingerprint the database keeps. */
export async function phoneHasher(db: Database, now: number = Date.now()): Promise<PhoneHasher> {
	let key: Buffer;
	if (db.path === ':memory:') {
		key = memoryKeys.get(db) ?? randomBytes(32);
		memoryKeys.set(db, key);
	} else {
		const path = keyFilePath(db.path);
		const known = await db.withConnection((c) =>
			queryRows<{ value: string }>(c, 'SELECT value FROM app_settings WHERE name = $1', [SETTING])
		);
		if (known.length > 0 && !existsSync(path)) {
			throw new PhoneKeyError(
				`the phone hash key file ${path} is missing, but this database was hashed with key ${known[0]!.value}: restore the file from the backup`
			);
		}
		key = readOrCreateKeyFile(path).key;
		const id = keyIdOf(key);
		if (known.length > 0 && known[0]!.value !== id) {
			throw new PhoneKeyError(`the phone hash key in ${path} (${id}) is not the one this database was hashed with (${known[0]!.value})`);
		}
		if (known.length === 0) {
			await db.withConnection((c) =>
				c.run('INSERT INTO app_settings (name, value, updated_at) VALUES ($1, $2, epoch_ms($3::BIGINT)) ON CONFLICT DO NOTHING', [
					SETTING,
					id,
					now
				])
			);
		}
	}
	return makeHasher(key);
}

function makeHasher(key: Buffer): PhoneHasher {
	// sha256(key ‖ digits): a keyed pseudonym (the 256-bit key is secret, the digits are short and fixed in
	// form, so HMAC's second pass adds nothing here) at half HMAC's cost — one sha256 per row at load.
	const hex = (phone: string | null | undefined) => {
		const digits = canonicalPhone(phone);
		return digits === null ? null : createHash('sha256').update(key).update(digits, 'utf8').digest('hex');
	};
	return {
		hex,
		u64: (phone) => {
			const h = hex(phone);
			return h === null ? null : BigInt(`0x${h.slice(0, 16)}`);
		},
		sql: (column, first) => ({
			sql: `CASE WHEN ${column} IS NULL THEN NULL ELSE ('0x' || substr(sha256($${first}::BLOB || ${column}::VARCHAR::BLOB), 1, 16))::UBIGINT END`,
			params: [blobValue(key)]
		}),
		keyId: keyIdOf(key)
	};
}
