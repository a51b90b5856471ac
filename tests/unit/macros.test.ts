import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DIRTY_PATTERN, TEXT_DIRTY_PATTERN } from '../../pipelines/sql/macros';
import { evalSql, macroConnection } from '../helpers/macros';

let conn: DuckDBConnection;
let close: () => void;
beforeAll(async () => {
	({ conn, close } = await macroConnection());
});
afterAll(() => close());

/** sq_ts; with the order not known, also sq_ts_no_dmy (what the engine types such a column with), which must agree. */
const ts = async (x: string | null, dmy: 'NULL' | 'true' | 'false' = 'NULL') => {
	const value = await evalSql(conn, `CAST(sq_ts(sq_trim($1), ${dmy}) AS VARCHAR)`, x);
	if (dmy === 'NULL') expect(await evalSql(conn, 'CAST(sq_ts_no_dmy(sq_trim($1)) AS VARCHAR)', x), `sq_ts_no_dmy(${x})`).toBe(value);
	return value;
};
const date = (x: string | null, dmy: 'NULL' | 'true' | 'false' = 'NULL') =>
	evalSql(conn, `CAST(sq_date(sq_trim($1), ${dmy}) AS VARCHAR)`, x);

describe('sq_ts / sq_date: dates as Chinese spreadsheets write them', () => {
	it.each([
		['2025/3/5', '2025-03-05 00:00:00'],
		['2025-03-05', '2025-03-05 00:00:00'],
		['2025-3-5', '2025-03-05 00:00:00'],
		['2025-03-05 14:30', '2025-03-05 14:30:00'],
		['2025-03-05 14:30:59', '2025-03-05 14:30:59'],
		['2025-03-05T14:30:00', '2025-03-05 14:30:00'],
		['2025年3月5日', '2025-03-05 00:00:00'],
		['2025年3月5日 14:30', '2025-03-05 14:30:00'],
		['2025.3.5', '2025-03-05 00:00:00'],
		['2025/1/3 9:05', '2025-01-03 09:05:00'],
		['  2025/3/5  ', '2025-03-05 00:00:00']
	])('%s → %s', async (input, expected) => {
		expect(await ts(input)).toBe(expected);
	});

	it('reads Excel serial day numbers (1899-12-30 epoch), fractions as time of day', async () => {
		expect(await ts('45717')).toBe('2025-03-01 00:00:00');
		expect(await ts('45717.5')).toBe('2025-03-01 12:00:00');
		expect(await ts('45717.75')).toBe('2025-03-01 18:00:00');
		expect(await date('45717.5')).toBe('2025-03-01');
	});

	it.each(['2025-02-30', '2025/13/1', '2025-04-31', '2025年2月29日', '2025-03-05 25:00'])(
		'impossible date %s → NULL, recognised as date-shaped',
		async (x) => {
			expect(await ts(x)).toBeNull();
			expect(await evalSql(conn, 'sq_date_shaped(sq_trim($1))', x)).toBe(true);
		}
	);

	it.each(['abc', '五月三日', '2025', '20250305', 'N/A', '1'])('unreadable %s → NULL', async (x) => {
		expect(await ts(x)).toBeNull();
		expect(await evalSql(conn, 'sq_date_shaped(sq_trim($1))', x)).toBe(false);
	});

	it('empty and NULL give NULL', async () => {
		expect(await ts('')).toBeNull();
		expect(await ts('   ')).toBeNull();
		expect(await ts(null)).toBeNull();
	});

	it('leap day exists in 2024, not in 2025', async () => {
		expect(await date('2024-02-29')).toBe('2024-02-29');
		expect(await date('2025-02-29')).toBeNull();
	});

	describe('slashed D/M/Y vs M/D/Y', () => {
		it('is NULL (ambiguous) when the order is not known', async () => {
			expect(await ts('3/4/2025')).toBeNull();
			expect(await ts('13/4/2025')).toBeNull();
		});
		it('reads day first when told dmy', async () => {
			expect(await date('3/4/2025', 'true')).toBe('2025-04-03');
			expect(await date('13/4/2025', 'true')).toBe('2025-04-13');
			expect(await ts('3/4/2025 9:05', 'true')).toBe('2025-04-03 09:05:00');
			expect(await date('4/13/2025', 'true')).toBeNull();
		});
		it('reads month first when told mdy', async () => {
			expect(await date('3/4/2025', 'false')).toBe('2025-03-04');
			expect(await date('4/13/2025', 'false')).toBe('2025-04-13');
			expect(await date('13/4/2025', 'false')).toBeNull();
		});
		it('does not affect year-first dates', async () => {
			expect(await date('2025/3/4', 'true')).toBe('2025-03-04');
			expect(await date('2025/3/4', 'false')).toBe('2025-03-04');
		});
	});
});

describe('sq_period: appraisal periods and survey waves', () => {
	it.each([
		['2025-03', '2025-03', '2025-03-01'],
		['2025-3', '2025-03', '2025-03-01'],
		['2025/03', '2025-03', '2025-03-01'],
		['2025.3', '2025-03', '2025-03-01'],
		['202503', '2025-03', '2025-03-01'],
		['2025年3月', '2025-03', '2025-03-01'],
		['2025年03月', '2025-03', '2025-03-01'],
		['2025Q1', '2025-Q1', '2025-01-01'],
		['2025q3', '2025-Q3', '2025-07-01'],
		['2025-Q1', '2025-Q1', '2025-01-01'],
		['2025 Q4', '2025-Q4', '2025-10-01'],
		['2025年第一季度', '2025-Q1', '2025-01-01'],
		['2025年第二季度', '2025-Q2', '2025-04-01'],
		['2025年第1季度', '2025-Q1', '2025-01-01'],
		['2025年第4季度', '2025-Q4', '2025-10-01'],
		['2025年三季度', '2025-Q3', '2025-07-01'],
		['2025', '2025', '2025-01-01'],
		['2025年', '2025', '2025-01-01']
	])('%s → %s (starts %s)', async (input, canonical, start) => {
		expect(await evalSql(conn, 'sq_period(sq_trim($1))', input)).toBe(canonical);
		expect(await evalSql(conn, 'CAST(sq_period_start(sq_period(sq_trim($1))) AS VARCHAR)', input)).toBe(start);
	});

	it.each(['2025-13', '2025-00', '2025Q5', '2025Q0', '2025年第五季度', '25-03', 'abc', '2025-3-5', 'Q1', '20251'])(
		'bad period %s → NULL',
		async (x) => {
			expect(await evalSql(conn, 'sq_period(sq_trim($1))', x)).toBeNull();
		}
	);
});

describe('sq_bool', () => {
	it.each([
		['是', true],
		['否', false],
		['Y', true],
		['N', false],
		['y', true],
		['n', false],
		['true', true],
		['false', false],
		['TRUE', true],
		['Yes', true],
		['no', false],
		['1', true],
		['0', false],
		['T', true],
		['f', false],
		['对', true],
		['错', false],
		['√', true],
		['×', false],
		['有', true],
		['无', false],
		['YES', true],
		['No', false]
	])('%s → %s', async (x, expected) => {
		expect(await evalSql(conn, 'sq_bool(sq_trim($1))', x)).toBe(expected);
	});
	it.each(['maybe', '2', '是的吧', ''])('%s → NULL', async (x) => {
		expect(await evalSql(conn, 'sq_bool(sq_trim($1))', x)).toBeNull();
	});
});

describe('sq_satisfaction: words on the five-point scale, or digits', () => {
	it.each([
		['非常满意', 5],
		['满意', 4],
		['基本满意', 3],
		['一般', 3],
		['不满意', 2],
		['非常不满意', 1],
		['5', 5],
		['1', 1],
		['4.0', 4],
		['0', 0],
		['6', 6]
	])('%s → %s', async (x, expected) => {
		expect(await evalSql(conn, 'sq_satisfaction(sq_trim($1))', x)).toBe(expected);
	});
	it.each(['很好', 'abc', '4.5'])('%s → NULL', async (x) => {
		expect(await evalSql(conn, 'sq_satisfaction(sq_trim($1))', x)).toBeNull();
	});
});

describe('sq_int / sq_dec / sq_money', () => {
	it.each([
		['12', 12],
		['-3', -3],
		['+4', 4],
		['1,234', 1234],
		['1,234,567', 1234567],
		['12.0', 12],
		['12.00', 12],
		['0012', 12]
	])('integer %s → %s', async (x, expected) => {
		expect(await evalSql(conn, 'sq_int(sq_trim($1))', x)).toBe(expected);
	});
	it.each(['NaN', 'nan', 'inf', '-inf', 'Infinity', '五', 'abc', '12.5', '1,23', '1e3', '12 3'])('integer %s → NULL', async (x) => {
		expect(await evalSql(conn, 'sq_int(sq_trim($1))', x)).toBeNull();
	});
	it.each([
		['88.5', 88.5],
		['90', 90],
		['.5', 0.5],
		['-1.25', -1.25],
		['71.6', 71.6]
	])('decimal %s → %s', async (x, expected) => {
		expect(await evalSql(conn, 'sq_dec(sq_trim($1))', x)).toBe(expected);
	});
	it.each(['NaN', 'inf', 'abc', '五', '1e3'])('decimal %s → NULL', async (x) => {
		expect(await evalSql(conn, 'sq_dec(sq_trim($1))', x)).toBeNull();
	});
	it.each([
		['¥1,200.50', 1200.5],
		['￥88.5', 88.5],
		['200元', 200],
		['50', 50],
		['200.00', 200],
		['RMB 50', 50],
		['¥ 1,200', 1200]
	])('money %s → %s', async (x, expected) => {
		expect(await evalSql(conn, 'sq_money(sq_trim($1))', x)).toBe(expected);
	});
	it.each(['abc', 'NaN', '五十元'])('money %s → NULL', async (x) => {
		expect(await evalSql(conn, 'sq_money(sq_trim($1))', x)).toBeNull();
	});
});

describe('sq_phone: digits only, country code dropped, Excel scientific notation only when exact', () => {
	it.each([
		['13812345678', '13812345678'],
		['138-1234-5678', '13812345678'],
		['138 1234 5678', '13812345678'],
		['+86 138 1234 5678', '13812345678'],
		['+8613812345678', '13812345678'],
		['008613812345678', '13812345678'],
		['0086 138 1234 5678', '13812345678'],
		['(021) 6123-4567', '02161234567'],
		['021-61234567', '02161234567'],
		['400-820-8820', '4008208820'],
		['1.3812345678E+10', '13812345678'],
		['1.3812345678e10', '13812345678'],
		['12345678901', '12345678901'],
		['8613812345678', '13812345678'],
		['19912345678', '19912345678']
	])('%s → %s', async (x, expected) => {
		expect(await evalSql(conn, 'sq_phone(sq_trim($1))', x)).toBe(expected);
	});
	it.each(['1.38E+10', '1.381234567E+10', 'abc', '123', '138 1234 5678 转 123', '1381234567890123', '1381234567８', '13812345678x'])(
		'%s → NULL',
		async (x) => {
			expect(await evalSql(conn, 'sq_phone(sq_trim($1))', x)).toBeNull();
		}
	);
});

describe('cleaning', () => {
	it('sq_trim trims spaces, tabs and line breaks, and turns empty into NULL', async () => {
		expect(await evalSql(conn, 'sq_trim($1)', ' \tabc\r\n')).toBe('abc');
		expect(await evalSql(conn, 'sq_trim($1)', ' \t ')).toBeNull();
	});
	it('sq_clean_fold folds full-width digits, letters and punctuation to ASCII', async () => {
		expect(await evalSql(conn, 'sq_clean_fold($1)', '１２３')).toBe('123');
		expect(await evalSql(conn, 'sq_clean_fold($1)', 'ＡＢＣｘｙｚ')).toBe('ABCxyz');
		expect(await evalSql(conn, 'sq_clean_fold($1)', '（进口），；：')).toBe('(进口),;:');
		expect(await evalSql(conn, 'sq_clean_fold($1)', '２０２５／３／５')).toBe('2025/3/5');
		expect(await evalSql(conn, 'sq_int(sq_clean_fold($1))', '１，２３４')).toBe(1234);
	});
	it('removes zero-width characters and BOM, turns NBSP and ideographic space into spaces', async () => {
		expect(await evalSql(conn, 'sq_clean_fold($1)', 'S0\u200B01')).toBe('S001');
		expect(await evalSql(conn, 'sq_clean_fold($1)', '\uFEFFabc\u2060')).toBe('abc');
		expect(await evalSql(conn, 'sq_clean_fold($1)', '\u00A0x\u00A0')).toBe('x');
		expect(await evalSql(conn, 'sq_clean_fold($1)', 'x\u3000y')).toBe('x y');
		expect(await evalSql(conn, 'sq_clean_text($1)', 'a\u200Cb\u00A0')).toBe('ab');
	});
	it('sq_clean_text keeps full-width punctuation in free text', async () => {
		expect(await evalSql(conn, 'sq_clean_text($1)', '（进口），好')).toBe('（进口），好');
		expect(await evalSql(conn, 'sq_clean_text($1)', '\u3000空调\u00A0')).toBe('空调');
	});
	it('DIRTY_PATTERN flags exactly the characters that need the heavy clean in codes, numbers and dates', async () => {
		const dirty = (x: string) => evalSql(conn, `regexp_matches($1, '${DIRTY_PATTERN}')`, x);
		for (const x of ['１', 'Ａ', 'ｚ', '／', '－', '\u3000', '\u00A0', '\u200B', '\uFEFF']) expect(await dirty(`a${x}b`)).toBe(true);
		for (const x of ['2025/3/5', '南京新街口店', 'abc-123', '满意', '好，很好（进口）']) expect(await dirty(x)).toBe(false);
	});
	it('TEXT_DIRTY_PATTERN leaves full-width punctuation and letters of free text alone', async () => {
		const dirty = (x: string) => evalSql(conn, `regexp_matches($1, '${TEXT_DIRTY_PATTERN}')`, x);
		for (const x of ['\u3000', '\u00A0', '\u200B', '\uFEFF']) expect(await dirty(`a${x}b`)).toBe(true);
		for (const x of ['好，很好（进口）', 'ＡＢＣ１２３', '服务态度差！']) expect(await dirty(x)).toBe(false);
	});
});
