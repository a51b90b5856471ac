import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import { csvText } from '$lib/shared/csv';
import { pick, tableData } from '$lib/shared/table';
import { exportTables } from '$lib/server/features/evaluations/tables';
import RankingTable from './ui/RankingTable.svelte';
import { RANKING_CSV_IDS, RANKING_EXPORT_IDS, rankingColumns, rankingScreenIds, type RankingColumnId } from './columns';
import { DEFAULT_SETTINGS, evaluatePeriod, rankTable, type AppraisalRow, type RankGroup } from './model';
import type { EvaluationView } from './types';

const DIMENSIONS = ['business_ability', 'communication', 'teamwork', 'service_attitude', 'discipline'] as const;
/** one appraisal of March, its file total the plain mean of its scores; S3 has no position */
function appraisal(staffId: string, store: string, scores: [number, number, number, number, number], reviewer: string): AppraisalRow {
	const dims = Object.fromEntries(DIMENSIONS.map((d, i) => [d, scores[i]])) as Record<(typeof DIMENSIONS)[number], number>;
	const position = staffId === 'S3' ? null : '客服专员';
	return {
		staffId,
		staffName: `员工${staffId}`,
		period: '2025-03',
		store,
		department: '客服中心',
		position,
		...dims,
		fileTotal: scores.reduce((a, b) => a + b) / 5,
		reviewer,
		comment: null
	};
}
const rows = [
	appraisal('S1', '南京新街口店', [90, 85, 88, 92, 80], '周建国'),
	appraisal('S2', '南京新街口店', [60, 55, 58, 52, 61], '王芳'),
	appraisal('S3', '杭州湖滨店', [75, 70, 78, 72, 74], '周建国')
];
const ranked = (group: RankGroup) => rankTable(evaluatePeriod(rows, '2025-03', [], DEFAULT_SETTINGS), [], [], group, DEFAULT_SETTINGS);
/** the server's export of a view holding this ranking (the rest empty: only the ranking is looked at) */
const exported = (group: RankGroup) =>
	exportTables({
		individual: true,
		group,
		settings: DEFAULT_SETTINGS,
		ranking: ranked(group),
		warnings: [],
		stars: [],
		distribution: [],
		stores: [],
		fairness: null
	} as unknown as EvaluationView).find((t) => t.id === 'ranking')!;
const texts = (html: string, tag: 'th' | 'td') =>
	[...html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'gu'))].map((x) => (x[1] ?? '').replace(/<[^>]*>/gu, '').trim());

describe('the ranking is declared once for the page and its exports', () => {
	it.each(['all', 'store', 'department'] as const)(
		'the page shows, under the export’s headers, the export’s values (group %s)',
		(group) => {
			const columns = rankingColumns(group);
			const table = exported(group);
			// the server's export writes the declared columns, labels and values
			expect(table.header).toEqual(RANKING_EXPORT_IDS.map((id) => columns[id].label()));
			expect(table.rows).toEqual(ranked(group).map((r) => RANKING_EXPORT_IDS.map((id) => columns[id].value(r))));

			const html = render(RankingTable, { props: { rows: ranked(group), group, period: '2025-03', settings: DEFAULT_SETTINGS } }).body;
			const screen = rankingScreenIds(group);
			// every header on the page is the export's header of the same column (the flags are the page's own)
			expect(texts(html, 'th')).toEqual(screen.map((id) => columns[id].label()));
			for (const id of screen.filter((id) => id !== 'flags'))
				expect(table.header[RANKING_EXPORT_IDS.indexOf(id)]).toBe(columns[id].label());
			// and each plain cell shows the exported value (scores rounded to one decimal)
			const cells = texts(html, 'td');
			const [first] = ranked(group);
			const [exportedFirst] = table.rows;
			if (!first || !exportedFirst) throw new Error('the fixture ranks three people');
			const cell = (id: RankingColumnId) => cells[screen.indexOf(id)];
			expect(cell('rank')).toBe(String(exportedFirst[RANKING_EXPORT_IDS.indexOf('rank')]));
			expect(cell('total')).toBe((exportedFirst[RANKING_EXPORT_IDS.indexOf('total')] as number).toFixed(1));
			expect(cell('position')).toBe(first.position ?? '–');
			if (group === 'all') expect(screen).not.toContain('group');
			if (group === 'store') expect(screen).not.toContain('store');
		}
	);

	it('the page’s CSV has the export’s columns but the months and reviewers, and the flags in their place', () => {
		const columns = rankingColumns('store');
		const csv = tableData(pick(columns, RANKING_CSV_IDS), ranked('store'));
		expect(csv.header.slice(0, -1)).toEqual(exported('store').header.slice(0, -2));
		expect(csv.header.at(-1)).toBe(columns.flags.label());
		expect(csvText(csv.header, csv.rows).split('\r\n')).toHaveLength(ranked('store').length + 2);
	});
});
