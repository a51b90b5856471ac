import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import { readChecklists } from '$lib/server/core/db/checklists';
/**
 * SQL macros that turn the cleaned text of a cell into a typed value (NULL when it cannot),
 * as Chinese spreadsheets write them. Created as TEMP macros on the connection that runs a load.
 * Dispatch on cheap patterns instead of trying many formats: try_strptime with a list of formats
 * is several times slower per column.
 */

const FULLWIDTH = Array.from({ length: 0xff5e - 0xff01 + 1 }, (_, i) => String.fromCharCode(0xff01 + i)).join('') + '\u3000';
const ASCII = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('') + ' ';

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Characters that make a code, number or date column need the heavy clean: full-width digits, letters
 * and － ． ／, the ideographic space, NBSP, zero-width characters. Free text needs it only for the last
 * three kinds: it keeps full-width punctuation as written.
 */
export const DIRTY_PATTERN =
	'[\\x{FF0D}-\\x{FF19}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{3000}\\x{00A0}\\x{200B}-\\x{200D}\\x{2060}\\x{FEFF}]';
export const TEXT_DIRTY_PATTERN = '[\\x{3000}\\x{00A0}\\x{200B}-\\x{200D}\\x{2060}\\x{FEFF}]';

/** An Excel serial day number (days since 1899-12-30, a fraction for the time), and the timestamp it stands for. */
const EXCEL_SERIAL = `regexp_full_match(x, '\\d{5}(\\.\\d+)?')`;
const EXCEL_SERIAL_TS = `CAST(TIMESTAMP '1899-12-30 00:00:00' + to_microseconds(CAST(round(CAST(x AS DOUBLE) * 86400000000) AS BIGINT)) AS TIMESTAMP)`;
/** A date written M/D/Y or D/M/Y: which, only the file can say (the typing reads none such without; its error says so). */
export const MDY_PATTERN = '\\d{1,2}/\\d{1,2}/\\d{4}(\\s.*)?';
const MDY = `regexp_full_match(x, '${MDY_PATTERN}')`;

export const MACROS = [
	// Light clean: trim spaces, tabs and line breaks; empty → NULL.
	`CREATE OR REPLACE TEMP MACRO sq_trim(x) AS nullif(trim(x, ' \t\r\n'), '')`,
	// Heavy clean for free text: zero-width characters removed, NBSP and ideographic space → space.
	`CREATE OR REPLACE TEMP MACRO sq_clean_text(x) AS sq_trim(regexp_replace(replace(replace(x, chr(160), ' '), chr(12288), ' '), '[\\x{200B}-\\x{200D}\\x{2060}\\x{FEFF}]', '', 'g'))`,
	// Heavy clean for codes, numbers and dates: the text clean plus the NFKC fold of full-width forms.
	`CREATE OR REPLACE TEMP MACRO sq_clean_fold(x) AS sq_clean_text(translate(x, ${sqlString(FULLWIDTH)}, ${sqlString(ASCII)}))`,

	`CREATE OR REPLACE TEMP MACRO sq_ymd(x) AS regexp_replace(replace(replace(replace(replace(replace(x, '年', '-'), '月', '-'), '日', ''), '/', '-'), '.', '-'), '\\s*T\\s*|\\s+', ' ', 'g')`,
	// Dispatch on the colon count of the input (sq_ymd keeps colons) so that sq_ymd, expanded inline
	// like every macro argument, runs once per cell instead of once per branch.
	`CREATE OR REPLACE TEMP MACRO sq_ts_ymd(x) AS CASE length(x) - length(replace(x, ':', ''))
		WHEN 0 THEN try_strptime(sq_ymd(x), '%Y-%m-%d')
		WHEN 1 THEN try_strptime(sq_ymd(x), '%Y-%m-%d %H:%M')
		WHEN 2 THEN CASE WHEN regexp_matches(x, ':\\d{1,2}[.,]\\d{1,6}\\s*$')
			-- fractional seconds (exports from call-centre systems): sq_ymd has turned a decimal point into a dash
			THEN try_strptime(regexp_replace(sq_ymd(x), ':(\\d{1,2})[-,](\\d{1,6})\\s*$', ':\\1.\\2'), '%Y-%m-%d %H:%M:%S.%f')
			ELSE try_strptime(sq_ymd(x), '%Y-%m-%d %H:%M:%S') END END`,
	// Excel serial day numbers count from 1899-12-30; US-style M/D/Y only when the file says which order.
	`CREATE OR REPLACE TEMP MACRO sq_ts(x, dmy) AS CASE
		WHEN x IS NULL THEN NULL
		WHEN ${EXCEL_SERIAL} THEN ${EXCEL_SERIAL_TS}
		WHEN ${MDY} THEN
			CASE WHEN dmy IS NULL THEN NULL
			ELSE sq_ts_ymd(regexp_replace(regexp_replace(x, '^(\\d{1,2})/(\\d{1,2})/(\\d{4})', CASE WHEN dmy THEN '\\3-\\2-\\1' ELSE '\\3-\\1-\\2' END), '\\s+', ' ', 'g')) END
		ELSE sq_ts_ymd(x) END`,
	// sq_ts of a column whose file does not say the order of its M/D/Y dates (dmy NULL, most columns): the same
	// values, one expansion of sq_ts_ymd instead of two (each costs ~2 ms of planning per column of every load)
	`CREATE OR REPLACE TEMP MACRO sq_ts_no_dmy(x) AS CASE
		WHEN x IS NULL THEN NULL
		WHEN ${EXCEL_SERIAL} THEN ${EXCEL_SERIAL_TS}
		WHEN ${MDY} THEN NULL
		ELSE sq_ts_ymd(x) END`,
	`CREATE OR REPLACE TEMP MACRO sq_date(x, dmy) AS CAST(sq_ts(x, dmy) AS DATE)`,
	// Pattern of a date that looks right but does not exist (2025-02-30, 2025/13/1).
	`CREATE OR REPLACE TEMP MACRO sq_date_shaped(x) AS regexp_full_match(sq_ymd(x), '\\d{4}-\\d{1,2}-\\d{1,2}( \\d{1,2}:\\d{1,2}(:\\d{1,2})?)?')`,

	`CREATE OR REPLACE TEMP MACRO sq_period_n(x) AS replace(replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
		upper(regexp_replace(x, '\\s', '', 'g')), '第?一季度', 'Q1'), '第?二季度', 'Q2'), '第?三季度', 'Q3'), '第?四季度', 'Q4'), '第?([1-4])季度', 'Q\\1'), '年', '-'), '月', '')`,
	`CREATE OR REPLACE TEMP MACRO sq_period(x) AS CASE
		WHEN x IS NULL THEN NULL
		WHEN regexp_full_match(sq_period_n(x), '\\d{4}-?') THEN left(sq_period_n(x), 4)
		WHEN regexp_full_match(sq_period_n(x), '\\d{4}[-/.]?Q[1-4]') THEN left(sq_period_n(x), 4) || '-Q' || right(sq_period_n(x), 1)
		WHEN regexp_full_match(sq_period_n(x), '\\d{4}[-/.]\\d{1,2}|\\d{6}')
			AND CAST(regexp_extract(sq_period_n(x), '^\\d{4}[-/.]?(\\d{1,2})$', 1) AS INTEGER) BETWEEN 1 AND 12
			THEN left(sq_period_n(x), 4) || '-' || lpad(regexp_extract(sq_period_n(x), '^\\d{4}[-/.]?(\\d{1,2})$', 1), 2, '0')
		END`,
	`CREATE OR REPLACE TEMP MACRO sq_period_start(p) AS CASE
		WHEN p IS NULL THEN NULL
		WHEN p LIKE '%-Q%' THEN make_date(CAST(left(p, 4) AS INTEGER), (CAST(right(p, 1) AS INTEGER) - 1) * 3 + 1, 1)
		WHEN length(p) = 4 THEN make_date(CAST(p AS INTEGER), 1, 1)
		ELSE make_date(CAST(left(p, 4) AS INTEGER), CAST(right(p, 2) AS INTEGER), 1) END`,

	// A CASE, not IN lists: DuckDB turns a long IN list into a join over every row, even the rows that
	// the first two words already settled.
	`CREATE OR REPLACE TEMP MACRO sq_bool(x) AS CASE x WHEN '是' THEN true WHEN '否' THEN false ELSE CASE lower(x)
		${['是', 'y', 'yes', 'true', 't', '1', '对', '√', '有'].map((w) => `WHEN '${w}' THEN true`).join(' ')}
		${['否', 'n', 'no', 'false', 'f', '0', '错', '×', '无'].map((w) => `WHEN '${w}' THEN false`).join(' ')} END END`,
	// Integers: thousands separators allowed; "12.0" (Excel) allowed; NaN, inf, 五 are not numbers.
	`CREATE OR REPLACE TEMP MACRO sq_int(x) AS CASE
		WHEN regexp_full_match(x, '[+-]?\\d{1,3}(,\\d{3})+|[+-]?\\d{1,12}(\\.0*)?') THEN TRY_CAST(split_part(replace(x, ',', ''), '.', 1) AS BIGINT) END`,
	`CREATE OR REPLACE TEMP MACRO sq_dec(x) AS CASE
		WHEN regexp_full_match(x, '[+-]?(\\d{1,15}(\\.\\d*)?|\\.\\d+)') THEN TRY_CAST(x AS DOUBLE) END`,
	// The space a currency mark leaves (¥ 1,200, RMB 50) is trimmed too.
	`CREATE OR REPLACE TEMP MACRO sq_money(x) AS sq_dec(trim(regexp_replace(x, '[¥￥元,]|RMB|CNY', '', 'g')))`,
	// Durations as call-centre systems export them: seconds (95, 95.0), mm:ss (1:35, minutes may pass 59) or
	// hh:mm:ss (0:01:35); whole seconds, a fraction rounded. Minutes and seconds after a colon stay under 60.
	`CREATE OR REPLACE TEMP MACRO sq_duration(x) AS CASE
		WHEN regexp_full_match(x, '\\d{1,9}(\\.\\d*)?') THEN CAST(round(CAST(x AS DOUBLE)) AS BIGINT)
		WHEN regexp_full_match(x, '\\d{1,7}:[0-5]\\d') THEN CAST(split_part(x, ':', 1) AS BIGINT) * 60 + CAST(split_part(x, ':', 2) AS BIGINT)
		WHEN regexp_full_match(x, '\\d{1,5}:[0-5]\\d:[0-5]\\d') THEN
			CAST(split_part(x, ':', 1) AS BIGINT) * 3600 + CAST(split_part(x, ':', 2) AS BIGINT) * 60 + CAST(split_part(x, ':', 3) AS BIGINT)
		END`,
	// Satisfaction words on a five-point scale; 基本满意 is the neutral middle, not "satisfied".
	`CREATE OR REPLACE TEMP MACRO sq_satisfaction(x) AS CASE x
		WHEN '非常满意' THEN 5 WHEN '很满意' THEN 5 WHEN '满意' THEN 4 WHEN '比较满意' THEN 4
		WHEN '基本满意' THEN 3 WHEN '一般' THEN 3 WHEN '不满意' THEN 2 WHEN '不太满意' THEN 2 WHEN '非常不满意' THEN 1 WHEN '很不满意' THEN 1
		ELSE sq_int(x) END`,
	// Phones: digits only, +86/0086 dropped; Excel's 1.3812345678E+10 is exact only when every digit survived.
	`CREATE OR REPLACE TEMP MACRO sq_phone_digits(x) AS regexp_replace(regexp_replace(x, '^\\s*(\\+\\s*86|0086)', ''), '[^0-9]', '', 'g')`,
	`CREATE OR REPLACE TEMP MACRO sq_phone_of_digits(d, x) AS CASE
		WHEN length(d) = 13 AND d LIKE '86%' THEN substr(d, 3)
		WHEN length(d) BETWEEN 7 AND 12 AND regexp_full_match(x, '[0-9+()\\s-]+') THEN d END`,
	// The usual mobile number is settled by one match. Other forms get their digits once: a macro argument is
	// expanded inline at every use, so the digits are bound through a one-element list instead.
	`CREATE OR REPLACE TEMP MACRO sq_phone(x) AS CASE
		WHEN x IS NULL THEN NULL
		WHEN regexp_full_match(x, '1[3-9][0-9]{9}') THEN x
		WHEN regexp_full_match(x, '\\d(\\.\\d+)?[eE]\\+?\\d{1,2}') THEN
			CASE WHEN length(replace(regexp_extract(x, '^([0-9.]+)', 1), '.', '')) = CAST(regexp_extract(x, '(\\d+)$', 1) AS INTEGER) + 1
				THEN replace(regexp_extract(x, '^([0-9.]+)', 1), '.', '') END
		ELSE list_transform([sq_phone_digits(x)], d -> sq_phone_of_digits(d, x))[1] END`
];

/**
 * `sq_appraisal_weights(position, month)`: the weights (%) an appraisal is scored with, from the
 * evaluation settings (table eval_weights, migration 4) — the newest rule of the position, else of every
 * position ('*'), effective by the month ('YYYY-MM'); equal weights without one. The same rule as
 * `weightsFor` in src/lib/evaluations/model.ts. Built as a literal list at each load (rules are few), so
 * the expression holds no subquery and can sit inside the typed columns.
 */
export async function settingsMacros(conn: DuckDBConnection): Promise<string[]> {
	const rules = await queryRows<Record<string, unknown>>(
		conn,
		`SELECT position, effective_from, [business_ability, communication, teamwork, service_attitude, discipline]::DOUBLE[] AS w FROM eval_weights ORDER BY effective_from`
	).catch(() => [] as Record<string, unknown>[]);
	const lit = (s: unknown) => `'${String(s).replaceAll("'", "''")}'`;
	const items = rules.map(
		(r) =>
			`{'p': ${lit(r.position)}, 'f': ${lit(r.effective_from)}, 'w': [${(r.w as number[]).map((x) => Number(x)).join(', ')}]::DOUBLE[]}`
	);
	// a placeholder that matches nothing keeps the list typed when there are no rules
	const list = `[{'p': NULL::VARCHAR, 'f': NULL::VARCHAR, 'w': NULL::DOUBLE[]}${items.map((i) => `, ${i}`).join('')}]`;
	const newest = (pos: string) => `struct_extract(list_filter(${list}, r -> r.p = ${pos} AND r.f <= month)[-1], 'w')`;
	return [
		`CREATE OR REPLACE TEMP MACRO sq_appraisal_weights(pos, month) AS coalesce(${newest('pos')}, ${newest("'*'")}, [20, 20, 20, 20, 20]::DOUBLE[])`,
		await checklistMacro(conn)
	];
}

/**
 * `sq_qa_checklist(day)`: the inspection checklist in force on a DATE (table qa_checklists) as a struct of
 * items (item, max_points), pass_line and fatal_zero — the newest effective on or before the day, else the
 * oldest. The same rule as `checklistOn` in src/lib/shared/inspections/checklist.ts; a literal list, like
 * the weights above, so that row checks can read it.
 */
async function checklistMacro(conn: DuckDBConnection): Promise<string> {
	const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
	const entries = (await readChecklists(conn)).map(
		(c) =>
			`{'f': DATE ${lit(c.effectiveFrom)}, 'items': [${c.items.map((i) => `{'item': ${lit(i.item)}, 'max_points': ${Number(i.maxPoints)}::DOUBLE}`).join(', ')}], 'pass_line': ${Number(c.passLine)}::DOUBLE, 'fatal_zero': ${c.fatalZero}}`
	);
	const list = `[${entries.join(', ')}]`;
	return `CREATE OR REPLACE TEMP MACRO sq_qa_checklist(day) AS coalesce(list_filter(${list}, c -> c.f <= day)[-1], ${list}[1])`;
}
