import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/core/db/process';
import { queryRows } from '$lib/server/core/db';
import { migrations } from '$lib/server/core/db/migrations';
import type { RequestHandler } from './$types';

/**
 * Liveness and readiness for a load balancer or a monitor: 200 when the database answers and every
 * migration of this build is applied, 503 otherwise. Public and without details beyond that.
 */
export const GET: RequestHandler = async () => {
	const expected = Math.max(...migrations.map((m) => m.version));
	try {
		const db = await getDatabase();
		const [row] = await db.withConnection((c) => queryRows<{ v: number | null }>(c, 'SELECT max(version) AS v FROM schema_migrations'), {
			lookup: true
		});
		const applied = Number(row?.v ?? 0);
		const ok = applied >= expected;
		return json(
			{ status: ok ? 'ok' : 'migrations_pending', database: 'ok', schema: { applied, expected } },
			{ status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } }
		);
	} catch {
		return json({ status: 'database_unavailable', database: 'error' }, { status: 503, headers: { 'cache-control': 'no-store' } });
	}
};
