import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '$lib/server/core/db';
import { ingest } from '../../pipelines/engine';
import { dashboardData, rangeAnchor } from '$lib/server/features/overview/dashboard';
import { rangeRequest } from '$lib/shared/dashboard/range';
import { lastWarmUp, scheduleWarmUp, warmUpSettled } from '$lib/server/features/overview/warm-up';
import { queryMetric } from '$lib/server/metrics/query';

/**
 * After a load commits, the 总览 views most users open are in the metric result cache before anyone
 * asks: opening one then runs no metric query (counted as the connections it opens, no clock involved).
 */
describe('the dashboards computed ahead after a load', () => {
	let dir: string;
	let db: Database;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'sqa-warm-'));
		db = await Database.open(join(dir, 'q.duckdb'));
		db.onWritesDone(() => scheduleWarmUp(db, 2));
		for (const [kind, file] of [
			['staff', 'staff.csv'],
			['traffic', 'traffic.csv'],
			['complaints', 'complaints_gbk.csv']
		] as const) {
			const s = await ingest(db, { kind, filePath: join('data/samples', file), source: 'cli', createdBy: 'test' });
			expect(s.status).toBe('committed');
		}
		await warmUpSettled(db);
	}, 120_000);
	afterAll(async () => {
		await warmUpSettled(db, true);
		db.close();
		rmSync(dir, { recursive: true, force: true });
	});

	/** Connections a view opens: its metric queries when the cache lacks them, plus a few direct reads. */
	async function connectionsFor(req: Parameters<typeof dashboardData>[1]): Promise<number> {
		const spy = vi.spyOn(db, 'withConnection');
		try {
			await dashboardData(db, req);
			return spy.mock.calls.length;
		} finally {
			spy.mockRestore();
		}
	}

	it('warms the view of every store and of the two largest stores, on the range the page opens with, for the data as loaded', async () => {
		const warm = lastWarmUp(db)!;
		expect(warm.version).toBe(db.dataVersion);
		// the page's default: the last quarter the chain's data fully covers, for a store's manager too (the chain's
		// samples end on 2025-03-31, 南京新街口店's on 03-30: the chain's end is the anchor)
		const range = rangeRequest(new URLSearchParams(), await rangeAnchor(db, 'complaints')).range;
		expect(range).toEqual({ from: '2025-01-01', to: '2025-03-31' });
		expect(warm.views).toEqual([
			{ scope: null, range },
			{ scope: ['南京新街口店'], range },
			{ scope: [expect.any(String)], range }
		]);
	});

	it('a store manager opening 总览 finds it computed: no metric query runs', async () => {
		const view = { range: { from: '2025-01-01', to: '2025-03-31' }, stores: [], scope: ['南京新街口店'] };
		const first = await connectionsFor(view);
		const again = await connectionsFor(view);
		expect(first).toBe(again);
		// a store beyond the limit of two is not warmed: its first opening queries
		const third = { ...view, scope: ['杭州湖滨店', '上海徐家汇店'].filter((s) => !lastWarmUp(db)!.views.some((v) => v.scope?.[0] === s)) };
		expect(third.scope).toHaveLength(1);
		expect(await connectionsFor(third)).toBeGreaterThan(again + 10);
	});

	it('a page asking a query the background work waits to run gets it without waiting for the background turn', async () => {
		// another background read holds the background turn (one at a time) until the test lets it go
		let open = () => {};
		const held = new Promise<void>((r) => (open = r));
		const holding = db.background(() => db.withConnection(() => held));
		// a range nobody asked before: not in the metric cache
		const input = { metric: 'complaint_count', from: '2025-01-07', to: '2025-03-19', grain: 'month', filters: {}, scope: null };
		const background = db.background(() => queryMetric(db, input));
		try {
			for (let i = 0; i < 200 && db.reads.waiting === 0; i++) await new Promise((r) => setTimeout(r, 5));
			expect(db.reads.waiting).toBe(1);
			// the page joins the waiting query: it runs now, though the background turn is still held
			const page = await queryMetric(db, input);
			expect(page.rows.length).toBeGreaterThan(0);
			open();
			await holding;
			expect(await background).toEqual(page);
		} finally {
			open();
			await Promise.allSettled([holding, background]);
		}
		expect(db.reads).toEqual({ running: 0, waiting: 0 });
	});

	it('gives way to write work: asked while a write is pending it computes nothing, and runs again once the write ends', async () => {
		const during = await db.withWriteLock(async () => {
			scheduleWarmUp(db, 2);
			await warmUpSettled(db);
			return lastWarmUp(db);
		});
		expect(during).toEqual({ version: db.dataVersion - 1, views: [] });
		await warmUpSettled(db);
		expect(lastWarmUp(db)!.version).toBe(db.dataVersion);
		expect(lastWarmUp(db)!.views).toHaveLength(3);
	});

	it("a tile's month values are the metric by month over the range itself, read off the trend, the days of a first month the range starts into asked apart", async () => {
		for (const range of [
			{ from: '2025-02-01', to: '2025-03-20' },
			{ from: '2025-01-15', to: '2025-03-20' },
			{ from: '2025-03-05', to: '2025-03-20' }
		]) {
			const { kpis } = await dashboardData(db, { range, stores: [], scope: null });
			for (const kpi of kpis) {
				const asked = await queryMetric(db, { metric: kpi.metric.id, ...range, grain: 'month', filters: {}, scope: null });
				const expected = asked.rows.map((r) => ({ period: r.period, value: r.value }));
				expect(
					kpi.months.filter((m) => m.value !== null),
					`${kpi.metric.id} ${range.from}`
				).toEqual(expected.filter((m) => m.value !== null));
				expect(kpi.months.map((m) => m.period)).toEqual(
					['2025-01-01', '2025-02-01', '2025-03-01'].filter((p) => p >= range.from.slice(0, 8) + '01')
				);
			}
		}
	});
});
