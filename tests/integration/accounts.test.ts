import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { runCommand } from '../../pipelines/commands';
import { audit, entryHash, verifyAuditChain, type AuditRow } from '../../src/lib/server/core/db/audit';
import { auditCliCommand } from '../../pipelines/audit';
import { readAuthConfig } from '../../src/lib/server/core/config';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { LoginService } from '../../src/lib/server/core/auth/login';
import { hashPassword } from '../../src/lib/server/core/auth/password';
import { keyFilePath, phoneHasher, PhoneKeyError } from '../../src/lib/server/core/db/phone-hash';
import { createSession, resolveSession } from '../../src/lib/server/core/auth/sessions';
import { createUser, findUser, setDisabled, setPassword, updateUser } from '../../src/lib/server/core/auth/users';
import { rows, sample, tempDatabase } from '../helpers/db';
import { toolCommand } from '../helpers/cli';

/** Accounts, sessions, the phone key and the audit chain on real DuckDB files. */

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const c of cleanups.splice(0)) c();
});

async function fresh() {
	const t = await tempDatabase();
	cleanups.push(() => {
		try {
			t.close();
		} catch {
			// closed by the test already
		}
	});
	return t;
}

const ADMIN = { name: 'root-admin' };
const config = readAuthConfig({});

describe('users', () => {
	it('creates users with argon2id hashes, refuses bad or taken names and empty scopes', async () => {
		const { db } = await fresh();
		const hash = await hashPassword('s3cret-pass');
		expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/u);
		await db.withConnection(async (c) => {
			const made = await createUser(
				c,
				{
					username: ' Zhang.JL ',
					displayName: '张经理',
					role: 'manager',
					stores: ['南京新街口店', ' 南京新街口店'],
					pii: false,
					passwordHash: hash
				},
				ADMIN
			);
			expect(made).toMatchObject({ ok: true, user: { username: 'zhang.jl', stores: ['南京新街口店'] } });
			expect(
				await createUser(c, { username: 'zhang.jl', displayName: 'x', role: 'viewer', stores: null, pii: false, passwordHash: hash }, ADMIN)
			).toEqual({ ok: false, error: 'username_taken' });
			expect(
				await createUser(c, { username: '张', displayName: 'x', role: 'viewer', stores: null, pii: false, passwordHash: hash }, ADMIN)
			).toEqual({ ok: false, error: 'username_invalid' });
			expect(
				await createUser(c, { username: 'v2', displayName: 'x', role: 'viewer', stores: [' '], pii: false, passwordHash: hash }, ADMIN)
			).toEqual({ ok: false, error: 'stores_empty' });
			expect(
				await createUser(c, { username: 'v3', displayName: 'x', role: 'viewer', stores: null, pii: false, passwordHash: 'plain' }, ADMIN)
			).toEqual({ ok: false, error: 'password_hash_invalid' });
			// leadership always sees every store, whatever is asked
			const boss = await createUser(
				c,
				{ username: 'boss', displayName: '王总', role: 'leadership', stores: ['杭州湖滨店'], pii: true, passwordHash: hash },
				ADMIN
			);
			expect(boss).toMatchObject({ ok: true, user: { stores: null, pii: true } });
		});
		const stored = await rows<{ password_hash: string }>(db, 'SELECT password_hash FROM users');
		expect(stored.every((r) => r.password_hash.startsWith('$argon2id$'))).toBe(true);
	});

	it('keeps one enabled admin, and admins cannot disable themselves', async () => {
		const { db } = await fresh();
		const hash = await hashPassword('s3cret-pass');
		await db.withConnection(async (c) => {
			await createUser(c, { username: 'admin', displayName: 'A', role: 'admin', stores: null, pii: false, passwordHash: hash }, ADMIN);
			expect(await setDisabled(c, 'admin', true, { name: 'someone' })).toEqual({ ok: false, error: 'last_admin' });
			expect(await updateUser(c, 'admin', { role: 'viewer' }, { name: 'someone' })).toEqual({ ok: false, error: 'last_admin' });
			await createUser(c, { username: 'admin2', displayName: 'B', role: 'admin', stores: null, pii: false, passwordHash: hash }, ADMIN);
			expect(await setDisabled(c, 'admin2', true, { name: 'admin2' })).toEqual({ ok: false, error: 'self' });
			expect(await setDisabled(c, 'admin2', true, { name: 'admin' })).toMatchObject({ ok: true });
		});
	});

	it('records user changes in the audit log without passwords or hashes', async () => {
		const { db } = await fresh();
		const hash = await hashPassword('first-password');
		const second = await hashPassword('second-password');
		await db.withConnection(async (c) => {
			await createUser(
				c,
				{ username: 'm1', displayName: '经理', role: 'manager', stores: ['上海徐家汇店'], pii: false, passwordHash: hash },
				ADMIN
			);
			await updateUser(c, 'm1', { role: 'quality_officer', stores: null, pii: true }, ADMIN);
			await setPassword(c, 'm1', second, ADMIN);
		});
		const log = await rows<{ action: string; actor: string; target: string; detail: string }>(
			db,
			'SELECT action, actor, target, detail FROM audit_log ORDER BY seq'
		);
		expect(log.map((e) => e.action)).toEqual(['user_created', 'user_updated', 'password_reset']);
		expect(JSON.parse(log[1]!.detail)).toEqual({
			pii: { from: false, to: true },
			role: { from: 'manager', to: 'quality_officer' },
			stores: { from: ['上海徐家汇店'], to: null }
		});
		const all = JSON.stringify(log);
		for (const secret of ['first-password', 'second-password', hash, second, '$argon2id$']) expect(all).not.toContain(secret);
	});
});

describe('sessions', () => {
	it('store only a hash of the token, slide while used and end after idling, at the hard limit, or when the user is disabled', async () => {
		const { db } = await fresh();
		await ensureDemoUsers(db);
		const user = (await db.withConnection((c) => findUser(c, 'manager')))!;
		const t0 = Date.UTC(2025, 2, 1, 8);
		const hour = 3_600_000;
		const { token } = await db.withConnection((c) => createSession(c, user.id, '10.0.0.1', config, t0));
		const stored = await rows<{ token_hash: string }>(db, 'SELECT token_hash FROM sessions');
		expect(stored).toHaveLength(1);
		expect(stored[0]!.token_hash).not.toContain(token);
		expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/u);

		const at = (ms: number) => db.withConnection((c) => resolveSession(c, token, config, ms));
		expect((await at(t0 + 11 * hour))?.user).toMatchObject({ username: 'manager', role: 'manager', stores: ['南京新街口店'] });
		// used at 11 h, so alive at 22 h (sliding), then dead 12 h after the last use
		expect(await at(t0 + 22 * hour)).not.toBeNull();
		expect(await at(t0 + 34 * hour + 1)).toBeNull();
		expect(await rows(db, 'SELECT * FROM sessions')).toHaveLength(0);

		// the hard limit (7 days) ends even a session used every hour
		const { token: busy } = await db.withConnection((c) => createSession(c, user.id, null, config, t0));
		for (let h = 1; h < 7 * 24; h += 6)
			expect(await db.withConnection((c) => resolveSession(c, busy, config, t0 + h * hour))).not.toBeNull();
		expect(await db.withConnection((c) => resolveSession(c, busy, config, t0 + 7 * 24 * hour))).toBeNull();

		const { token: third } = await db.withConnection((c) => createSession(c, user.id, null, config, t0));
		await db.withConnection((c) => setDisabled(c, 'manager', true, ADMIN, t0));
		expect(await db.withConnection((c) => resolveSession(c, third, config, t0 + 1000))).toBeNull();
	});

	it('a disabled account is told so only with the right password, and a wrong name is never logged', async () => {
		const { db } = await fresh();
		await ensureDemoUsers(db);
		await db.withConnection((c) => setDisabled(c, 'viewer', true, ADMIN));
		const logins = new LoginService(config);
		expect(await logins.login(db, { username: 'viewer', password: 'wrong-password', ip: '10.0.0.9' })).toEqual({
			ok: false,
			reason: 'invalid'
		});
		expect(await logins.login(db, { username: 'viewer', password: 'viewer-demo-2025', ip: '10.0.0.9' })).toEqual({
			ok: false,
			reason: 'disabled'
		});
		expect(await logins.login(db, { username: 'my-password-by-mistake', password: 'x', ip: '10.0.0.9' })).toEqual({
			ok: false,
			reason: 'invalid'
		});
		const log = await rows<{ actor: string; action: string; ip: string; detail: string }>(
			db,
			"SELECT actor, action, ip, detail FROM audit_log WHERE action LIKE 'login%' ORDER BY seq"
		);
		expect(log).toEqual([
			{ actor: 'viewer', action: 'login_failed', ip: '10.0.0.9', detail: '{"reason":"password"}' },
			{ actor: 'viewer', action: 'login_failed', ip: '10.0.0.9', detail: '{"reason":"disabled"}' },
			{ actor: '(unknown)', action: 'login_failed', ip: '10.0.0.9', detail: '{"reason":"unknown_user"}' }
		]);
		expect(JSON.stringify(await rows(db, 'SELECT * FROM audit_log'))).not.toContain('my-password-by-mistake');
	});
});

describe('the phone hash key', () => {
	it('is created beside the database on first start (0600) and hashes in JS and in DuckDB alike', async () => {
		const { db, path } = await fresh();
		const hasher = await phoneHasher(db);
		const file = keyFilePath(path);
		expect(existsSync(file)).toBe(true);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(readFileSync(file, 'utf8')).toMatch(/"phone_hmac_key": "[0-9a-f]{64}"/u);

		expect(hasher.hex('+86 138-1234-5678')).toBe(hasher.hex('13812345678'));
		expect(hasher.hex('13812345678')).not.toBe(hasher.hex('13812345679'));
		expect(hasher.hex('12')).toBeNull();

		const phones = ['13812345678', '01012345678', '057187654321', '19900001111'];
		const { sql, params } = hasher.sql('phone', 1);
		const got = await db.withConnection(async (c) => {
			await c.run('CREATE TEMP TABLE p (phone VARCHAR)');
			for (const p of [...phones, null]) await c.run('INSERT INTO p VALUES ($1)', [p]);
			return queryRows<{ phone: string | null; h: bigint | null }>(c, `SELECT phone, ${sql} AS h FROM p`, params);
		});
		expect(got.map((r) => [r.phone, r.h === null ? null : BigInt(r.h)])).toEqual([...phones.map((p) => [p, hasher.u64(p)]), [null, null]]);

		// the same key after a restart
		const again = await phoneHasher(db);
		expect(again.hex('13812345678')).toBe(hasher.hex('13812345678'));
	});

	it('refuses a lost or swapped key file instead of silently hashing differently', async () => {
		const { db, path } = await fresh();
		await phoneHasher(db);
		const file = keyFilePath(path);
		const original = readFileSync(file, 'utf8');
		rmSync(file);
		await expect(phoneHasher(db)).rejects.toBeInstanceOf(PhoneKeyError);
		writeFileSync(file, JSON.stringify({ version: 1, phone_hmac_key: 'ab'.repeat(32), created_at: '2025-01-01T00:00:00Z' }), {
			mode: 0o600
		});
		await expect(phoneHasher(db)).rejects.toThrow(/not the one this database was hashed with/u);
		writeFileSync(file, original, { mode: 0o600 });
		await expect(phoneHasher(db)).resolves.toBeTruthy();
	});
});

describe('the audit chain', () => {
	const verifyCli = (dbPath: string) => {
		const r = spawnSync(...toolCommand('audit', ['verify', '--db', dbPath]), {
			encoding: 'utf8'
		});
		return { code: r.status, out: r.stdout + r.stderr };
	};

	async function chainOf(n: number) {
		const t = await fresh();
		await t.db.withConnection(async (c) => {
			for (let i = 1; i <= n; i++)
				await audit(c, { actor: `user${i}`, action: 'login', ip: '10.0.0.1', detail: { n: i } }, Date.UTC(2025, 0, 1) + i * 1000);
		});
		return t;
	}

	it('links every entry to the one before with sha256 over a canonical form', async () => {
		const { db } = await chainOf(3);
		const log = await rows<AuditRow>(
			db,
			'SELECT seq, epoch_ms(logged_at) AS at_ms, actor, action, target, ip, detail, prev_hash, hash FROM audit_log ORDER BY seq'
		);
		expect(log[0]!.prev_hash).toBe('0'.repeat(64));
		expect(log[1]!.prev_hash).toBe(log[0]!.hash);
		expect(log[2]!.prev_hash).toBe(log[1]!.hash);
		for (const r of log) expect(entryHash({ ...r, at_ms: Number(r.at_ms) })).toBe(r.hash);
		expect(await db.withConnection((c) => verifyAuditChain(c))).toMatchObject({
			ok: true,
			entries: 3,
			head: { seq: 3, hash: log[2]!.hash }
		});
	});

	it('serialises concurrent appends into one chain', async () => {
		const { db } = await fresh();
		await Promise.all(Array.from({ length: 20 }, (_, i) => db.withConnection((c) => audit(c, { actor: `u${i}`, action: 'login' }))));
		expect(await db.withConnection((c) => verifyAuditChain(c))).toMatchObject({ ok: true, entries: 20 });
	});

	it('`npm run audit -- verify` finds one row changed with UPDATE, naming it, and exits 1', async () => {
		const { db, path } = await chainOf(5);
		db.close();
		const clean = verifyCli(path);
		expect(clean.code, clean.out).toBe(0);
		expect(clean.out).toContain('审计日志完整：共 5 条');

		const tamper = async (sql: string) => {
			const d = await Database.open(path);
			await d.withConnection((c) => c.run(sql));
			d.close();
		};
		await tamper(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3`);
		const changed = verifyCli(path);
		expect(changed.code).toBe(1);
		expect(changed.out).toContain('第 #3 条');
		expect(changed.out).toContain('被修改过');

		// Re-hashing the changed row only moves the break to the next one.
		const d = await Database.open(path);
		const [row] = await d.withConnection((c) =>
			queryRows<AuditRow>(
				c,
				'SELECT seq, epoch_ms(logged_at) AS at_ms, actor, action, target, ip, detail, prev_hash, hash FROM audit_log WHERE seq = 3'
			)
		);
		await d.withConnection((c) =>
			c.run('UPDATE audit_log SET hash = $1 WHERE seq = 3', [entryHash({ ...row!, at_ms: Number(row!.at_ms) })])
		);
		d.close();
		const rehashed = verifyCli(path);
		expect(rehashed.code).toBe(1);
		expect(rehashed.out).toContain('第 #4 条');

		await tamper('DELETE FROM audit_log WHERE seq >= 3 AND seq <= 4');
		const removed = verifyCli(path);
		expect(removed.code).toBe(1);
		expect(removed.out).toContain('第 #5 条');
	});
});

describe('audit entries of the ingest CLI', () => {
	it('records committed and rejected loads and rollbacks with who ran them, not dry runs or duplicates', async () => {
		const { db } = await fresh();
		const run = async (cmd: Parameters<typeof runCommand>[1]) => auditCliCommand(db, cmd, await runCommand(db, cmd));
		const load = (file: string, dryRun = false) =>
			({
				command: 'ingest',
				kind: file.startsWith('surveys') ? 'surveys' : 'staff',
				file: sample(file),
				acceptPartial: false,
				dryRun,
				as: 'wang',
				locale: 'zh-CN'
			}) as const;
		await run(load('staff.csv', true));
		await run(load('staff.csv'));
		await run(load('staff.csv'));
		await run(load('surveys_with_errors.csv'));
		await run({ command: 'rollback', batchId: 1, as: 'li', locale: 'zh-CN' });
		await run({ command: 'rollback', batchId: 99, as: 'li', locale: 'zh-CN' });
		const log = await rows<{ actor: string; action: string; target: string; detail: string }>(
			db,
			'SELECT actor, action, target, detail FROM audit_log ORDER BY seq'
		);
		expect(log.map((e) => [e.actor, e.action, e.target])).toEqual([
			['cli:wang', 'ingest', 'batch:1'],
			['cli:wang', 'ingest', 'batch:2'],
			['cli:li', 'rollback', 'batch:1']
		]);
		expect(JSON.parse(log[0]!.detail)).toMatchObject({ kind: 'staff', file_name: 'staff.csv', status: 'committed', rows_loaded: 36 });
		expect(JSON.parse(log[1]!.detail)).toMatchObject({ status: 'rejected', rows_rejected: 7 });
		expect(JSON.parse(log[2]!.detail)).toEqual({ removed: 36, restored: 0 });
	});
});
