import { listValue } from '@duckdb/node-api';
import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import { isRole, roleSeesAllStores, type AuthUser, type Role } from '$lib/shared/auth/roles';
import { audit } from '$lib/server/core/db/audit';
import { isPasswordHash } from './password';
import { deleteUserSessions, forgetSessions } from './sessions';

/** A user as the admin pages and the CLI see it (never the password hash). */
export interface UserRecord {
	id: number;
	username: string;
	displayName: string;
	role: Role;
	stores: string[] | null;
	pii: boolean;
	disabled: boolean;
	createdAtMs: number;
	updatedAtMs: number;
	lastLoginAtMs: number | null;
}

export type UserError =
	| 'username_invalid'
	| 'username_taken'
	| 'display_name_invalid'
	| 'role_invalid'
	| 'stores_invalid'
	| 'stores_empty'
	| 'password_hash_invalid'
	| 'not_found'
	| 'last_admin'
	| 'self';

export type UserResult = { ok: true; user: UserRecord } | { ok: false; error: UserError };

/** Who makes a change: recorded in the audit log; `self` stops admins locking themselves out. */
export interface Actor {
	name: string;
	ip?: string | null;
}

/** Lower-case ASCII sign-in names are easy to type on any keyboard; the display name can be Chinese. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,31}$/u;

export const normalizeUsername = (raw: string) => raw.normalize('NFKC').trim().toLowerCase();

const displayNameOk = (name: string) => name.length >= 1 && [...name].length <= 40 && !/[\p{Cc}\p{Cf}]/u.test(name);

/**
 * A store scope as stored: null = every store (always so for leadership and admins), otherwise a
 * non-empty list of store names. An empty list is an error, never "all": unticking every store must
 * not widen a scope.
 */
export function normalizeStores(
	role: Role,
	stores: readonly string[] | null
): { ok: true; stores: string[] | null } | { ok: false; error: UserError } {
	if (roleSeesAllStores(role) || stores === null) return { ok: true, stores: null };
	const cleaned = [...new Set(stores.map((s) => s.normalize('NFKC').trim()).filter((s) => s !== ''))];
	if (cleaned.some((s) => [...s].length > 100 || /[\p{Cc}\p{Cf}]/u.test(s))) return { ok: false, error: 'stores_invalid' };
	if (cleaned.length === 0) return { ok: false, error: 'stores_empty' };
	return { ok: true, stores: cleaned.sort((a, b) => a.localeCompare(b, 'zh-CN')) };
}

const SELECT_USER = `SELECT user_id AS id, username, display_name AS "displayName", role, stores, pii, disabled,
	epoch_ms(created_at) AS "createdAtMs", epoch_ms(updated_at) AS "updatedAtMs", epoch_ms(last_login_at) AS "lastLoginAtMs"
	FROM users`;

const toRecord = (r: UserRecord): UserRecord => ({
	...r,
	stores: r.stores ? [...r.stores] : null,
	createdAtMs: Number(r.createdAtMs),
	updatedAtMs: Number(r.updatedAtMs),
	lastLoginAtMs: r.lastLoginAtMs === null ? null : Number(r.lastLoginAtMs)
});

export async function listUsers(conn: DuckDBConnection): Promise<UserRecord[]> {
	return (await queryRows<UserRecord>(conn, `${SELECT_USER} ORDER BY disabled, username`)).map(toRecord);
}

export async function findUser(conn: DuckDBConnection, username: string): Promise<UserRecord | null> {
	const [row] = await queryRows<UserRecord>(conn, `${SELECT_USER} WHERE username = $1`, [normalizeUsername(username)]);
	return row ? toRecord(row) : null;
}

/** What sign-in needs: the hash and whether the account may be used. */
export async function findCredentials(
	conn: DuckDBConnection,
	username: string
): Promise<{ id: number; username: string; passwordHash: string; disabled: boolean } | null> {
	const [row] = await queryRows<{ id: number; username: string; passwordHash: string; disabled: boolean }>(
		conn,
		'SELECT user_id AS id, username, password_hash AS "passwordHash", disabled FROM users WHERE username = $1',
		[normalizeUsername(username)]
	);
	return row ?? null;
}

const storesValue = (stores: string[] | null) => (stores === null ? null : listValue(stores));

export interface NewUser {
	username: string;
	displayName: string;
	role: Role;
	stores: string[] | null;
	pii: boolean;
	/** an argon2id hash (see password.ts); callers hash, so a password never travels further than needed */
	passwordHash: string;
}

export async function createUser(conn: DuckDBConnection, input: NewUser, actor: Actor, now: number = Date.now()): Promise<UserResult> {
	const username = normalizeUsername(input.username);
	if (!USERNAME_PATTERN.test(username)) return { ok: false, error: 'username_invalid' };
	const displayName = input.displayName.trim();
	if (!displayNameOk(displayName)) return { ok: false, error: 'display_name_invalid' };
	if (!isRole(input.role)) return { ok: false, error: 'role_invalid' };
	if (!isPasswordHash(input.passwordHash)) return { ok: false, error: 'password_hash_invalid' };
	const scope = normalizeStores(input.role, input.stores);
	if (!scope.ok) return scope;
	if (await findUser(conn, username)) return { ok: false, error: 'username_taken' };
	try {
		await conn.run(
			`INSERT INTO users (user_id, username, display_name, password_hash, role, stores, pii, disabled, created_at, updated_at, password_changed_at)
			 VALUES (nextval('user_id_seq'), $1, $2, $3, $4, $5, $6, false, epoch_ms($7::BIGINT), epoch_ms($7::BIGINT), epoch_ms($7::BIGINT))`,
			[username, displayName, input.passwordHash, input.role, storesValue(scope.stores), input.pii, now] as never
		);
	} catch (e) {
		if (/unique|primary key|duplicate/iu.test(String(e))) return { ok: false, error: 'username_taken' };
		throw e;
	}
	await audit(
		conn,
		{
			actor: actor.name,
			action: 'user_created',
			target: username,
			ip: actor.ip,
			detail: { display_name: displayName, role: input.role, stores: scope.stores, pii: input.pii }
		},
		now
	);
	return { ok: true, user: (await findUser(conn, username))! };
}

export interface UserChanges {
	displayName?: string;
	role?: Role;
	stores?: string[] | null;
	pii?: boolean;
}

async function enabledAdmins(conn: DuckDBConnection): Promise<string[]> {
	return (await queryRows<{ username: string }>(conn, "SELECT username FROM users WHERE role = 'admin' AND NOT disabled")).map(
		(r) => r.username
	);
}

/** Changes role, store scope, pii or display name; refuses to leave no enabled admin. Takes effect on the next request. */
export async function updateUser(
	conn: DuckDBConnection,
	username: string,
	changes: UserChanges,
	actor: Actor,
	now: number = Date.now()
): Promise<UserResult> {
	const current = await findUser(conn, username);
	if (!current) return { ok: false, error: 'not_found' };
	const role = changes.role ?? current.role;
	if (!isRole(role)) return { ok: false, error: 'role_invalid' };
	const displayName = (changes.displayName ?? current.displayName).trim();
	if (!displayNameOk(displayName)) return { ok: false, error: 'display_name_invalid' };
	const scope = normalizeStores(role, changes.stores === undefined ? current.stores : changes.stores);
	if (!scope.ok) return scope;
	const pii = changes.pii ?? current.pii;
	if (current.role === 'admin' && role !== 'admin' && !current.disabled) {
		const admins = await enabledAdmins(conn);
		if (admins.length <= 1) return { ok: false, error: 'last_admin' };
	}
	const diff: Record<string, { from: unknown; to: unknown }> = {};
	if (displayName !== current.displayName) diff.display_name = { from: current.displayName, to: displayName };
	if (role !== current.role) diff.role = { from: current.role, to: role };
	if (JSON.stringify(scope.stores) !== JSON.stringify(current.stores)) diff.stores = { from: current.stores, to: scope.stores };
	if (pii !== current.pii) diff.pii = { from: current.pii, to: pii };
	if (Object.keys(diff).length === 0) return { ok: true, user: current };
	await conn.run(
		'UPDATE users SET display_name = $2, role = $3, stores = $4, pii = $5, updated_at = epoch_ms($6::BIGINT) WHERE user_id = $1',
		[current.id, displayName, role, storesValue(scope.stores), pii, now] as never
	);
	// a new role, store scope or pii permission applies to the user's very next request
	forgetSessions(current.id);
	await audit(conn, { actor: actor.name, action: 'user_updated', target: current.username, ip: actor.ip, detail: diff }, now);
	return { ok: true, user: (await findUser(conn, current.username))! };
}

/** Disabling ends the user's sessions at once; nobody may disable themselves or the last admin. */
export async function setDisabled(
	conn: DuckDBConnection,
	username: string,
	disabled: boolean,
	actor: Actor,
	now: number = Date.now()
): Promise<UserResult> {
	const current = await findUser(conn, username);
	if (!current) return { ok: false, error: 'not_found' };
	if (current.disabled === disabled) return { ok: true, user: current };
	if (disabled && current.username === actor.name) return { ok: false, error: 'self' };
	if (disabled && current.role === 'admin' && (await enabledAdmins(conn)).length <= 1) return { ok: false, error: 'last_admin' };
	await conn.run('UPDATE users SET disabled = $2, updated_at = epoch_ms($3::BIGINT) WHERE user_id = $1', [
		current.id,
		disabled,
		now
	] as never);
	if (disabled) await deleteUserSessions(conn, current.id);
	await audit(
		conn,
		{ actor: actor.name, action: disabled ? 'user_disabled' : 'user_enabled', target: current.username, ip: actor.ip },
		now
	);
	return { ok: true, user: { ...current, disabled } };
}

/** A new password (hash); every session of the user ends, so a leaked one stops working too. */
export async function setPassword(
	conn: DuckDBConnection,
	username: string,
	passwordHash: string,
	actor: Actor,
	now: number = Date.now()
): Promise<UserResult> {
	if (!isPasswordHash(passwordHash)) return { ok: false, error: 'password_hash_invalid' };
	const current = await findUser(conn, username);
	if (!current) return { ok: false, error: 'not_found' };
	await conn.run(
		'UPDATE users SET password_hash = $2, password_changed_at = epoch_ms($3::BIGINT), updated_at = epoch_ms($3::BIGINT) WHERE user_id = $1',
		[current.id, passwordHash, now] as never
	);
	await deleteUserSessions(conn, current.id);
	await audit(conn, { actor: actor.name, action: 'password_reset', target: current.username, ip: actor.ip }, now);
	return { ok: true, user: current };
}

export async function recordLogin(conn: DuckDBConnection, userId: number, now: number): Promise<void> {
	await conn.run('UPDATE users SET last_login_at = epoch_ms($2::BIGINT) WHERE user_id = $1', [userId, now] as never);
}

/** The user as a session carries it. */
export const toAuthUser = (u: Pick<UserRecord, 'id' | 'username' | 'displayName' | 'role' | 'stores' | 'pii'>): AuthUser => ({
	id: u.id,
	username: u.username,
	displayName: u.displayName,
	role: u.role,
	stores: u.stores,
	pii: u.pii
});

/** Store names that occur in the data or in any user's scope, for the admin form. */
export async function knownStores(conn: DuckDBConnection): Promise<string[]> {
	const rows = await queryRows<{ store: string }>(
		conn,
		`
		SELECT store FROM (
			SELECT DISTINCT store FROM traffic UNION SELECT DISTINCT store FROM complaints
			UNION SELECT DISTINCT store FROM staff WHERE store IS NOT NULL
			UNION SELECT DISTINCT unnest(stores) FROM users WHERE stores IS NOT NULL
		) WHERE store IS NOT NULL ORDER BY store LIMIT 500`
	);
	return rows.map((r) => r.store);
}
