import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { compileMetric } from '../../src/lib/server/metrics/compile';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { saveSla, slaLimits } from '../../src/lib/server/metrics/sla';
import { DEFAULT_SLA } from '../../src/lib/server/metrics/catalog';
import { insertRows } from '../helpers/insert';
import { tempDatabase } from '../helpers/db';

/** SLA limits set by a quality officer change compliance at once; every limit is a bound value. */
let db: Database;
let close: () => void;
const QC = { name: 'qc', ip: null };
const A = '杭州湖滨店';
const at = (day: string, hours: number) =>
	new Date(Date.parse(`${day}T10:00:00Z`) + hours * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
// resolution hours: 40 (价格, 一般), 60 (价格, 重大), 100 (商品质量, 一般), 150 (商品质量, 重大)
const ROWS: [string, string, string, number][] = [
	['s1', '价格', '一般', 40],
	['s2', '价格', '重大', 60],
	['s3', '商品质量', '一般', 100],
	['s4', '商品质量', '重大', 150]
];

beforeAll(async () => {
	({ db, close } = await tempDatabase());
	await insertRows(
		db,
		'complaints',
		ROWS.map(([id, category, severity, h]) => ({
			complaint_id: id,
			received_at: at('2025-01-05', 0),
			store: A,
			category,
			severity,
			status: '已办结',
			resolved_at: at('2025-01-05', h)
		}))
	);
});
afterAll(() => close?.());

const compliance = async () =>
	(
		await queryMetric(
			db,
			{ metric: 'sla_resolution_compliance', from: '2025-01-01', to: '2025-01-31', grain: 'all', filters: {}, scope: null },
			{ asOf: '2025-03-01 00:00:00' }
		)
	).rows[0];

describe('SLA limits', () => {
	it('default: 72 h, 重大 168 h → 40 ✓, 60 ✓ (重大), 100 ✗, 150 ✓ (重大) = 3 / 4', async () => {
		expect(await slaLimits(db)).toEqual(DEFAULT_SLA);
		expect(await compliance()).toMatchObject({ numerator: 3, denominator: 4, value: 75 });
	});

	it('a category limit applies where no severity limit does; the severity limit wins over it', async () => {
		const limits = {
			response: DEFAULT_SLA.response,
			resolution: { default: 72, bySeverity: { 重大: 120 }, byCategory: { 商品质量: 120, 价格: 24 } }
		};
		expect(await saveSla(db, limits, QC)).toEqual({ ok: true, changed: true });
		// s1 价格 24 h: 40 ✗; s2 重大 120 h: 60 ✓; s3 商品质量 120 h: 100 ✓; s4 重大 120 h: 150 ✗ → 2 / 4
		expect(await compliance()).toMatchObject({ numerator: 2, denominator: 4, value: 50 });
		expect(await slaLimits(db)).toEqual(limits);
		expect(await saveSla(db, limits, QC)).toEqual({ ok: true, changed: false });
	});

	it('refuses limits out of range or for unknown categories, and binds every limit as a parameter', async () => {
		expect(
			(await saveSla(db, { response: { default: 0, bySeverity: {}, byCategory: {} }, resolution: DEFAULT_SLA.resolution }, QC)).ok
		).toBe(false);
		expect(
			(
				await saveSla(
					db,
					{
						response: DEFAULT_SLA.response,
						resolution: { default: 72, bySeverity: {}, byCategory: { "x'); DROP TABLE complaints; --": 5 } }
					},
					QC
				)
			).ok
		).toBe(false);
		const c = compileMetric(
			{ metric: 'sla_resolution_compliance', from: '2025-01-01', to: '2025-01-31', grain: 'all', filters: {}, scope: null },
			{ sla: { response: DEFAULT_SLA.response, resolution: { default: 71, bySeverity: { 重大: 169 }, byCategory: { 价格: 23 } } } }
		);
		expect(c.sql).not.toMatch(/\b(71|169|23)\b/u);
		expect(c.sql).not.toContain('价格');
		expect(c.params).toEqual(expect.arrayContaining(['重大', 169, '价格', 23, 71]));
	});
});
