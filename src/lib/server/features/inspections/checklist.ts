import type { DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import { readChecklists } from '$lib/server/core/db/checklists';
import type { Actor } from '$lib/server/core/auth/users';
import { checklistProblem, type Checklist, type ChecklistProblem } from '$lib/shared/inspections/checklist';

/**
 * The inspection checklists (质检评分表) with their history, as the appraisal weights keep theirs: saving a
 * checklist adds (or replaces, same effective day) one row of qa_checklists; older checklists stay, so older
 * inspections keep their items and are scored as before. Quality officers and admins edit them on
 * /inspections; every change is audited as 'settings_changed'.
 */
export { readChecklists };

export type SaveChecklistResult = { ok: true; changed: boolean } | { ok: false; error: ChecklistProblem };

export async function saveChecklist(
	conn: DuckDBConnection,
	input: Checklist,
	actor: Actor,
	now = Date.now()
): Promise<SaveChecklistResult> {
	const checklist: Checklist = { ...input, items: input.items.map((i) => ({ item: i.item.trim(), maxPoints: i.maxPoints })) };
	const problem = checklistProblem(checklist);
	if (problem) return { ok: false, error: problem };
	const before = (await readChecklists(conn)).find((c) => c.effectiveFrom === checklist.effectiveFrom) ?? null;
	if (before && JSON.stringify(before) === JSON.stringify(checklist)) return { ok: true, changed: false };
	const items = JSON.stringify(checklist.items.map((i) => ({ item: i.item, max_points: i.maxPoints })));
	await conn.run(
		`INSERT INTO qa_checklists (effective_from, items, pass_line, fatal_zero, updated_by, updated_at)
		 VALUES ($1::DATE, from_json($2, '[{"item": "VARCHAR", "max_points": "DOUBLE"}]'), $3, $4, $5, epoch_ms($6::BIGINT))
		 ON CONFLICT (effective_from) DO UPDATE SET items = excluded.items, pass_line = excluded.pass_line, fatal_zero = excluded.fatal_zero,
		   updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		[checklist.effectiveFrom, items, checklist.passLine, checklist.fatalZero, actor.name, now] as never
	);
	await audit(
		conn,
		{
			actor: actor.name,
			action: 'settings_changed',
			target: `inspections:checklist:${checklist.effectiveFrom}`,
			ip: actor.ip ?? null,
			detail: { effective_from: checklist.effectiveFrom, from: before, to: checklist }
		},
		now
	);
	return { ok: true, changed: true };
}
