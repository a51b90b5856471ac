/**
 * Public real-world CSV files (../shared/realdata, see its README): loading them takes a mapping,
 * and their quirks (GBK, BOM, CRLF, an empty header cell, exact duplicate rows, quoted code lists,
 * tabs inside quotes, a control character) are what users' files look like. Skipped when absent.
 * The files are only read, never modified.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../src/lib/server/core/db';
import { count, load, rows, tempDatabase } from '../helpers/db';
import { CAR_COMPLAINTS_MAPPING, real, SOMERVILLE_MAPPING, WAIMAI_MAPPING } from '../helpers/realdata';

let db: Database;
let close: () => void;
beforeEach(async () => ({ db, close } = await tempDatabase()));
afterEach(() => close());

describe.skipIf(!existsSync(real('complaints_cn_12365auto_car_gbk.csv')))('12365auto car complaints (GBK, CRLF, duplicated pages)', () => {
	const mapping = CAR_COMPLAINTS_MAPPING;

	it('loads through a mapping; the 630 rows collapse to exactly 300 complaints', async () => {
		const s = await load(db, 'complaints', real('complaints_cn_12365auto_car_gbk.csv'), { mapping });
		expect(s).toMatchObject({
			status: 'committed',
			encoding: 'gbk',
			rows_read: 630,
			rows_loaded: 300,
			rows_rejected: 0,
			rows_collapsed: 330
		});
		expect(await count(db, 'complaints')).toBe(300);
		expect(await rows(db, 'SELECT complaint_id FROM complaints GROUP BY 1 HAVING count(*) > 1')).toEqual([]);
		expect(
			await rows(
				db,
				"SELECT DISTINCT store, channel::VARCHAR AS channel, strftime(min(received_at) OVER (), '%Y-%m-%d') AS first, strftime(max(received_at) OVER (), '%Y-%m-%d') AS last FROM complaints"
			)
		).toEqual([{ store: '车质网', channel: '在线', first: '2020-06-18', last: '2020-06-20' }]);
		// the tab some summaries end with (inside quotes) is trimmed; full-width text is kept as written
		expect(await count(db, 'complaints', "summary LIKE '%\t'")).toBe(0);
		expect(await count(db, 'complaints', 'summary IS NULL')).toBe(0);
		expect(await count(db, 'complaints', "status = '已办结'")).toBeGreaterThan(0);
		// the unnamed pandas index column is reported, not silently dropped
		expect(s.warnings.join(' ')).toContain('#1');
	});

	it('without the value map the site statuses are rejected with a reason', async () => {
		const { values: _values, ...noValues } = mapping;
		const s = await load(db, 'complaints', real('complaints_cn_12365auto_car_gbk.csv'), { mapping: noValues, dryRun: true });
		expect(s.errors.length).toBeGreaterThan(0);
		expect(new Set(s.errors.map((e) => e.code))).toEqual(new Set(['enum_invalid']));
		expect(s.errors[0]!.column).toBe('投诉状态');
	});

	it('its 630 rejected statuses come as one group per value, counted, each offering the statuses to map it onto', async () => {
		const { values: _values, ...noValues } = mapping;
		const s = await load(db, 'complaints', real('complaints_cn_12365auto_car_gbk.csv'), { mapping: noValues, dryRun: true });
		// the row errors are cut at 50; the groups count every rejected row
		expect(s.errors).toHaveLength(50);
		// counted independently: the file decoded by the platform's GB18030 decoder, its statuses counted by DuckDB
		const tmp = mkdtempSync(join(tmpdir(), 'realdata-'));
		const utf8 = join(tmp, 'car.csv');
		writeFileSync(utf8, new TextDecoder('gb18030').decode(readFileSync(real('complaints_cn_12365auto_car_gbk.csv'))));
		const byValue = await rows<{ v: string; n: number }>(
			db,
			`SELECT "投诉状态" AS v, count(*)::INT AS n FROM read_csv($1, all_varchar=true) GROUP BY 1 ORDER BY n DESC, v`,
			[utf8]
		);
		rmSync(tmp, { recursive: true });
		expect(s.error_groups_total).toBe(byValue.length);
		expect(s.error_groups.map((g) => [g.column, g.code, g.value, g.count])).toEqual(
			byValue.map((r) => ['投诉状态', 'enum_invalid', r.v, r.n])
		);
		expect(s.error_groups.reduce((a, g) => a + g.count, 0)).toBe(s.rows_rejected);
		for (const g of s.error_groups) {
			expect(g.valueMap).toEqual({ source: '投诉状态', value: g.value, allowed: ['待处理', '处理中', '已办结'] });
			expect(g.rows.length).toBe(Math.min(5, g.count));
		}
	});
});

describe.skipIf(!existsSync(real('satisfaction_us_somerville_happiness_2015.csv')))(
	'Somerville happiness survey (UTF-8 BOM, cryptic headers)',
	() => {
		const mapping = SOMERVILLE_MAPPING;

		it('loads 143 responses with Y as overall and X1..X6 as extra questions', async () => {
			const s = await load(db, 'surveys', real('satisfaction_us_somerville_happiness_2015.csv'), { mapping });
			expect(s).toMatchObject({ status: 'committed', encoding: 'utf-8-bom', rows_read: 143, rows_loaded: 143, rows_rejected: 0 });
			expect(s.warnings.join(' ')).toContain('X1、X2、X3、X4、X5、X6');
			const byOverall = await rows<{ overall: number; n: number }>(db, 'SELECT overall, count(*) AS n FROM surveys GROUP BY 1 ORDER BY 1');
			expect(byOverall.map((r) => r.overall)).toEqual([2, 5]);
			expect(byOverall.reduce((a, r) => a + r.n, 0)).toBe(143);
			// every response has all six answers, each 1..5
			expect(await count(db, 'surveys', 'cardinality(extra_answers) <> 6')).toBe(0);
			expect(await count(db, 'surveys', 'list_min(map_values(extra_answers)) < 1 OR list_max(map_values(extra_answers)) > 5')).toBe(0);
			expect(
				await rows(db, "SELECT DISTINCT map_keys(extra_answers) AS k, store, strftime(submitted_at, '%Y-%m-%d') AS d FROM surveys")
			).toEqual([{ k: ['X1', 'X2', 'X3', 'X4', 'X5', 'X6'], store: 'Somerville', d: '2015-06-01' }]);
			expect(await count(db, 'surveys', 'response_id LIKE $1', [`${s.sha256!.slice(0, 12)}-%`])).toBe(143);
		});
	}
);

describe.skipIf(!existsSync(real('satisfaction_cn_waimai_10k.csv')))(
	'waimai 10k food-delivery reviews (UTF-8, quoted commas, a control character)',
	() => {
		const mapping = WAIMAI_MAPPING;

		it('loads all 11,987 reviews with generated keys and label → overall', async () => {
			const s = await load(db, 'surveys', real('satisfaction_cn_waimai_10k.csv'), { mapping });
			expect(s).toMatchObject({ status: 'committed', rows_read: 11987, rows_loaded: 11987, rows_rejected: 0 });
			const byOverall = await rows<{ overall: number; n: number }>(db, 'SELECT overall, count(*) AS n FROM surveys GROUP BY 1 ORDER BY 1');
			expect(byOverall).toEqual([
				{ overall: 2, n: 7987 },
				{ overall: 5, n: 4000 }
			]);
			expect(await count(db, 'surveys', "comment LIKE '%,%'")).toBeGreaterThanOrEqual(1965);
			expect(await rows(db, 'SELECT response_id FROM surveys GROUP BY 1 HAVING count(*) > 1')).toEqual([]);
		});
	}
);
