import { m } from '$lib/paraglide/messages.js';
import type { Database } from '$lib/server/core/db';
import { isRole, type Role } from '$lib/shared/auth/roles';
import { displayTime } from '$lib/server/core/time';
import { verifyAuditChain, type ChainReport } from '$lib/server/core/db/audit';
import { createUser, listUsers, setDisabled, setPassword, type UserError, type UserRecord } from './users';

/**
 * Account commands of `npm run user` and `npm run audit`, runnable in this process or handed to the
 * running server (POST /api/internal/accounts), like the ingest CLI's commands. Passwords never travel:
 * the CLI sends an argon2id hash.
 */
export type Locale = 'zh-CN' | 'en';

export type AccountCommand =
	| {
			command: 'user-add';
			username: string;
			displayName: string;
			role: Role;
			stores: string[] | null;
			pii: boolean;
			passwordHash: string;
			as: string;
			locale: Locale;
	  }
	| { command: 'user-passwd'; username: string; passwordHash: string; as: string; locale: Locale }
	| { command: 'user-disable' | 'user-enable'; username: string; as: string; locale: Locale }
	| { command: 'user-list'; locale: Locale }
	| { command: 'audit-verify'; locale: Locale };

export interface AccountCommandResult {
	exitCode: 0 | 1 | 2;
	json: unknown;
	text: string;
}

type Msg = (inputs: Record<string, unknown>, options: { locale: Locale }) => string;
const catalog = m as unknown as Record<string, Msg | undefined>;
const msg = (key: string, params: Record<string, unknown>, locale: Locale) => catalog[key]?.(params, { locale }) ?? key;

export const roleLabel = (role: string, locale: Locale) => (isRole(role) ? msg(`auth_role_${role}`, {}, locale) : role);
export const userErrorText = (error: UserError, locale: Locale) => msg(`admin_error_${error}`, {}, locale);

/** 2025-03-05 14:30 in the display zone (TZ_DISPLAY). */
export const formatTime = (ms: number | null): string => displayTime(ms);

const publicUser = (u: UserRecord) => ({
	username: u.username,
	display_name: u.displayName,
	role: u.role,
	stores: u.stores,
	pii: u.pii,
	disabled: u.disabled,
	created_at: formatTime(u.createdAtMs),
	last_login_at: u.lastLoginAtMs === null ? null : formatTime(u.lastLoginAtMs)
});

function failed(error: UserError, locale: Locale): AccountCommandResult {
	const text = userErrorText(error, locale);
	return { exitCode: 1, json: { ok: false, error: { code: error, message: text } }, text };
}

export function describeChain(report: ChainReport, locale: Locale): string {
	if (report.broken) {
		const b = report.broken;
		return msg(
			'auth_audit_broken',
			{ seq: b.seq, at: formatTime(b.at_ms), action: b.action, problem: msg(`auth_audit_problem_${b.problem}`, {}, locale) },
			locale
		);
	}
	if (!report.head) return msg('auth_audit_empty', {}, locale);
	return msg('auth_audit_ok', { entries: report.entries, seq: report.head.seq, hash: report.head.hash }, locale);
}

export async function runAccountCommand(db: Database, cmd: AccountCommand): Promise<AccountCommandResult> {
	const { locale } = cmd;
	switch (cmd.command) {
		case 'user-add': {
			const r = await db.withConnection((c) =>
				createUser(
					c,
					{
						username: cmd.username,
						displayName: cmd.displayName,
						role: cmd.role,
						stores: cmd.stores,
						pii: cmd.pii,
						passwordHash: cmd.passwordHash
					},
					{ name: cmd.as }
				)
			);
			if (!r.ok) return failed(r.error, locale);
			const text = msg(
				'auth_cli_user_added',
				{ username: r.user.username, name: r.user.displayName, role: roleLabel(r.user.role, locale) },
				locale
			);
			return { exitCode: 0, json: { ok: true, user: publicUser(r.user) }, text };
		}
		case 'user-passwd': {
			const r = await db.withConnection((c) => setPassword(c, cmd.username, cmd.passwordHash, { name: cmd.as }));
			if (!r.ok) return failed(r.error, locale);
			return {
				exitCode: 0,
				json: { ok: true, username: r.user.username },
				text: msg('auth_cli_password_set', { username: r.user.username }, locale)
			};
		}
		case 'user-disable':
		case 'user-enable': {
			const disable = cmd.command === 'user-disable';
			const r = await db.withConnection((c) => setDisabled(c, cmd.username, disable, { name: cmd.as }));
			if (!r.ok) return failed(r.error, locale);
			const key = disable ? 'auth_cli_user_disabled' : 'auth_cli_user_enabled';
			return {
				exitCode: 0,
				json: { ok: true, username: r.user.username, disabled: disable },
				text: msg(key, { username: r.user.username }, locale)
			};
		}
		case 'user-list': {
			const users = await db.withConnection((c) => listUsers(c));
			const all = msg('admin_all_stores', {}, locale);
			const lines = users.map((u) =>
				[
					u.username.padEnd(16),
					u.displayName.padEnd(8),
					roleLabel(u.role, locale).padEnd(8),
					(u.stores?.join('、') ?? all).padEnd(12),
					u.pii ? 'pii' : '   ',
					u.disabled ? msg('admin_status_disabled', {}, locale) : msg('admin_status_active', {}, locale),
					formatTime(u.lastLoginAtMs)
				].join('  ')
			);
			return { exitCode: 0, json: users.map(publicUser), text: lines.join('\n') || msg('admin_users_empty', {}, locale) };
		}
		case 'audit-verify': {
			const report = await db.withConnection((c) => verifyAuditChain(c));
			return { exitCode: report.ok ? 0 : 1, json: report, text: describeChain(report, locale) };
		}
	}
}
