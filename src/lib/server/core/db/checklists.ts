import { DEFAULT_CHECKLIST, type Checklist } from '$lib/shared/inspections/checklist';
import { queryRows, type DuckDBConnection } from './index';

/**
 * Every inspection checklist ever set (table qa_checklists, oldest first); the default checklist when the
 * table is empty or absent. Read by the engine (the row checks of a load) and by the inspection pages.
 */
export async function readChecklists(conn: DuckDBConnection): Promise<Checklist[]> {
	const rows = await queryRows<{ f: string; items: string; pass_line: number; fatal_zero: boolean }>(
		conn,
		`SELECT strftime(effective_from, '%Y-%m-%d') AS f, to_json(items)::VARCHAR AS items, pass_line, fatal_zero
		 FROM qa_checklists ORDER BY effective_from`
	).catch(() => []);
	if (rows.length === 0) return [DEFAULT_CHECKLIST];
	return rows.map((r) => ({
		effectiveFrom: r.f,
		items: (JSON.parse(r.items) as { item: string; max_points: number }[]).map((i) => ({ item: i.item, maxPoints: Number(i.max_points) })),
		passLine: Number(r.pass_line),
		fatalZero: !!r.fatal_zero
	}));
}
