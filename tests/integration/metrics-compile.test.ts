import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { METRICS, catalogProblems, publicCatalog } from '../../src/lib/server/metrics/catalog';
import { compileMetric, MetricRequestError } from '../../src/lib/server/metrics/compile';
import { csvCell, runMetric, toCsv } from '../../src/lib/server/metrics/query';
import { insertRows } from '../helpers/insert';
import { tempDatabase } from '../helpers/db';

const base = { from: '2025-01-01', to: '2025-01-31', grain: 'month', filters: {}, scope: null };
const HOSTILE = ["x' OR '1'='1", "'); DROP TABLE complaints; --", '"; SELECT 1; --', '$1', "杭州湖滨店' --"];

const codeOf = (f: () => unknown): string | null => {
	try {
		f();
		return null;
	} catch (e) {
		return e instanceof MetricRequestError ? e.code : `not a MetricRequestError: ${String(e)}`;
	}
};

describe('metric catalog', () => {
	it('is well formed: unique snake_case ids, dimensions the source has, a passport each', () => {
		expect(catalogProblems()).toEqual([]);
		for (const m of publicCatalog()) {
			expect(m.passport.formula.zh.length, m.id).toBeGreaterThan(0);
			expect(m.passport.formula.en.length, m.id).toBeGreaterThan(0);
			expect(JSON.stringify(m), 'no SQL in the public catalog').not.toMatch(/count\(|FILTER|epoch_us/u);
		}
	});
});

describe('compileMetric', () => {
	it('binds every user value: none of them appears in the SQL text', () => {
		for (const m of METRICS) {
			const filters = Object.fromEntries(['store', 'department', 'channel', 'category'].map((f) => [f, HOSTILE]));
			let compiled;
			try {
				compiled = compileMetric({ ...base, metric: m.id, filters, scope: ['南京新街口店', "y' OR 1=1 --"] });
			} catch (e) {
				// sources without some filter columns refuse them; try with the store filter only
				expect((e as MetricRequestError).code).toBe('filter_not_allowed');
				compiled = compileMetric({ ...base, metric: m.id, filters: { store: HOSTILE }, scope: ['南京新街口店', "y' OR 1=1 --"] });
			}
			for (const v of [...HOSTILE.filter((h) => h !== '$1'), "y' OR 1=1 --", '2025-01-01', '2025-01-31'])
				expect(compiled.sql, `${m.id}: ${v}`).not.toContain(v);
			expect(compiled.sql).not.toContain('南京新街口店');
			expect(compiled.params.length).toBeGreaterThanOrEqual(4);
		}
	});

	it('rejects unknown metrics, dimensions not allowed, filters the source lacks, bad dates and unknown fields', () => {
		expect(codeOf(() => compileMetric({ ...base, metric: 'no_such_metric' }))).toBe('unknown_metric');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_rate', by: 'category' }))).toBe('dimension_not_allowed');
		expect(codeOf(() => compileMetric({ ...base, metric: 'csat', by: 'department' }))).toBe('dimension_not_allowed');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', by: 'method' }))).toBe('dimension_not_allowed');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', by: 'store; DROP TABLE complaints' }))).toBe('invalid_request');
		expect(codeOf(() => compileMetric({ ...base, metric: 'csat', filters: { category: ['价格'] } }))).toBe('filter_not_allowed');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', from: '2025-02-30' }))).toBe('invalid_request');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', from: '2025/01/01' }))).toBe('invalid_request');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', from: '2025-02-01', to: '2025-01-01' }))).toBe(
			'range_reversed'
		);
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', grain: 'hour' }))).toBe('invalid_request');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', filters: { severity: ['重大'] } }))).toBe('invalid_request');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', sql: 'SELECT 1' }))).toBe('invalid_request');
		expect(codeOf(() => compileMetric({ ...base, metric: 'complaint_count', by: 'category' }))).toBeNull();
	});

	it('is pure: the same request compiles to the same SQL and parameters', () => {
		const req = { ...base, metric: 'sla_resolution_compliance', by: 'severity', filters: { store: ['a'] }, scope: ['a', 'b'] };
		const a = compileMetric(req, { asOf: '2025-03-01 00:00:00' });
		const b = compileMetric(req, { asOf: '2025-03-01 00:00:00' });
		expect(a.sql).toBe(b.sql);
		expect(JSON.stringify(a.params.map(String))).toBe(JSON.stringify(b.params.map(String)));
	});
});

describe('compiled queries on a real database', () => {
	let db: Database;
	let close: () => void;
	beforeAll(async () => {
		({ db, close } = await tempDatabase());
		await insertRows(db, 'complaints', [
			{
				complaint_id: 'k1',
				received_at: '2025-01-05 10:00:00',
				store: '杭州湖滨店',
				severity: '一般',
				status: '已办结',
				channel: '电话',
				category: '价格'
			},
			{
				complaint_id: 'k2',
				received_at: '2025-01-06 10:00:00',
				store: "x' OR '1'='1",
				severity: '一般',
				status: '已办结',
				channel: '电话',
				category: '价格'
			}
		]);
	});
	afterAll(() => close?.());

	const run = (req: Record<string, unknown>) =>
		db.withConnection((conn) => runMetric(conn, compileMetric({ ...base, ...req }))).then((r) => r.rows);

	it('a filter value with quotes and SQL fragments is just a value: no error, no rows beyond exact matches', async () => {
		expect(await run({ metric: 'complaint_count' })).toEqual([{ period: '2025-01-01', value: 2 }]);
		for (const v of HOSTILE.filter((h) => h !== "x' OR '1'='1")) {
			expect(await run({ metric: 'complaint_count', filters: { store: [v], channel: [v], category: [v], department: [v] } })).toEqual([]);
			expect(await run({ metric: 'csat', filters: { store: [v] } })).toEqual([]);
			expect(await run({ metric: 'complaint_rate', filters: { store: [v] } })).toEqual([]);
		}
		// the hostile string as an exact store name matches that store only
		expect(await run({ metric: 'complaint_count', filters: { store: ["x' OR '1'='1"] } })).toEqual([{ period: '2025-01-01', value: 1 }]);
		// an unknown value of an ENUM column (channel) matches nothing rather than failing a cast
		expect(await run({ metric: 'complaint_count', filters: { channel: ['飞鸽'] } })).toEqual([]);
		expect(
			await db.withConnection((c) => c.runAndReadAll('SELECT count(*) AS n FROM complaints')).then((r) => Number(r.getRowObjectsJS()[0]!.n))
		).toBe(2);
	});

	it('every metric runs on every grain and allowed dimension', async () => {
		for (const m of METRICS) {
			for (const grain of ['day', 'week', 'month', 'quarter', 'year', 'all']) {
				for (const by of [undefined, ...m.dimensions]) await expect(run({ metric: m.id, grain, by })).resolves.toBeInstanceOf(Array);
			}
		}
	});
});

describe('CSV', () => {
	it('neutralises formulas in text cells, keeps numbers as numbers, quotes separators', () => {
		expect(['=SUM(A1)', '+1', '-x', '@cmd', '\tx', '\rx'].map(csvCell)).toEqual(["'=SUM(A1)", "'+1", "'-x", "'@cmd", `"'\tx"`, `"'\rx"`]);
		expect(csvCell(-5)).toBe('-5');
		expect(csvCell(0.5)).toBe('0.5');
		expect(csvCell(null)).toBe('');
		expect(csvCell('a,"b"')).toBe('"a,""b"""');
		expect(
			toCsv({
				columns: [
					{ name: 'group', type: 'string' },
					{ name: 'value', type: 'number' }
				],
				rows: [{ group: '=1+1', value: -2 }]
			})
		).toBe("\uFEFFgroup,value\r\n'=1+1,-2\r\n");
	});
});
