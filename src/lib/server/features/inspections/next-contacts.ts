import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import type { NextContacts } from '$lib/features/inspections/types';
import type { AgentCoverage } from '$lib/shared/inspections/sampling';

/**
 * A random sample of contacts to inspect next, for the agents under their plan this month: answered
 * contacts of the month not inspected yet, drawn by a hash of the contact id and the month (the same draw
 * all month long, a new one next month). Needs the contact logs (table `contacts` with contact_id, agent_id,
 * arrived_at); without them the plan gives counts only (`available: false`).
 */

const NEEDED = ['contact_id', 'agent_id', 'arrived_at'];
/** at most this many contacts are proposed per agent at a time */
const PER_AGENT = 10;

export async function nextContacts(
	conn: DuckDBConnection,
	plan: readonly AgentCoverage[],
	month: string,
	scope: readonly string[] | null
): Promise<NextContacts> {
	const cols = await queryRows<{ name: string }>(
		conn,
		"SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'contacts'"
	);
	const names = new Set(cols.map((c) => c.name));
	if (!NEEDED.every((c) => names.has(c))) return { available: false, byAgent: [] };
	const under = plan.filter((a) => a.missing > 0);
	if (under.length === 0) return { available: true, byAgent: [] };
	const params: DuckDBValue[] = [listValue(under.map((a) => a.staffId)), `${month}-01`, month, PER_AGENT];
	const answered = names.has('answered_at') ? ' AND answered_at IS NOT NULL' : '';
	const inScope = scope === null || !names.has('store') ? '' : ` AND list_contains($5::VARCHAR[], store)`;
	if (inScope) params.push(listValue([...scope!]));
	const rows = await queryRows<{ staff: string; contacts: string[] }>(
		conn,
		`SELECT agent_id AS staff, list(contact_id ORDER BY hash(contact_id || $3), contact_id)[1:$4] AS contacts
		 FROM contacts
		 WHERE list_contains($1::VARCHAR[], agent_id) AND arrived_at >= $2::DATE AND arrived_at < $2::DATE + INTERVAL 1 MONTH${answered}${inScope}
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
