import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DuckDBConnection } from '@duckdb/node-api';
import { evalSql, macroConnection } from '../helpers/macros';

/**
 * Properties of the SQL normalisers (pipelines/sql/macros.ts) over generated values: every way a
 * spreadsheet writes a valid value reads to the same value, and whatever else comes in reads to NULL
 * or to a value that passes the rules — never to a wrong value. Seeds are fixed; fast-check prints the
 * seed and the shrunk counterexample on a failure.
 */
let conn: DuckDBConnection;
let close: () => void;
beforeAll(async () => ({ conn, close } = await macroConnection()));
afterAll(() => close());

const RUNS = { numRuns: 150, seed: 20251126 };
const text = fc.string({ unit: fc.constantFrom(...'0123456789+-. /:年月日eE,()８０NaNinf五\u00a0\u200b'.split('')), maxLength: 20 });

describe('phone', () => {
	const mobile = fc.tuple(fc.constantFrom('3', '5', '7', '8', '9'), fc.stringMatching(/^\d{9}$/u)).map(([b, rest]) => `1${b}${rest}`);
	it('a mobile number in any usual form reads to its 11 digits', async () => {
		await fc.assert(
			fc.asyncProperty(mobile, fc.constantFrom('plain', '+86 ', '+86-', '0086', 'dashes', 'spaces'), async (m, form) => {
				const written =
					form === 'dashes'
						? `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`
						: form === 'spaces'
							? `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`
							: form === 'plain'
								? m
								: `${form}${m}`;
				expect(await evalSql(conn, 'sq_phone($1)', written)).toBe(m);
			}),
			RUNS
		);
	});
	it('anything else is NULL or 7-12 digits', async () => {
		await fc.assert(
			fc.asyncProperty(text, async (s) => {
				const v = await evalSql(conn, 'sq_phone($1)', s);
				if (v !== null) expect(v).toMatch(/^\d{7,12}$/u);
			}),
			RUNS
		);
	});
});

describe('dates', () => {
	const day = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });
	it('a date written as Y-M-D, Y/M/D, Y年M月D日 or Y.M.D reads to that date', async () => {
		await fc.assert(
			fc.asyncProperty(day, fc.constantFrom('-', '/', '年', '.'), async (d, sep) => {
				const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
				const written = sep === '年' ? `${y}年${m}月${dd}日` : `${y}${sep}${m}${sep}${dd}`;
				const iso = `${y}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
				expect(await evalSql(conn, "strftime(sq_ts($1, NULL), '%Y-%m-%d')", written)).toBe(iso);
			}),
			RUNS
		);
	});
	it('an impossible day or month never reads to a date', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 2000, max: 2099 }),
				fc.integer({ min: 1, max: 12 }),
				fc.integer({ min: 29, max: 40 }),
				async (y, m, d) => {
					const exists = d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
					const v = await evalSql(conn, "strftime(sq_ts($1, NULL), '%Y-%m-%d')", `${y}-${m}-${d}`);
					expect(v === null).toBe(!exists);
					expect(await evalSql(conn, 'sq_ts($1, NULL)', `${y}/${m + 12}/1`)).toBeNull();
				}
			),
			RUNS
		);
	});
	it('random text reads to NULL or a real timestamp', async () => {
		await fc.assert(
			fc.asyncProperty(text, async (s) => {
				const v = await evalSql(conn, "strftime(sq_ts($1, NULL), '%Y-%m-%d %H:%M:%S')", s);
				if (v !== null) expect(v).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/u);
			}),
			RUNS
		);
	});
});

describe('numbers', () => {
	it('an integer with or without thousands separators reads to itself', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: -1e9, max: 1e9 }), fc.boolean(), async (n, grouped) => {
				const written = grouped ? n.toLocaleString('en-US') : String(n);
				expect(await evalSql(conn, 'sq_int($1)', written)).toBe(n);
			}),
			RUNS
		);
	});
	it('NaN, inf, words and random text are NULL or a finite whole number', async () => {
		for (const s of ['NaN', 'inf', '-inf', 'Infinity', '五', '1e3', '']) expect(await evalSql(conn, 'sq_int($1)', s)).toBeNull();
		await fc.assert(
			fc.asyncProperty(text, async (s) => {
				const i = await evalSql(conn, 'sq_int($1)', s);
				if (i !== null) expect(Number.isInteger(i)).toBe(true);
				const d = await evalSql(conn, 'sq_dec($1)', s);
				if (d !== null) expect(Number.isFinite(d)).toBe(true);
			}),
			RUNS
		);
	});
});
