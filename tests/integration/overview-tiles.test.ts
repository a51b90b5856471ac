import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '$lib/server/core/db';
import { ingest } from '../../pipelines/engine';
import { kpiViews, KPI_METRICS } from '$lib/server/features/overview/dashboard';
import { previousRange } from '$lib/shared/dashboard/range';
import { queryMetric } from '$lib/server/metrics/query';

/**
 * 总览's tiles over a whole month (or quarter) read their value and the month (quarter) before off the trend's rows.
 * Each must still be the metric asked over the range itself, and over the range before, as any other range's tile is.
 */
describe("总览's tiles read off the trend", () => {
	let dir: string;
	let db: Database;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'sqa-tiles-'));
		db = await Database.open(join(dir, 'q.duckdb'));
		for (const [kind, file] of [
			['staff', 'staff.csv'],
			['traffic', 'traffic.csv'],
			['complaints', 'complaints_gbk.csv'],
			['surveys', 'surveys.csv']
		] as const) {
			const s = await ingest(db, { kind, filePath: join('data/samples', file), source: 'cli', createdBy: 'test' });
			expect(s.status).toBe('committed');
		}
	}, 120_000);
	afterAll(() => {
		db.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const ranges = [
		// a whole month, and a whole quarter: read off the trend
		{ from: '2025-02-01', to: '2025-02-28' },
		{ from: '2025-01-01', to: '2025-03-31' },
		// a month whose month before has no complaints in the samples
		{ from: '2024-10-01', to: '2024-10-31' },
		// some days, and two months: asked apart, as before
		{ from: '2025-02-10', to: '2025-03-09' },
		{ from: '2025-02-01', to: '2025-03-31' }
	];

	it('each tile is the metric over its range, and its comparison the metric over the range before (every store, and one store)', async () => {
		let compared = 0;
		for (const stores of [[], ['南京新街口店']])
			for (const range of ranges) {
				const kpis = await kpiViews(db, { range, stores, scope: null }, KPI_METRICS);
				const filters = stores.length ? { store: stores } : {};
				for (const kpi of kpis) {
					const at = `${kpi.metric.id} ${range.from}..${range.to} ${stores.join()}`;
					const [now] = (await queryMetric(db, { metric: kpi.metric.id, ...range, grain: 'all', filters, scope: null })).rows;
					expect(kpi.value, at).toBe(typeof now?.value === 'number' ? now.value : null);
					for (const k of ['numerator', 'denominator', 'n'] as const)
						expect(kpi[k], `${at} ${k}`).toBe(typeof now?.[k] === 'number' ? now[k] : null);
					expect(kpi.lowSample, at).toBe(now?.low_sample === true);
					const [before] = (await queryMetric(db, { metric: kpi.metric.id, ...previousRange(range), grain: 'all', filters, scope: null }))
						.rows;
					// shown only when both windows are covered (shared/dashboard/coverage.ts): then it is the range before's
					if (kpi.previous !== null) {
						expect(kpi.previous, `${at} previous`).toBe(before?.value);
						compared++;
					} else if (!kpi.previousIncomplete && kpi.incomplete === null) expect(before?.value ?? null, `${at} previous`).toBeNull();
				}
			}
		// the comparison was there to check in most tiles (the samples cover their windows)
		expect(compared).toBeGreaterThan(20);
	});

	it('a whole month runs no query of its own for the month and the month before: only the trend', async () => {
		const spy = vi.spyOn(db, 'withConnection');
		try {
			// ranges no test asked before, with trends of their own: nothing cached
			await kpiViews(db, { range: { from: '2025-01-01', to: '2025-01-31' }, stores: ['南京新街口店'], scope: null }, ['complaint_count']);
			const whole = spy.mock.calls.length;
			spy.mockClear();
			await kpiViews(db, { range: { from: '2024-12-02', to: '2024-12-31' }, stores: ['南京新街口店'], scope: null }, ['complaint_count']);
			// some days ask their value and the days before apart
			expect(spy.mock.calls.length).toBe(whole + 2);
		} finally {
			spy.mockRestore();
		}
	});
});
