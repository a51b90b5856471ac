import { describe, expect, it } from 'vitest';
import { RANKING_EDGE, visibleRanking } from './ranking';

const rows = Array.from({ length: 30 }, (_, i) => ({
	staffId: `S${String(i).padStart(2, '0')}`,
	staffName: `员工${i}`,
	store: i % 2 ? '南京店' : '杭州店',
	total: 100 - i
}));

describe('the collapsed ranking', () => {
	it('shows the best and the worst ten by total, and how many are between', () => {
		const v = visibleRanking(rows, { query: '', all: false });
		expect(v.top.map((r) => r.total)).toEqual(Array.from({ length: RANKING_EDGE }, (_, i) => 100 - i));
		expect(v.bottom.map((r) => r.total)).toEqual(Array.from({ length: RANKING_EDGE }, (_, i) => 80 - i));
		expect(v.hidden).toBe(10);
	});

	it('lists everyone when asked, or when there are no more than twenty', () => {
		expect(visibleRanking(rows, { query: '', all: true }).top).toHaveLength(30);
		expect(visibleRanking(rows.slice(0, 20), { query: '', all: false })).toMatchObject({ hidden: 0, bottom: [] });
	});

	it('a search finds anyone by name, staff ID or store, wherever they rank', () => {
		expect(visibleRanking(rows, { query: '员工15', all: false }).top.map((r) => r.staffId)).toEqual(['S15']);
		expect(visibleRanking(rows, { query: 's2', all: false }).top).toHaveLength(10);
		expect(visibleRanking(rows, { query: '南京', all: false }).top).toHaveLength(15);
	});
});
