import { createHash, randomBytes } from 'node:crypto';
import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import { isRole, type AuthUser } from '$lib/shared/auth/roles';
import type { AuthConfig } from '$lib/server/core/config';

/**
 * Sessions: a random 32-byte token in an httpOnly, SameSite=Lax cookie (Secure over https); the
 * database keeps only its sha256, so a stolen database copy holds no usable session. A session ends
 * after `sessionIdleMs` without a request (sliding), after `sessionMaxMs` in any case, at logout, and
 * when the user is disabled or their password is reset.
 */
export const SESSION_COOKIE = 'sqa_session';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/u;
/** last_seen/expiry are written at most this often per session, not on every request */
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function createSession(
	conn: DuckDBConnection,
	userId: number,
	ip: string | null,
	config: AuthConfig,
	now: number = Date.now()
): Promise<{ token: string; expiresMs: number }> {
	const token = randomBytes(32).toString('base64url');
	const expiresMs = now + config.sessionIdleMs;
	// Expired sessions of everyone are swept here: sign-ins are rare enough and it keeps the table small.
	await conn.run('DELETE FROM sessions WHERE expires_at < epoch_ms($1::BIGINT)', [now] as never);
	await conn.run(
		`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip)
		 VALUES ($1, $2, epoch_ms($3::BIGINT), epoch_ms($3::BIGINT), epoch_ms($4::BIGINT), $5)`,
		[hashToken(token), userId, now, expiresMs, ip] as never
	);
	return { token, expiresMs };
}

interface SessionRow {
	user_id: number;
	created_ms: number;
	last_seen_ms: number;
	expires_ms: number;
	username: string;
	display_name: string;
	role: string;
	stores: string[] | null;
	pii: boolean;
	disabled: boolean;
}

/**
 * Resolved sessions are remembered for a few seconds, so a page's burst of requests (a dashboard asks
 * for a dozen things) reads the session once. Anything that ends a session or changes a user (logout,
 * disable, password reset, role or store change) forgets the user's entries at once, in this process,
 * which is the only one that serves requests (the CLI hands its account commands to it).
 */
const REMEMBER_MS = 5_000;
const remembered = new Map<string, { user: AuthUser; expiresMs: number; until: number }>();

/** Forgets remembered sessions: one user's (after a change to them) or everyone's. */
export function forgetSessions(userId?: number): void {
	if (userId === undefined) remembered.clear();
	else for (const [k, v] of remembered) if (v.user.id === userId) remembered.delete(k);
}

/** The user behind a cookie token, or null (unknown, expired, or the user disabled). Slides the expiry. */
export async function resolveSession(
	conn: DuckDBConnection,
	token: string | undefined,
	config: AuthConfig,
	now: number = Date.now()
): Promise<{ user: AuthUser; expiresMs: number } | null> {
	if (!token || !TOKEN_PATTERN.test(token)) return null;
	const tokenHash = hashToken(token);
	const known = remembered.get(tokenHash);
	if (known && now < known.until && now < known.expiresMs) return { user: known.user, expiresMs: known.expiresMs };
	const resolved = await lookupSession(conn, tokenHash, config, now);
	if (resolved) {
		if (remembered.size > 10_000) remembered.clear();
		remembered.set(tokenHash, { ...resolved, until: now + REMEMBER_MS });
	} else remembered.delete(tokenHash);
	return resolved;
}

async function lookupSession(
	conn: DuckDBConnection,
	tokenHash: string,
	config: AuthConfig,
	now: number
): Promise<{ user: AuthUser; expiresMs: number } | null> {
	const [row] = await queryRows<SessionRow>(
		conn,
		`SELECT s.user_id, epoch_ms(s.created_at) AS created_ms, epoch_ms(s.last_seen_at) AS last_seen_ms, epoch_ms(s.expires_at) AS expires_ms,
		        u.username, u.display_name, u.role, u.stores, u.pii, u.disabled
		 FROM sessions s JOIN users u ON u.user_id = s.user_id WHERE s.token_hash = $1`,
		[tokenHash]
	);
	if (!row) return null;
	const expired = Number(row.expires_ms) <= now || Number(row.created_ms) + config.sessionMaxMs <= now;
	if (expired || row.disabled || !isRole(row.role)) {
		await conn.run('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
		return null;
	}
	let expiresMs = Number(row.expires_ms);
	if (now - Number(row.last_seen_ms) >= TOUCH_EVERY_MS) {
		expiresMs = Math.min(now + config.sessionIdleMs, Number(row.created_ms) + config.sessionMaxMs);
		try {
			await conn.run('UPDATE sessions SET last_seen_at = epoch_ms($2::BIGINT), expires_at = epoch_ms($3::BIGINT) WHERE token_hash = $1', [
				tokenHash,
				now,
				expiresMs
			] as never);
		} catch {
			// Two requests of one session touching it at once: one wins, which is all we need.
		}
	}
	return {
		user: {
			id: row.user_id,
			username: row.username,
			displayName: row.display_name,
			role: row.role,
			stores: row.stores ? [...row.stores] : null,
			pii: row.pii
		},
		expiresMs
	};
}

export async function deleteSession(conn: DuckDBConnection, token: string | undefined): Promise<boolean> {
	if (!token || !TOKEN_PATTERN.test(token)) return false;
	remembered.delete(hashToken(token));
	const [r] = await queryRows<{ n: number }>(conn, 'DELETE FROM sessions WHERE token_hash = $1 RETURNING 1 AS n', [hashToken(token)]);
	return r !== undefined;
}

export async function deleteUserSessions(conn: DuckDBConnection, userId: number): Promise<void> {
	forgetSessions(userId);
	await conn.run('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

/** Cookie attributes: Secure exactly when the site is served over https (ORIGIN https://… behind a proxy). */
export function sessionCookieOptions(url: URL, expiresMs: number) {
	return {
		path: '/',
		httpOnly: true,
		sameSite: 'lax' as const,
		secure: url.protocol === 'https:',
		expires: new Date(expiresMs)
	};
}
