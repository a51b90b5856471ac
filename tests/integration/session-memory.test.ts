import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { readAuthConfig } from '../../src/lib/server/core/config';
import { hashPassword } from '../../src/lib/server/core/auth/password';
import { createSession, deleteSession, resolveSession } from '../../src/lib/server/core/auth/sessions';
import { createUser, setDisabled, updateUser } from '../../src/lib/server/core/auth/users';
import { tempDatabase } from '../helpers/db';

/** Sessions are remembered for a few seconds; every change to a user must still apply to the next request. */
let db: Database;
let close: () => void;
const config = readAuthConfig({});
const ADMIN = { name: 'admin', ip: null };

beforeAll(async () => {
	({ db, close } = await tempDatabase());
});
afterAll(() => close?.());

describe('remembered sessions', () => {
	it('apply a role or store change, a disable and a logout to the very next request', async () => {
		await db.withConnection(async (c) => {
			const made = await createUser(
				c,
				{
					username: 'wang',
					displayName: '王',
					role: 'viewer',
					stores: ['A店'],
					pii: false,
					passwordHash: await hashPassword('s3cret-pass')
				},
				ADMIN
			);
			if (!made.ok) throw new Error(made.error);
			await createUser(
				c,
				{ username: 'root2', displayName: 'R', role: 'admin', stores: null, pii: false, passwordHash: await hashPassword('s3cret-pass') },
				ADMIN
			);
			const { token } = await createSession(c, made.user.id, null, config);
			const now = Date.now();
			expect((await resolveSession(c, token, config, now))?.user).toMatchObject({ role: 'viewer', stores: ['A店'] });
			// remembered: a second resolve within the window does not need the database row
			expect((await resolveSession(c, token, config, now + 1))?.user.role).toBe('viewer');

			expect((await updateUser(c, 'wang', { role: 'manager', stores: ['B店'], pii: true }, ADMIN)).ok).toBe(true);
			expect((await resolveSession(c, token, config, now + 2))?.user).toMatchObject({ role: 'manager', stores: ['B店'], pii: true });

			expect((await setDisabled(c, 'wang', true, ADMIN)).ok).toBe(true);
			expect(await resolveSession(c, token, config, now + 3)).toBeNull();

			expect((await setDisabled(c, 'wang', false, ADMIN)).ok).toBe(true);
			const second = await createSession(c, made.user.id, null, config);
			expect(await resolveSession(c, second.token, config, now + 4)).not.toBeNull();
			await deleteSession(c, second.token);
			expect(await resolveSession(c, second.token, config, now + 5)).toBeNull();
		});
	});
});
