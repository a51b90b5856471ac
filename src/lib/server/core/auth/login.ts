import type { Database } from '$lib/server/core/db';
import type { AuthUser } from '$lib/shared/auth/roles';
import { audit } from '$lib/server/core/db/audit';
import type { AuthConfig } from '$lib/server/core/config';
import { verifyPassword } from './password';
import { FailureLimiter } from './ratelimit';
import { createSession } from './sessions';
import { findCredentials, findUser, normalizeUsername, recordLogin, toAuthUser } from './users';

export type LoginOutcome =
	| { ok: true; user: AuthUser; token: string }
	| { ok: false; reason: 'invalid' | 'disabled' }
	| { ok: false; reason: 'throttled'; retryAtMs: number };

/**
 * Sign-in with per-account and per-address limits. A locked account refuses even the right password
 * until its window passes; a success clears the account's count (not the address's). A name that is
 * not an account is throttled like one, and never written to the audit log (people type passwords
 * into the name field): such failures are recorded as `(unknown)`.
 */
export class LoginService {
	private readonly limiter: FailureLimiter;

	constructor(private readonly config: AuthConfig) {
		this.limiter = new FailureLimiter(config.rateWindowMs);
	}

	async login(
		db: Database,
		input: { username: string; password: string; ip: string | null },
		now: number = Date.now()
	): Promise<LoginOutcome> {
		const username = normalizeUsername(input.username);
		const accountKey = `account:${username}`;
		const ipKey = `ip:${input.ip ?? 'unknown'}`;
		// Both limits are checked, then the attempt is counted on both, in one synchronous step before the
		// password is verified: simultaneous guesses are counted as they arrive, not after their checks.
		const byAccount = this.limiter.check(accountKey, this.config.maxFailuresPerAccount, now);
		const byIp = this.limiter.check(ipKey, this.config.maxFailuresPerIp, now);
		if (!byAccount.blocked && !byIp.blocked) {
			this.limiter.fail(accountKey, now);
			this.limiter.fail(ipKey, now);
		} else {
			const retryAtMs = Math.max(byAccount.retryAtMs ?? 0, byIp.retryAtMs ?? 0);
			const key = byAccount.blocked ? accountKey : ipKey;
			if (this.limiter.firstNotice(key, retryAtMs)) {
				const known = await db.withConnection((c) => findUser(c, username));
				await db.withConnection((c) =>
					audit(
						c,
						{
							actor: known?.username ?? '(unknown)',
							action: 'login_throttled',
							ip: input.ip,
							detail: { by: byAccount.blocked ? 'account' : 'ip', until_ms: retryAtMs }
						},
						now
					)
				);
			}
			return { ok: false, reason: 'throttled', retryAtMs };
		}

		const credentials = await db.withConnection((c) => findCredentials(c, username));
		const passwordOk = await verifyPassword(credentials?.passwordHash ?? null, input.password);
		if (!credentials || !passwordOk) {
			await db.withConnection((c) =>
				audit(
					c,
					{
						actor: credentials?.username ?? '(unknown)',
						action: 'login_failed',
						ip: input.ip,
						detail: { reason: credentials ? 'password' : 'unknown_user' }
					},
					now
				)
			);
			return { ok: false, reason: 'invalid' };
		}
		// Told only to someone who knows the password.
		if (credentials.disabled) {
			await db.withConnection((c) =>
				audit(c, { actor: credentials.username, action: 'login_failed', ip: input.ip, detail: { reason: 'disabled' } }, now)
			);
			return { ok: false, reason: 'disabled' };
		}

		// A success is not a failure: the address gets its counted attempt back, the account starts afresh.
		this.limiter.forgive(ipKey, now);
		this.limiter.clear(accountKey);
		return db.withConnection(async (c) => {
			const { token } = await createSession(c, credentials.id, input.ip, this.config, now);
			await recordLogin(c, credentials.id, now);
			await audit(c, { actor: credentials.username, action: 'login', ip: input.ip }, now);
			const user = await findUser(c, credentials.username);
			return { ok: true as const, user: toAuthUser(user!), token };
		});
	}
}
