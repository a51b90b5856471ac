import type { DuckDBConnection } from '$lib/server/core/db';
import type { AuthUser } from '$lib/shared/auth/roles';
import { audit } from '$lib/server/core/db/audit';
import { maskName, maskPhone } from './masking';

/**
 * Customer personal information as a given user may see it. Pages and exports that serve complaint
 * rows pass every row through `customerView` and, when anything was served unmasked, call
 * `recordPiiAccess` once per response.
 */
export interface CustomerContact {
	customer_name: string | null;
	customer_phone: string | null;
}

export function customerView<T extends CustomerContact>(user: AuthUser, row: T): T {
	if (user.pii) return row;
	return { ...row, customer_name: maskName(row.customer_name), customer_phone: maskPhone(row.customer_phone) };
}

/**
 * One audit entry for one response that showed a pii user unmasked rows: what (a resource such as
 * `complaints`), how many rows, under which filter (store, dates — never the names or phones).
 * Does nothing for users without pii or when no row was served.
 */
export async function recordPiiAccess(
	conn: DuckDBConnection,
	user: AuthUser,
	served: { resource: string; rows: number; filter?: Record<string, unknown>; ip?: string | null }
): Promise<void> {
	if (!user.pii || served.rows === 0) return;
	await audit(conn, {
		actor: user.username,
		action: 'pii_viewed',
		target: served.resource,
		ip: served.ip ?? null,
		detail: { rows: served.rows, filter: served.filter ?? {} }
	});
}
