/**
 * Declarative description of a source kind: its columns, how each is typed and checked, its natural key.
 * The engine compiles these into set-based SQL; adding a column or a kind is an edit here
 * (plus a migration for the table), not a new code path.
 */
export type KindId = 'complaints' | 'surveys' | 'appraisals' | 'traffic' | 'staff' | 'contacts' | 'inspections';

export type ColumnType =
	| 'id' // identifier text: width-folded, trimmed
	| 'text' // free text: trimmed, zero-width characters removed, punctuation kept as written
	| 'timestamp'
	| 'date'
	| 'period' // 2025-03, 2025年3月, 2025Q1, 2025年第一季度, 2025 → canonical 2025-03 / 2025-Q1 / 2025
	| 'integer'
	| 'decimal'
	| 'money'
	| 'satisfaction' // 1-5, or 非常满意/满意/基本满意/不满意/非常不满意
	| 'boolean'
	| 'duration' // seconds: 95, 1:35 (mm:ss) or 0:01:35 (hh:mm:ss) → whole seconds
	| 'phone'
	| 'enum';

export interface EnumSpec {
	/** the database ENUM type the values must match */
	dbType: string;
	values: readonly string[];
	/** other spellings → canonical value (matched after case, width and space folding) */
	aliases?: Readonly<Record<string, string>>;
}

export interface ColumnSpec {
	name: string;
	/** header spellings accepted besides `name` (Chinese first) */
	aliases: readonly string[];
	type: ColumnType;
	required?: boolean;
	min?: number;
	max?: number;
	enum?: EnumSpec;
	/** SQL over typed columns (`v_<name>`) used when the cell is empty */
	defaultSql?: string;
}

/** A check across columns of one row, over typed values `v_<name>`; the row fails when `failWhen` is true. */
export interface RowCheck {
	id: string;
	/** the column the error is reported against */
	column: string;
	failWhen: string;
	/** message key in the catalog (`reason_<code>`) and the columns whose raw values are passed as params */
	code: string;
	params?: Readonly<Record<string, string>>;
	/** SQL of a value the reason shows (e.g. the expected total), evaluated on the failing row; the check id otherwise */
	detailSql?: string;
}

export interface KindSchema {
	kind: KindId;
	table: string;
	columns: readonly ColumnSpec[];
	key: readonly string[];
	checks?: readonly RowCheck[];
	/** the column that dates a row, for the "date range covered" summary */
	dateColumn: string;
	/**
	 * Columns computed from the final values `t_<name>` (e.g. an appraisal's period type and start), or
	 * the keyed hash of one (`hashOf`: the customer phone), whose key the engine binds as parameters.
	 */
	derived?: readonly ({ name: string; sql: string } | { name: string; hashOf: string })[];
	/**
	 * The column naming the store a row belongs to. Users limited to some stores may load only rows of
	 * their stores; a kind without one can be loaded only by users of every store.
	 */
	storeColumn?: string;
	/** surveys: unknown numeric columns are kept as extra questions in this MAP column */
	extraAnswersColumn?: string;
	/**
	 * Extra columns that are expected by name (inspections: the checklists' items, listed by this SQL as
	 * `name`): those are kept without a word, the other numeric ones are kept and reported with
	 * `unknownWarning` instead of the surveys' "extra questions" warning.
	 */
	extraKnown?: { sql: string; unknownWarning: string };
}

/** In a row check, the row's extra columns as a MAP (see `extraAnswersColumn`). */
export const EXTRA = '{extra}';
