import { hash, verify, type Algorithm } from '@node-rs/argon2';

/**
 * Passwords are stored as argon2id PHC strings. The parameters are written out (not left to the
 * library's defaults) so an upgrade cannot silently change them; they are the OWASP baseline
 * (19 MiB, 2 passes, 1 lane, ≈ 10 ms a hash here). Old hashes keep verifying with their own parameters.
 */
// Algorithm is a const enum, which isolated modules cannot read: 2 is Algorithm.Argon2id.
const ARGON2ID = 2 as Algorithm;
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'too_short' | 'too_long';

export function passwordProblem(password: string): PasswordProblem | null {
	const length = [...password].length;
	if (length < PASSWORD_MIN_LENGTH) return 'too_short';
	if (length > PASSWORD_MAX_LENGTH) return 'too_long';
	return null;
}

export const hashPassword = (password: string): Promise<string> => hash(password, PARAMS);

export const isPasswordHash = (value: string): boolean =>
	/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(value);

// Verified against when the username is unknown, so a wrong name takes as long as a wrong password.
let dummy: Promise<string> | null = null;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
	if (password.length > PASSWORD_MAX_LENGTH * 4) return false;
	if (storedHash === null) {
		dummy ??= hashPassword('timing-equaliser-not-a-password');
		await verify(await dummy, password).catch(() => false);
		return false;
	}
	try {
		return await verify(storedHash, password);
	} catch {
		return false;
	}
}
