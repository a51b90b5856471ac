import type { Database } from '$lib/server/core/db';
import { DEMO_ACCOUNTS, type DemoAccount } from './demo-accounts';
import { hashPassword } from './password';
import { createUser, findUser } from './users';

export { DEMO_ACCOUNTS, type DemoAccount };

/**
 * Creates the demo accounts that do not exist yet (one per role) and returns all of them with their
 * passwords for printing. An account that already exists is left as it is (`created: false`): its
 * password may have been changed since.
 */
export async function ensureDemoUsers(db: Database): Promise<(DemoAccount & { created: boolean })[]> {
	const out: (DemoAccount & { created: boolean })[] = [];
	for (const account of DEMO_ACCOUNTS) {
		const created = await db.withConnection(async (conn) => {
			if (await findUser(conn, account.username)) return false;
			const result = await createUser(conn, { ...account, passwordHash: await hashPassword(account.password) }, { name: 'demo' });
			if (!result.ok) throw new Error(`demo user ${account.username}: ${result.error}`);
			return true;
		});
		out.push({ ...account, created });
	}
	return out;
}
