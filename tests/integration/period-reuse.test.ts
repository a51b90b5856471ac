import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { METRICS, type MetricDef } from '../../src/lib/server/metrics/catalog';
import { queryMetric, queryMetrics } from '../../src/lib/server/metrics/query';
import { FILES, generate } from '../../pipelines/generate';
import type { KindId } from '../../src/lib/shared/schema';
import { tempDatabase, tempDir } from '../helpers/db';
import { loaded, sameRows, SCOPE } from '../helpers/golden';

/**
 * A request's whole periods are kept with their rows, and another range over the same periods reads them instead of
 * asking again (server/metrics/query.ts, `periodsKept`). Every catalog metric it serves must answer the same either
 * way: after each sequence of ranges, its last range is asked both from the periods kept and with every period asked
 * (`keepPeriods: false`), by day, week, month and quarter, with and without a cut and a store scope.
 */

let db: Database;
let close: () => void;
let cleanData: () => void;
const AS_OF = '2025-05-09 12:00:00';

beforeAll(async () => {
	const { dir: data, cleanup } = tempDir('sqa-periods-');
	cleanData = cleanup;
	await generate({ outDir: data, scale: 2000, seed: 11, from: '2025-01-01', days: 120, log: () => undefined });
	({ db, close } = await tempDatabase());
	for (const kind of Object.keys(FILES) as KindId[]) await loaded(db, data, kind, FILES[kind as keyof typeof FILES]);
}, 300_000);
afterAll(() => {
	close?.();
	cleanData?.();
});

/** the metrics whose periods are kept (FCR's recent days depend on "now" for the range that reaches them: asked always) */
const SERVED = METRICS.filter((m) => !m.rollup?.settledDays);

/** For each grain: ranges asked first, then the range compared (whole periods of it kept before, a part of it not). */
const SEQUENCES: Record<
	'day' | 'week' | 'month' | 'quarter',
	{ first: { from: string; to: string }[]; then: { from: string; to: string } }[]
> = {
	day: [{ first: [{ from: '2025-01-01', to: '2025-01-31' }], then: { from: '2025-01-15', to: '2025-02-10' } }],
	week: [{ first: [{ from: '2025-01-06', to: '2025-02-02' }], then: { from: '2025-01-20', to: '2025-02-20' } }],
	month: [
		// the months before kept, the last (part of a month) asked
		{ first: [{ from: '2025-01-01', to: '2025-03-31' }], then: { from: '2025-01-01', to: '2025-04-20' } },
		// a first month in part asked, the rest kept
		{ first: [{ from: '2025-02-01', to: '2025-03-31' }], then: { from: '2025-01-10', to: '2025-03-31' } },
		// a month asked in part is not kept as the whole month
		{ first: [{ from: '2025-01-10', to: '2025-02-20' }], then: { from: '2025-01-01', to: '2025-02-28' } },
		// kept months around a month never asked: the months from it to the last missing one asked together
		{
			first: [
				{ from: '2025-01-01', to: '2025-01-31' },
				{ from: '2025-03-01', to: '2025-03-31' }
			],
			then: { from: '2025-01-01', to: '2025-04-30' }
		}
	],
	quarter: [{ first: [{ from: '2025-01-01', to: '2025-03-31' }], then: { from: '2025-01-01', to: '2025-04-30' } }]
};

const inputOf = (m: MetricDef, grain: string, range: { from: string; to: string }, by: string | undefined, scope: string[] | null) => ({
	metric: m.id,
	grain,
	...(by ? { by } : {}),
	filters: {},
	scope,
	...range
});

describe('periods kept across ranges', () => {
	it('every metric answers a range from kept periods as it answers it asked afresh', async () => {
		let compared = 0;
		let withRows = 0;
		for (const [grain, sequences] of Object.entries(SEQUENCES))
			for (const [s, { first, then }] of sequences.entries())
				for (const cut of [false, true])
					for (const scope of [null, SCOPE]) {
						const metrics = SERVED.filter((m) => !cut || m.dimensions.length > 0);
						const by = (m: MetricDef) => (cut ? m.dimensions[s % m.dimensions.length] : undefined);
						// as a page asks: together (bundled where they share a relation), then the range compared
						for (const range of first)
							await queryMetrics(
								db,
								metrics.map((m) => inputOf(m, grain, range, by(m), scope)),
								{ asOf: AS_OF }
							);
						const inputs = metrics.map((m) => inputOf(m, grain, then, by(m), scope));
						const [viaKept, asked] = await Promise.all([
							queryMetrics(db, inputs, { asOf: AS_OF }),
							queryMetrics(db, inputs, { asOf: AS_OF, keepPeriods: false })
						]);
						inputs.forEach((input, i) => {
							const what = JSON.stringify(input);
							sameRows(viaKept[i]!, asked[i]!, what);
							expect(viaKept[i]!.columns, what).toEqual(asked[i]!.columns);
							compared++;
							if (asked[i]!.rows.length) withRows++;
						});
					}
		expect(compared).toBeGreaterThan(1000);
		expect(withRows).toBeGreaterThan(compared / 2);
	}, 300_000);

	it('asks only the periods it does not hold: a trend a month longer asks that month', async () => {
		const input = (from: string, to: string) => ({
			metric: 'complaint_count',
			grain: 'month',
			filters: { store: ['广州天河店'] },
			scope: null,
			from,
			to
		});
		const spy = vi.spyOn(db, 'withConnection');
		try {
			const before = await queryMetric(db, input('2025-01-01', '2025-03-31'), { asOf: AS_OF });
			spy.mockClear();
			const longer = await queryMetric(db, input('2025-01-01', '2025-04-30'), { asOf: AS_OF });
			// one query, over April's days alone
			expect(spy.mock.calls.length).toBe(1);
			expect(longer.rows.slice(0, 3)).toEqual(before.rows);
			expect(longer.rows.map((r) => r.period)).toEqual(['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01']);
			spy.mockClear();
			// every month held: nothing asked
			const shorter = await queryMetric(db, input('2025-02-01', '2025-04-30'), { asOf: AS_OF });
			expect(spy.mock.calls.length).toBe(0);
			expect(shorter.rows).toEqual(longer.rows.slice(1));
			// a month in part is never taken for the whole month: asked
			spy.mockClear();
			const part = await queryMetric(db, input('2025-02-01', '2025-04-15'), { asOf: AS_OF });
			expect(spy.mock.calls.length).toBe(1);
			const [april] = (await queryMetric(db, input('2025-04-01', '2025-04-15'), { asOf: AS_OF, keepPeriods: false })).rows;
			expect(part.rows[2]).toEqual(april);
		} finally {
			spy.mockRestore();
		}
	});

	it("requests over the same range are narrowed together, so a page's metrics over one relation still share one query", async () => {
		const range = { from: '2025-01-01', to: '2025-04-30' };
		const input = (metric: string, to = range.to) => ({
			metric,
			grain: 'month',
			filters: { store: ['北京西单店'] },
			scope: null,
			...range,
			to
		});
		// complaint_count's first three months kept, closure_rate's none
		await queryMetric(db, input('complaint_count', '2025-03-31'), { asOf: AS_OF });
		const spy = vi.spyOn(db, 'withConnection');
		try {
			const [count, closure] = await queryMetrics(db, [input('complaint_count'), input('closure_rate')], { asOf: AS_OF });
			expect(spy.mock.calls.length).toBe(1);
			const [count2, closure2] = await queryMetrics(db, [input('complaint_count'), input('closure_rate')], {
				asOf: AS_OF,
				keepPeriods: false
			});
			sameRows(count!, count2!, 'complaint_count');
			sameRows(closure!, closure2!, 'closure_rate');
		} finally {
			spy.mockRestore();
		}
	});

	it('a period kept as of one "now" is not read as of another', async () => {
		const inputs = ['open_backlog', 'sla_resolution_compliance', 'sla_response_compliance'].map((metric) => ({
			metric,
			grain: 'month',
			filters: {},
			scope: null,
			from: '2025-01-01',
			to: '2025-04-30'
		}));
		const late = await queryMetrics(db, inputs, { asOf: AS_OF });
		const earlier = { asOf: '2025-04-02 09:00:00' };
		const [viaKept, asked] = await Promise.all([
			queryMetrics(db, inputs, earlier),
			queryMetrics(db, inputs, { ...earlier, keepPeriods: false })
		]);
		inputs.forEach((input, i) => sameRows(viaKept[i]!, asked[i]!, JSON.stringify(input)));
		// the two "now"s answer differently, so the check above could fail
		expect(JSON.stringify(asked.map((r) => r.rows))).not.toBe(JSON.stringify(late.map((r) => r.rows)));
	});
});
