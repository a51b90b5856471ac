/**
 * The inspection checklist (质检评分表), pure: its items with their maximum points, the pass line and the
 * fatal-error rule, kept with history like the appraisal weights — every checklist ever set stays on
 * record (table qa_checklists) and an inspection is scored with the newest one effective on its date, so
 * the items of an older checklist stay readable. Safe for browser code.
 */

export interface ChecklistItem {
	/** the item's name, which is also the column header of an inspection file (服务用语, 业务准确, …) */
	item: string;
	maxPoints: number;
}

export interface Checklist {
	/** 'YYYY-MM-DD': applies to inspections on this day or later, until a newer checklist */
	effectiveFrom: string;
	items: ChecklistItem[];
	/** an inspection passes with a score at or above this (and no fatal error) */
	passLine: number;
	/** the fatal rule: true = a fatal error scores 0 and fails; false = it fails and keeps its points */
	fatalZero: boolean;
}

/** The handbooks' standard checklist: 服务用语 15, 业务准确 25, 流程完整 20, 服务态度 15, 问题解决 15, 信息安全 10 (= 100), pass 80. */
export const DEFAULT_CHECKLIST: Checklist = {
	effectiveFrom: '1970-01-01',
	items: [
		{ item: '服务用语', maxPoints: 15 },
		{ item: '业务准确', maxPoints: 25 },
		{ item: '流程完整', maxPoints: 20 },
		{ item: '服务态度', maxPoints: 15 },
		{ item: '问题解决', maxPoints: 15 },
		{ item: '信息安全', maxPoints: 10 }
	],
	passLine: 80,
	fatalZero: true
};

export const maxTotal = (c: Pick<Checklist, 'items'>): number => c.items.reduce((a, i) => a + i.maxPoints, 0);

/** The checklist in force on a day ('YYYY-MM-DD'): the newest effective on or before it; the oldest when none is. */
export function checklistOn(checklists: readonly Checklist[], day: string): Checklist {
	const sorted = [...checklists].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
	let found = sorted[0] ?? DEFAULT_CHECKLIST;
	for (const c of sorted) if (c.effectiveFrom <= day) found = c;
	return found;
}

export interface Scored {
	/** the points the checklist's items earned (items absent count 0) */
	itemsScore: number;
	/** the score after the fatal rule */
	score: number;
	passed: boolean;
}

/** One inspection's score under a checklist: the sum of its items' points; the fatal rule; the pass line. */
export function scoreInspection(points: Readonly<Record<string, number | null | undefined>>, fatal: boolean, c: Checklist): Scored {
	const itemsScore = c.items.reduce((a, i) => a + (points[i.item] ?? 0), 0);
	const score = fatal && c.fatalZero ? 0 : itemsScore;
	return { itemsScore, score, passed: !fatal && score >= c.passLine };
}

export type ChecklistProblem = 'effective_from' | 'no_items' | 'item_name' | 'item_duplicate' | 'max_points' | 'pass_line';

/** What is wrong with a checklist an officer submits, or null. */
export function checklistProblem(c: Checklist): ChecklistProblem | null {
	if (!/^\d{4}-\d{2}-\d{2}$/u.test(c.effectiveFrom) || Number.isNaN(Date.parse(`${c.effectiveFrom}T00:00:00Z`))) return 'effective_from';
	if (c.items.length === 0 || c.items.length > 30) return 'no_items';
	const names = new Set<string>();
	for (const i of c.items) {
		const name = i.item.trim();
		if (!name || name.length > 30) return 'item_name';
		if (names.has(name)) return 'item_duplicate';
		names.add(name);
		if (!Number.isFinite(i.maxPoints) || i.maxPoints <= 0 || i.maxPoints > 1000) return 'max_points';
	}
	if (!Number.isFinite(c.passLine) || c.passLine < 0 || c.passLine > maxTotal(c)) return 'pass_line';
	return null;
}
