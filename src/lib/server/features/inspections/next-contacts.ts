import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import type { NextContacts } from '$lib/features/inspections/types';
import type { AgentCoverage } from '$lib/shared/inspections/sampling';

/**
 * A random sample of contacts to inspect next, for the agents under their plan this month: answered
 * contacts of the month not inspected yet, drawn by a hash of the contact id and the month (the same draw
 * all month long, a new one next month). Needs the contact logs (the `contacts` kind); before any are loaded
 * the plan gives counts only (`available: false`).
 */

/** at most this many contacts are proposed per agent at a time */
const PER_AGENT = 10;

export async function nextContacts(
	conn: DuckDBConnection,
	plan: readonly AgentCoverage[],
	month: string,
	scope: readonly string[] | null
): Promise<NextContacts> {
	// the contact logs are a kind of their own (migration 12): "available" once any have been loaded
	const [{ loaded = false } = {}] = await queryRows<{ loaded: boolean }>(conn, 'SELECT EXISTS (SELECT 1 FROM contacts) AS loaded');
	if (!loaded) return { available: false, byAgent: [] };
	const under = plan.filter((a) => a.missing > 0);
	if (under.length === 0) return { available: true, byAgent: [] };
	const params: DuckDBValue[] = [listValue(under.map((a) => a.staffId)), `${month}-01`, month, PER_AGENT];
	const inScope = scope === null ? '' : ` AND list_contains($5::VARCHAR[], store)`;
	if (inScope) params.push(listValue([...scope!]));
	const rows = await queryRows<{ staff: string; contacts: string[] }>(
		conn,
		`SELECT agent_id AS staff, list(contact_id ORDER BY hash(contact_id || $3), contact_id)[1:$4] AS contacts
		 FROM contacts
		 WHERE list_contains($1::VARCHAR[], agent_id) AND arrived_at >= $2::DATE AND arrived_at < $2::DATE + INTERVAL 1 MONTH AND answered_at IS NOT NULL${inScope}
		   AND contact_id NOT IN (SELECT contact_id FROM inspections WHERE contact_id IS NOT NULL)
		 GROUP BY agent_id ORDER BY agent_id`,
		params
	);
	const missing = new Map(under.map((a) => [a.staffId, a.missing]));
	return {
		available: true,
		byAgent: rows.map((r) => ({ staffId: r.staff, contacts: r.contacts.slice(0, missing.get(r.staff) ?? PER_AGENT) }))
	};
}
