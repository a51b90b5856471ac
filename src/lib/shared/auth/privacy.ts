import { roleCan, type Role } from './roles';

/**
 * The minimum group size: an aggregate of staff scores that a role without individual scores
 * (`scorecards`) may see is shown only for groups of at least this many distinct staff members.
 * A privacy floor, fixed here — not the evaluations' configurable "few data" size, which leadership
 * may lower.
 */
export const MIN_GROUP_SIZE = 5;

/** Whether a role sees individual staff scores (and so needs no suppression). */
export const seesIndividuals = (role: Role): boolean => roleCan(role, 'scorecards');

/**
 * Which groups of one table to suppress, by their staff counts: every group under `min` (primary),
 * then, while the suppressed groups together hold 1 to min − 1 people, the smallest group still shown
 * (secondary) — otherwise the total minus the groups shown would give the small group's figure.
 * Everything is suppressed when the total is under `min`. `total` defaults to the sum of the groups.
 */
export function suppressedGroups(sizes: readonly number[], min = MIN_GROUP_SIZE, total = sizes.reduce((a, b) => a + b, 0)): boolean[] {
	if (total < min) return sizes.map(() => true);
	const out = sizes.map((n) => n < min);
	const hidden = () => sizes.reduce((s, n, i) => s + (out[i] ? n : 0), 0) + Math.max(0, total - sizes.reduce((a, b) => a + b, 0));
	for (;;) {
		const h = hidden();
		if (h === 0 || h >= min) return out;
		let smallest = -1;
		for (let i = 0; i < sizes.length; i++) if (!out[i] && (smallest < 0 || sizes[i]! < sizes[smallest]!)) smallest = i;
		if (smallest < 0) return out;
		out[smallest] = true;
	}
}
