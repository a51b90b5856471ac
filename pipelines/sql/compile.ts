import type { ColumnSpec, KindSchema } from '$lib/shared/schema';
import { EXTRA } from '$lib/shared/schema/types';
import { MDY_PATTERN } from './macros';

/** Where a canonical column's text comes from in the staged file. */
export type ColumnSource =
	{ from: 'column'; index: number; dirty: boolean; valueMap: boolean } | { from: 'constant' } | { from: 'generated' } | { from: 'absent' };

/**
 * Where the rows are read from: the staging table (row number = its rowid), or the CSV file itself
 * through read_csv with its path and delimiter bound as parameters. Read from the file, the typed table
 * has no row number column: it is created in file order, so its own rowid is the row number.
 */
export type RowSource = { from: 'stage' } | { from: 'file'; pathParam: number; delimiterParam: number };

export interface CompileInput {
	schema: KindSchema;
	/** the staging table unless said otherwise */
	rows?: RowSource;
	sources: Readonly<Record<string, ColumnSource>>;
	/** per date/timestamp column: how to read 3/4/2025 (true = day first, false = month first, null = ambiguous) */
	dayFirst: Readonly<Record<string, boolean | null>>;
	/** per date/timestamp column: the strptime format most of its cells use, tried before the general parser */
	dateFormats?: Readonly<Record<string, string | null>>;
	/** the date/timestamp columns whose every cell the usual format reads (a small file's whole column): no general parser */
	completeDates?: ReadonlySet<string>;
	stageColumns: number;
	/** extra columns (survey questions, inspection items): stage column index → its name, bound as parameter `param` */
	extraQuestions: readonly { index: number; param: number; name: string }[];
	/** the key prefix for generated keys is bound as this parameter */
	generatedKeyParam: number;
	/** SQL of the keyed hash of a column (its key bound as parameters by the caller) */
	keyedHash?: (column: string) => string;
}

export const stageCol = (i: number) => `c${i}`;
export const SPARE = 'c_extra';

/** Every cell as text, exactly as written; one spare column catches a row's extra fields. */
const CSV_OPTIONS = `header=false, skip=1, all_varchar=true, quote='"', escape='"', null_padding=true, nullstr='\x01', strict_mode=true, auto_detect=false`;

/**
 * The one way the engine reads a CSV file (path and delimiter as parameter placeholders such as `$1`):
 * the staging table is made from it, and the typed rows are read from it directly when no stage is needed.
 */
export function readCsvSql(columns: number, pathParam: string, delimiterParam: string, parallel = true): string {
	const cols = [...Array.from({ length: columns }, (_, i) => stageCol(i)), SPARE].map((c) => `'${c}': 'VARCHAR'`).join(', ');
	return `read_csv(${pathParam}, delim=${delimiterParam}, columns={${cols}}, ${CSV_OPTIONS}, parallel=${parallel})`;
}

/** The table of typed rows read straight from the file; `typed` is then a view adding the row number. */
export const TYPED_FROM_FILE = 'typed_file';
export const TYPED_FROM_FILE_VIEW = `CREATE OR REPLACE TEMP VIEW typed AS SELECT rowid AS _i, * FROM ${TYPED_FROM_FILE}`;

const readsFile = (input: CompileInput) => input.rows?.from === 'file';

function rowsSql(input: CompileInput): string {
	const rows = input.rows ?? { from: 'stage' };
	return rows.from === 'stage' ? 'stage' : readCsvSql(input.stageColumns, `$${rows.pathParam}`, `$${rows.delimiterParam}`);
}

const isFolded = (c: ColumnSpec) => c.type !== 'text';

function sqlLiteral(s: string): string {
	return `'${s.replaceAll("'", "''")}'`;
}

/** Cleaned text of the cell: NULL when empty. */
export function rawExpr(col: ColumnSpec, src: ColumnSource): string {
	switch (src.from) {
		case 'absent':
			return 'CAST(NULL AS VARCHAR)';
		case 'constant':
			return `(SELECT value FROM ingest_constants WHERE name = ${sqlLiteral(col.name)})`;
		case 'generated':
			return `CAST(NULL AS VARCHAR)`;
		case 'column': {
			let cell = stageCol(src.index);
			if (src.valueMap) {
				cell = `coalesce((SELECT m.target FROM ingest_value_map m WHERE m.source_index = ${src.index} AND m.source_value = sq_trim(${cell})), ${cell})`;
			}
			// A clean column (no edge spaces, full-width forms or invisible characters anywhere) needs no trim.
			if (!src.dirty) return src.valueMap ? `sq_trim(${cell})` : `nullif(${cell}, '')`;
			return isFolded(col) ? `sq_clean_fold(${cell})` : `sq_clean_text(${cell})`;
		}
	}
}

function enumExpr(col: ColumnSpec, r: string): string {
	const spec = col.enum!;
	const key = (s: string) => s.toLowerCase().replaceAll(' ', '');
	const pairs = new Map<string, string>();
	for (const v of spec.values) pairs.set(key(v), v);
	for (const [alias, v] of Object.entries(spec.aliases ?? {})) pairs.set(key(alias), v);
	const whens = [...pairs].map(([k, v]) => `WHEN ${sqlLiteral(k)} THEN ${sqlLiteral(v)}`).join(' ');
	// A cell written exactly as a key (the usual case) is matched as it is, without folding its case and
	// spaces. Only keys that folding leaves as they are (Chinese, lower-case ASCII) are taken this way.
	const asWritten = [...pairs].filter(([k]) => /^[\p{Script=Han}a-z0-9._-]+$/u.test(k));
	const exact = asWritten.map(([k, v]) => `WHEN ${sqlLiteral(k)} THEN ${sqlLiteral(v)}`).join(' ');
	return `CASE ${r} ${exact} ELSE CASE lower(replace(${r}, ' ', '')) ${whens} END END`;
}

function dayFirstLiteral(v: boolean | null | undefined): string {
	return v === true ? 'true' : v === false ? 'false' : 'NULL';
}

/** Typed value of the cell: NULL when empty or unreadable. */
function valueExpr(col: ColumnSpec, r: string, input: CompileInput, src: ColumnSource): string {
	switch (col.type) {
		case 'id':
		case 'text':
			return r;
		case 'timestamp':
		case 'date': {
			// a column the file does not have: no parser to plan (the general one is the typing statement's largest part)
			if (src.from === 'absent') return col.type === 'date' ? 'CAST(NULL AS DATE)' : 'CAST(NULL AS TIMESTAMP)';
			// The column's usual format first (one strptime), the general parser only for the rest, and not at all when
			// the usual format read every cell of the column.
			const dayFirst = dayFirstLiteral(input.dayFirst[col.name]);
			const general = dayFirst === 'NULL' ? `sq_ts_no_dmy(${r})` : `sq_ts(${r}, ${dayFirst})`;
			const fmt = input.dateFormats?.[col.name];
			const usual = fmt ? `try_strptime(${r}, ${sqlLiteral(fmt)})` : null;
			const ts = usual ? (input.completeDates?.has(col.name) ? usual : `coalesce(${usual}, ${general})`) : general;
			return col.type === 'date' ? `CAST(${ts} AS DATE)` : ts;
		}
		case 'period':
			return `sq_period(${r})`;
		case 'integer':
			return `sq_int(${r})`;
		case 'decimal':
			return `sq_dec(${r})`;
		case 'money':
			return `sq_money(${r})`;
		case 'satisfaction':
			return `sq_satisfaction(${r})`;
		case 'boolean':
			return `sq_bool(${r})`;
		case 'duration':
			return `sq_duration(${r})`;
		case 'phone':
			return `sq_phone(${r})`;
		case 'enum':
			return enumExpr(col, r);
	}
}

/** Why a present value did not parse, as a reason code. */
function parseErrorCode(col: ColumnSpec, r: string): string {
	switch (col.type) {
		case 'timestamp':
		case 'date':
			return `CASE WHEN regexp_full_match(${r}, '${MDY_PATTERN}') THEN 'date_ambiguous' WHEN sq_date_shaped(${r}) THEN 'date_impossible' ELSE 'date_invalid' END`;
		case 'phone':
			return `CASE WHEN regexp_full_match(${r}, '\\d(\\.\\d+)?[eE]\\+?\\d{1,2}') THEN 'phone_scientific' ELSE 'phone_invalid' END`;
		case 'period':
			return `'period_invalid'`;
		case 'integer':
		case 'satisfaction':
			return `'integer_invalid'`;
		case 'decimal':
		case 'money':
			return `'number_invalid'`;
		case 'boolean':
			return `'boolean_invalid'`;
		case 'duration':
			return `'duration_invalid'`;
		case 'enum':
			return `'enum_invalid'`;
		case 'id':
		case 'text':
			return `'invalid'`;
	}
}

interface ColumnSql {
	col: ColumnSpec;
	r: string;
	v: string;
	t: string;
	/** error code or NULL */
	code: string;
}

function columnSql(input: CompileInput): ColumnSql[] {
	return input.schema.columns.map((col) => {
		const src = input.sources[col.name] ?? { from: 'absent' };
		const r = `r_${col.name}`;
		const v = `v_${col.name}`;
		let t = col.defaultSql ? `coalesce(${v}, ${col.defaultSql})` : v;
		if (src.from === 'generated') {
			if (readsFile(input)) throw new Error('generated keys need the row number: read them from the staging table');
			t = `$${input.generatedKeyParam} || '-' || CAST(_i + 2 AS VARCHAR)`;
		}
		const range: string[] = [];
		if (col.min !== undefined) range.push(`${v} < ${col.min}`);
		if (col.max !== undefined) range.push(`${v} > ${col.max}`);
		const required =
			col.required && src.from !== 'generated' ? `WHEN ${r} IS NULL AND ${col.defaultSql ? `${t} IS NULL` : 'true'} THEN 'required' ` : '';
		const code = `CASE ${required}WHEN ${r} IS NOT NULL AND ${v} IS NULL THEN ${parseErrorCode(col, r)}${range.length ? ` WHEN ${range.join(' OR ')} THEN 'out_of_range'` : ''} END`;
		return { col, r: rawExpr(col, src), v: valueExpr(col, r, input, src), t, code };
	});
}

/**
 * The rows shared by the typed table and the error report: r_, v_, t_ per column, in order.
 * The cleaned text r_ is computed one level down: a constant or a value map reads it through a
 * subquery, and DuckDB cannot reference an alias whose expression holds a subquery in the same SELECT.
 */
function typedRows(input: CompileInput, cols: ColumnSql[], where = '', withDerived = true): string {
	const numbered = !readsFile(input);
	const raw = [...(numbered ? ['rowid AS _i'] : []), ...cols.map((c) => `${c.r} AS r_${c.col.name}`), allStage(input)];
	const parts = [...(numbered ? ['_i'] : []), `CAST($${input.generatedKeyParam} AS VARCHAR) AS _kp`];
	for (const c of cols) {
		parts.push(`r_${c.col.name}`);
		parts.push(`${c.v} AS v_${c.col.name}`);
		parts.push(`${c.t} AS t_${c.col.name}`);
	}
	if (withDerived) for (const d of input.schema.derived ?? []) parts.push(`${derivedSql(input, d)} AS t_${d.name}`);
	return `(SELECT ${parts.join(',\n  ')}, ${allStage(input)}
  FROM (SELECT ${raw.join(',\n    ')} FROM ${rowsSql(input)}${where}))`;
}

function derivedSql(input: CompileInput, d: NonNullable<KindSchema['derived']>[number]): string {
	if ('sql' in d) return d.sql;
	return input.keyedHash ? input.keyedHash(`t_${d.hashOf}`) : 'CAST(NULL AS UBIGINT)';
}

function structureChecks(input: CompileInput): { short: string; long: string } {
	return { short: `${stageCol(input.stageColumns - 1)} IS NULL`, long: `coalesce(${SPARE}, '') <> ''` };
}

/** A row with nothing in it (`,,,` or spaces): skipped and counted, never an error. */
function blankExpr(input: CompileInput): string {
	const all = Array.from({ length: input.stageColumns }, (_, i) => `coalesce(trim(${stageCol(i)}, ' \t\r\n'), '') = ''`);
	return `(${all.join(' AND ')})`;
}

const allStage = (input: CompileInput) => [...Array.from({ length: input.stageColumns }, (_, i) => stageCol(i)), SPARE].join(', ');

function extraAnswersExpr(input: CompileInput): string | null {
	if (!input.schema.extraAnswersColumn) return null;
	if (input.extraQuestions.length === 0) return 'CAST(NULL AS MAP(VARCHAR, DOUBLE))';
	const keys = input.extraQuestions.map((q) => `$${q.param}`);
	const vals = input.extraQuestions.map((q) => `sq_dec(sq_clean_fold(${stageCol(q.index)}))`);
	return `map_from_entries(list_filter([${keys.map((k, i) => `{'k': ${k}, 'v': ${vals[i]}}`).join(', ')}], e -> e.v IS NOT NULL))`;
}

/** A row check's SQL with the row's extra columns as a MAP in place of EXTRA. */
function withExtra(input: CompileInput, sql: string): string {
	return sql.includes(EXTRA) ? sql.replaceAll(EXTRA, extraAnswersExpr(input) ?? 'CAST(NULL AS MAP(VARCHAR, DOUBLE))') : sql;
}

/** The parameters of compileErrors: the generated keys' prefix, then the extra columns' names. */
export function errorParams(input: CompileInput, keyPrefix: string): string[] {
	return [keyPrefix, ...input.extraQuestions.map((q) => q.name)];
}

/** Output columns of the kind's table, in insert order, with the expression that fills each. */
export function outputColumns(input: CompileInput): { name: string; expr: string }[] {
	const out = input.schema.columns.map((c) => ({ name: c.name, expr: `t_${c.name}` }));
	for (const d of input.schema.derived ?? []) out.push({ name: d.name, expr: `t_${d.name}` });
	if (input.schema.extraAnswersColumn) out.push({ name: input.schema.extraAnswersColumn, expr: input.schema.extraAnswersColumn });
	return out;
}

/**
 * CREATE TEMP TABLE typed: final values and an ok flag per staged row (read from the file: the table
 * typed_file, whose rowid is the row number; see TYPED_FROM_FILE_VIEW). A row must also carry something
 * from the file, so a blank row is never ok even when constants fill its required columns; whether a
 * failing row is blank is decided afterwards, on the few failing rows only (see compileFailing).
 */
export function compileTyped(input: CompileInput): string {
	const cols = columnSql(input);
	const s = structureChecks(input);
	const checks = (input.schema.checks ?? []).map((c) => `NOT coalesce(${withExtra(input, c.failWhen)}, false)`);
	const fromFile = cols.filter((c) => input.sources[c.col.name]?.from === 'column').map((c) => `r_${c.col.name}`);
	const content = fromFile.length ? [`coalesce(${fromFile.join(', ')}) IS NOT NULL`] : [];
	const ok = [...cols.map((c) => `(${c.code}) IS NULL`), ...checks, ...content, `NOT (${s.short})`, `NOT (${s.long})`].join('\n    AND ');
	const outs = outputColumns(input);
	const extra = extraAnswersExpr(input);
	const finals = outs.map((o) => (o.expr === input.schema.extraAnswersColumn ? `${extra} AS t_${o.name}` : `${o.expr} AS t_${o.name}`));
	const [table, rowNo] = readsFile(input) ? [TYPED_FROM_FILE, ''] : ['typed', '_i, '];
	return `CREATE OR REPLACE TEMP TABLE ${table} AS
SELECT ${rowNo}${finals.join(', ')},
  ${ok} AS ok
FROM ${typedRows(input, cols)}`;
}

/** CREATE TEMP TABLE failing: the rows that are not ok, and which of them are merely blank. */
export function compileFailing(input: CompileInput): string {
	return `CREATE OR REPLACE TEMP TABLE failing AS
SELECT rowid AS _i, ${blankExpr(input)} AS blank FROM stage WHERE rowid IN (SELECT _i FROM typed WHERE NOT ok)`;
}

/** Errors of the failing rows: one struct per problem, re-derived only for rows where ok is false. */
export function compileErrors(fromAny: CompileInput): string {
	// Failing rows are re-derived from the staging table, which keeps their raw text and row numbers.
	const input: CompileInput = { ...fromAny, rows: { from: 'stage' } };
	const cols = columnSql(input);
	const s = structureChecks(input);
	const items = [
		`CASE WHEN ${s.short} THEN {'column': NULL, 'code': 'row_short', 'param': NULL} END`,
		`CASE WHEN ${s.long} THEN {'column': NULL, 'code': 'row_long', 'param': ${SPARE}} END`,
		...cols.map(
			(c) => `CASE WHEN (${c.code}) IS NOT NULL THEN {'column': ${sqlLiteral(c.col.name)}, 'code': ${c.code}, 'param': NULL} END`
		),
		...(input.schema.checks ?? []).map(
			(c) =>
				`CASE WHEN coalesce(${withExtra(input, c.failWhen)}, false) THEN {'column': ${sqlLiteral(c.column)}, 'code': ${sqlLiteral(c.code)}, 'param': ${c.detailSql ? withExtra(input, c.detailSql) : sqlLiteral(c.id)}} END`
		)
	];
	// the extra columns' names are bound (see errorParams) whether or not a check reads them
	const extra = input.extraQuestions.length ? `, ${extraAnswersExpr(input)} AS _extra` : '';
	return `SELECT _i, list_filter([${items.join(',\n  ')}], e -> e IS NOT NULL) AS errs,
  [${Array.from({ length: input.stageColumns }, (_, i) => stageCol(i)).join(', ')}] AS cells${extra}
FROM ${typedRows(input, cols, ' WHERE rowid IN (SELECT _i FROM failing WHERE NOT blank)', false)}
ORDER BY _i`;
}
