import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, type Database } from '$lib/server/core/db';
import { decodeInput, peekUtf8Head, rowNumber, transcodeGbkFirst, type DecodedInput } from './decode';
import { IngestFailure, type RowError } from '$lib/shared/schema/errors';
import { matchHeaders, normalizeHeader, parseMapping, type HeaderMatch, type Mapping } from '$lib/shared/schema/mapping';
import { MAX_COLUMNS } from '$lib/shared/schema/headers';
import { message, reason, type Locale } from './messages';
import { schemas, type KindId, type KindSchema } from '$lib/shared/schema';
import { MACROS, DIRTY_PATTERN, TEXT_DIRTY_PATTERN, settingsMacros } from './sql/macros';
import {
	compileErrors,
	compileFailing,
	compileTyped,
	outputColumns,
	readCsvSql,
	stageCol,
	TYPED_FROM_FILE,
	TYPED_FROM_FILE_VIEW,
	type ColumnSource,
	type CompileInput
} from './sql/compile';
import { writeBatch, type StoredError } from './store';
import { batchStores, checkStoreScope } from './store-scope';
import { withBatchRecord } from './batch-record';
import { surveyQualityWarnings } from './survey-quality';
import { phoneHasher, type PhoneHasher } from '$lib/server/core/db/phone-hash';
import { log } from '$lib/server/core/log';

export type IngestStatus = 'committed' | 'rejected' | 'duplicate' | 'dry-run';

export interface IngestOptions {
	kind: KindId;
	filePath: string;
	/** the name the user knows the file by (uploads arrive as temp files) */
	fileName?: string;
	mapping?: unknown;
	acceptPartial?: boolean;
	dryRun?: boolean;
	source: 'cli' | 'web';
	createdBy: string;
	locale?: Locale;
	/**
	 * The loader's store scope: null or absent = every store (the CLI, the machine operator). Otherwise
	 * every row must name one of these stores, and no row may replace a row of another store.
	 */
	stores?: readonly string[] | null;
}

export interface IngestSummary {
	batch_id: number | null;
	kind: KindId;
	status: IngestStatus;
	rows_read: number;
	rows_loaded: number;
	rows_rejected: number;
	errors: RowError[];
	file_name: string;
	sha256: string | null;
	encoding: string | null;
	delimiter: string | null;
	rows_collapsed: number;
	rows_replaced: number;
	rows_blank: number;
	warnings: string[];
	message: string;
	duplicate_of?: { batch_id: number; loaded_at: string };
}

export const MAX_ERRORS_IN_SUMMARY = 50;

/** Loads one file of one kind: decode → stage → validate in SQL → one transaction. */
export async function ingest(db: Database, opts: IngestOptions): Promise<IngestSummary> {
	const schema = schemas[opts.kind];
	const locale = opts.locale ?? 'zh-CN';
	const fileName = opts.fileName ?? basename(opts.filePath);
	const work = mkdtempSync(join(tmpdir(), 'sqa-ingest-'));
	const started = new Date();
	try {
		const hasher = schema.derived?.some((x) => 'hashOf' in x) ? await phoneHasher(db) : null;
		// One load at a time; the duplicate check inside the lock, so two uploads of one file cannot both load it.
		// The batch is on record as 'running' from here on (see batch-record.ts).
		const start = {
			kind: opts.kind,
			fileName,
			source: opts.source,
			createdBy: opts.createdBy,
			started,
			acceptPartial: !!opts.acceptPartial,
			dryRun: opts.dryRun
		};
		return await db.withWriteLock((conn) =>
			withBatchRecord(db, conn, start, async (batchId) => {
				let decoded: DecodedInput | null = null;
				try {
					const prof = profiler(opts.kind);
					const mapping = parseMapping(opts.mapping);
					for (const macro of [...MACROS, ...(await settingsMacros(conn))]) await conn.run(macro);
					// A file that looks like UTF-8 is read by DuckDB's threads while JS hashes and checks it: typed
					// straight from the file when nothing calls for the staging table, else staged. A GBK file is
					// transcoded first and its UTF-8 copy read the same way.
					const utf8Head = peekUtf8Head(opts.filePath);
					const gbkFirst = utf8Head ? null : await transcodeGbkFirst(opts.filePath, join(work, 'gbk-utf8.csv'));
					if (gbkFirst) prof('transcoded first');
					const sniffed = utf8Head
						? { ...utf8Head, path: opts.filePath }
						: gbkFirst && { delimiter: gbkFirst.delimiter, header: gbkFirst.header, path: gbkFirst.utf8Path };
					// a file too wide to load is not staged or planned early: it is refused once decoded (matchHeaders)
					const early = sniffed && sniffed.header.length <= MAX_COLUMNS ? sniffed : null;
					const earlyMatch = early ? tryMatch(schema, early.header, mapping) : null;
					let cancelled = false;
					// planned before decoding starts: its few small queries would otherwise wait on the busy JS thread
					const earlyPlan =
						early && earlyMatch && readsFromFile(schema, earlyMatch, mapping, early.header)
							? await planFromFile(conn, {
									schema,
									mapping,
									match: earlyMatch,
									header: early.header,
									path: early.path,
									delimiter: early.delimiter,
									hasher,
									locale
								})
							: null;
					if (earlyPlan) prof('planned from the file');
					const earlyFile = earlyPlan ? typeFromFile(conn, earlyPlan, () => cancelled) : null;
					const earlyStage =
						early && !earlyFile
							? stage(conn, early.path, early.delimiter, early.header.length).then(
									() => null,
									(e: unknown) => e
								)
							: null;
					const stopEarly = () => {
						cancelled = true;
						conn.interrupt();
					};
					let d: DecodedInput;
					try {
						d = decoded = await decodeInput(opts.filePath, join(work, 'utf8.csv'), gbkFirst);
					} catch (e) {
						// the connection is free again before the rejected file is recorded on it
						stopEarly();
						await Promise.all([earlyFile, earlyStage]);
						throw e;
					}
					prof('decode');
					// the reader would take the rest of the file into the open cell: refused whole, naming the line
					if (d.unclosedQuoteLine !== null) {
						stopEarly();
						await Promise.all([earlyFile, earlyStage]);
						throw new IngestFailure('file_malformed_line', { line: d.unclosedQuoteLine });
					}
					const asSniffed = !!early && d.utf8Path === early.path && d.delimiter === early.delimiter;
					// Typing from the file assumed no cell needs cleaning; the byte scan says whether that held.
					const fromFileValid = asSniffed && sameHeader(d.header, early!.header) && !needsCleaning(d);
					if (earlyFile && !fromFileValid) stopEarly();
					const typedEarly = await earlyFile;
					if (earlyFile) prof('typed from the file meanwhile');
					const fromFile = fromFileValid ? typedEarly : null;
					const staged = asSniffed && d.header.length === early!.header.length && earlyStage !== null && (await earlyStage) === null;
					const dup = await findDuplicate(conn, opts.kind, d.sha256);
					if (dup) return duplicateSummary(opts, fileName, d, dup, locale);
					const match = matchHeaders(schema, d.header, mapping);
					return await load(conn, {
						opts,
						schema,
						decoded: d,
						mapping,
						match,
						fileName,
						started,
						locale,
						hasher,
						staged,
						fromFile,
						prof,
						batchId
					});
				} catch (e) {
					if (!(e instanceof IngestFailure) || e.unreadable) throw e;
					return await fileRejected(conn, opts, fileName, decoded, e, started, locale, batchId);
				}
			})
		);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

interface LoadContext {
	opts: IngestOptions;
	schema: KindSchema;
	decoded: DecodedInput;
	mapping: Mapping;
	match: HeaderMatch;
	fileName: string;
	started: Date;
	locale: Locale;
	hasher: PhoneHasher | null;
	/** the temp table `stage` already holds the file */
	staged: boolean;
	/** the rows were already typed straight from the file (the view `typed`), with this plan */
	fromFile: Plan | null;
	prof: (step: string) => void;
	/** the batch already on record as 'running' */
	batchId: number | undefined;
}

/** The header match, or null when it fails (it is made again, and fails in earnest, once the file is read). */
function tryMatch(schema: KindSchema, header: string[], mapping: Mapping): HeaderMatch | null {
	try {
		return matchHeaders(schema, header, mapping);
	} catch {
		return null;
	}
}

const sameHeader = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((h, i) => h === b[i]);
const needsCleaning = (d: DecodedInput) => d.cleaning.unicode || d.cleaning.edges;

/**
 * Whether the rows can be typed straight from the file, without the staging table: not when the SQL
 * needs the row number while typing (generated keys), reads other tables (constants, value maps), or
 * must first scan every row of the file (extra survey questions; see also the date order in plan()).
 */
function readsFromFile(schema: KindSchema, match: HeaderMatch, mapping: Mapping, header: readonly string[]): boolean {
	return (
		match.constants.size === 0 &&
		!match.generatedKey &&
		valueMaps(header, mapping).size === 0 &&
		!(schema.extraAnswersColumn && match.unknown.length > 0)
	);
}

/** The mapping's value maps by source column index; headers match as in the column mapping, values match the trimmed cell. */
function valueMaps(header: readonly string[], mapping: Mapping): Map<number, [string, string][]> {
	const out = new Map<number, [string, string][]>();
	const entries = Object.entries(mapping.values);
	if (entries.length === 0) return out;
	// the first column of each normalised header, found once rather than per value map
	const indexOf = new Map<string, number>();
	header.forEach((h, i) => {
		const n = normalizeHeader(h);
		if (!indexOf.has(n)) indexOf.set(n, i);
	});
	for (const [srcHeader, pairs] of entries) {
		const index = indexOf.get(normalizeHeader(srcHeader));
		if (index === undefined || out.has(index)) continue;
		out.set(
			index,
			Object.entries(pairs).map(([from, to]) => [from.trim(), to])
		);
	}
	return out;
}

type FromFile = Omit<PlanInput, 'dirty' | 'keyPrefix' | 'file'> & { path: string; delimiter: string };

/**
 * The plan for typing the rows straight from the file, assuming no cell needs cleaning (the caller
 * checks that against the byte scan). Null when this file needs the staging table after all, or when
 * anything fails: the staged path then does the same work and reports any error as usual.
 */
async function planFromFile(conn: DuckDBConnection, f: FromFile): Promise<Plan | null> {
	try {
		// generated keys never come this way (readsFromFile), so the key prefix is not needed
		return await plan(conn, { ...f, dirty: {}, keyPrefix: '', file: { path: f.path, delimiter: f.delimiter } });
	} catch {
		return null;
	}
}

/** Types the rows of the file into the view `typed` by the plan; null when that fails or is called off. */
async function typeFromFile(conn: DuckDBConnection, p: Plan, cancelled: () => boolean = () => false): Promise<Plan | null> {
	try {
		await conn.run(compileTyped(p.input), p.params as never);
		if (cancelled()) return null;
		await conn.run(TYPED_FROM_FILE_VIEW);
		return p;
	} catch {
		return null;
	}
}

async function findDuplicate(conn: DuckDBConnection, kind: string, sha256: string) {
	const rows = await queryRows<{ batch_id: number; finished_at: unknown }>(
		conn,
		`SELECT batch_id, strftime(finished_at, '%Y-%m-%d %H:%M') AS finished_at FROM batches
		 WHERE kind = $1 AND sha256 = $2 AND status = 'committed' ORDER BY batch_id DESC LIMIT 1`,
		[kind, sha256]
	);
	return rows[0] ? { batch_id: rows[0].batch_id, loaded_at: String(rows[0].finished_at) } : null;
}

function duplicateSummary(
	opts: IngestOptions,
	fileName: string,
	d: DecodedInput,
	dup: { batch_id: number; loaded_at: string },
	locale: Locale
): IngestSummary {
	return {
		...emptySummary(opts, fileName, d),
		batch_id: dup.batch_id,
		status: 'duplicate',
		duplicate_of: dup,
		message: message('summary_duplicate', { when: dup.loaded_at, batch: dup.batch_id }, locale)
	};
}

function emptySummary(opts: IngestOptions, fileName: string, d: DecodedInput | null): IngestSummary {
	return {
		batch_id: null,
		kind: opts.kind,
		status: 'rejected',
		rows_read: 0,
		rows_loaded: 0,
		rows_rejected: 0,
		errors: [],
		file_name: fileName,
		sha256: d?.sha256 ?? null,
		encoding: d?.encoding ?? null,
		delimiter: d?.delimiter ?? null,
		rows_collapsed: 0,
		rows_replaced: 0,
		rows_blank: 0,
		warnings: [],
		message: ''
	};
}

/** The whole file is refused (missing columns, empty, malformed): recorded as a rejected batch. */
async function fileRejected(
	conn: DuckDBConnection,
	opts: IngestOptions,
	fileName: string,
	d: DecodedInput | null,
	failure: IngestFailure,
	started: Date,
	locale: Locale,
	batchId: number | undefined
): Promise<IngestSummary> {
	const error: RowError = {
		row: null,
		column: null,
		value: null,
		code: failure.code,
		params: failure.params,
		reason: reason(failure.code, failure.params, locale)
	};
	const summary: IngestSummary = { ...emptySummary(opts, fileName, d), errors: [error], message: error.reason };
	if (opts.dryRun || !d) return { ...summary, status: opts.dryRun ? 'rejected' : 'rejected' };
	summary.batch_id = await writeBatch(conn, {
		batchId,
		kind: opts.kind,
		fileName,
		decoded: d,
		source: opts.source,
		createdBy: opts.createdBy,
		started,
		status: 'rejected',
		acceptPartial: !!opts.acceptPartial,
		counts: { read: 0, loaded: 0, rejected: 0, collapsed: 0, replaced: 0 },
		mapping: opts.mapping ?? null,
		warnings: [],
		errors: [{ ...error, cells: null }],
		schema: null,
		// nothing of the file is kept but the error: the batch belongs to the loader's stores (unknown for the operator's)
		stores: opts.stores ? [...opts.stores] : null
	});
	return summary;
}

async function stage(conn: DuckDBConnection, path: string, delimiter: string, columns: number): Promise<void> {
	const sql = (parallel: boolean) => `CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM ${readCsvSql(columns, '$1', '$2', parallel)}`;
	try {
		await conn.run(sql(true), [path, delimiter]);
	} catch (e) {
		const msg = e instanceof Error ? e.message : String(e);
		// Quoted line breaks need the single-threaded reader when rows may be short.
		if (/parallel/i.test(msg)) {
			try {
				await conn.run(sql(false), [path, delimiter]);
				return;
			} catch (e2) {
				throw malformed(e2);
			}
		}
		throw malformed(e);
	}
}

function malformed(e: unknown): IngestFailure {
	const msg = e instanceof Error ? e.message : String(e);
	const line = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
	const found = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
	// DuckDB counts the spare column it was given for one extra field; the user's header has one fewer.
	if (line && found) return new IngestFailure('file_malformed_columns', { line, expected: Number(found[1]) - 1, found: Number(found[2]) });
	if (line) return new IngestFailure('file_malformed_line', { line });
	return new IngestFailure('file_malformed', { detail: msg.split('\n')[0] ?? '' });
}

/**
 * The date columns whose order (D/M/Y or M/D/Y) is to be decided. Columns whose sample reads with a
 * year-first format need no scan: a stray 3/4/2025 among them is reported as ambiguous (the mapping's
 * date_order settles it).
 */
function orderedDateColumns(
	schema: KindSchema,
	sources: Record<string, ColumnSource>,
	mapping: Mapping,
	usual: Record<string, string | null>
) {
	return schema.columns.filter(
		(c) => (c.type === 'date' || c.type === 'timestamp') && sources[c.name]?.from === 'column' && (!usual[c.name] || !!mapping.date_order)
	);
}

/** Whether deciding the date order needs a scan of every row (of the staging table). */
function needsDateOrderScan(
	schema: KindSchema,
	sources: Record<string, ColumnSource>,
	mapping: Mapping,
	usual: Record<string, string | null>
): boolean {
	return !mapping.date_order && orderedDateColumns(schema, sources, mapping, usual).length > 0;
}

/** Which date columns hold D/M/Y or M/D/Y slashed dates, decided from the values when unambiguous. */
async function dayFirstOrders(
	conn: DuckDBConnection,
	schema: KindSchema,
	sources: Record<string, ColumnSource>,
	mapping: Mapping,
	usual: Record<string, string | null>
) {
	const out: Record<string, boolean | null> = {};
	const dateCols = orderedDateColumns(schema, sources, mapping, usual);
	if (dateCols.length === 0) return out;
	if (mapping.date_order) {
		for (const c of dateCols) out[c.name] = mapping.date_order === 'dmy';
		return out;
	}
	const parts = dateCols.map((c) => {
		const src = sources[c.name] as { index: number };
		const x = stageCol(src.index);
		const pat = `'^\\s*(\\d{1,2})/(\\d{1,2})/\\d{4}'`;
		// substr tests first, so the regular expression runs only on cells shaped like 3/4/2025
		const slashed = `(substr(${x}, 2, 1) = '/' OR substr(${x}, 3, 1) = '/')`;
		return `max(TRY_CAST(regexp_extract(${x}, ${pat}, 1) AS INTEGER)) FILTER (WHERE ${slashed}) AS a_${c.name}, max(TRY_CAST(regexp_extract(${x}, ${pat}, 2) AS INTEGER)) FILTER (WHERE ${slashed}) AS b_${c.name}`;
	});
	const [row] = await queryRows<Record<string, number | null>>(conn, `SELECT ${parts.join(', ')} FROM stage`);
	// One order for the whole file: the evidence of any column decides it.
	let first = 0;
	let second = 0;
	for (const c of dateCols) {
		first = Math.max(first, Number(row?.[`a_${c.name}`] ?? 0));
		second = Math.max(second, Number(row?.[`b_${c.name}`] ?? 0));
	}
	const dayFirst = first > 12 && second <= 12 ? true : second > 12 && first <= 12 ? false : null;
	for (const c of dateCols) out[c.name] = dayFirst;
	return out;
}

/** With SQA_PROFILE=1, how long each step of a load took, on stderr (for the benchmark). */
function profiler(label: string): (step: string) => void {
	if (process.env.SQA_PROFILE !== '1') return () => {};
	let last = performance.now();
	return (step) => {
		const now = performance.now();
		log('ingest').info({ profile: label, step, ms: Math.round(now - last) }, 'profile');
		last = now;
	};
}

/** Formats tried on a sample of each date column; the one that reads most of it goes first in the SQL. */
const USUAL_DATE_FORMATS = [
	'%Y-%m-%d %H:%M:%S',
	'%Y-%m-%d %H:%M',
	'%Y-%m-%d',
	'%Y/%m/%d %H:%M:%S',
	'%Y/%m/%d %H:%M',
	'%Y/%m/%d',
	'%Y年%m月%d日 %H:%M',
	'%Y年%m月%d日',
	'%Y.%m.%d'
];

/** The rows a sample is taken from: the staging table, or read_csv of the file (its parameters bound). */
interface RowsToSample {
	sql: string;
	params: unknown[];
}

async function usualDateFormats(
	conn: DuckDBConnection,
	schema: KindSchema,
	sources: Record<string, ColumnSource>,
	rows: RowsToSample
): Promise<Record<string, string | null>> {
	const out: Record<string, string | null> = {};
	for (const c of schema.columns) {
		const src = sources[c.name];
		if ((c.type !== 'date' && c.type !== 'timestamp') || src?.from !== 'column') continue;
		const x = stageCol(src.index);
		const counts = USUAL_DATE_FORMATS.map((f, i) => `count(try_strptime(trim(${x}), '${f}')) AS f${i}`).join(', ');
		const [row] = await queryRows<Record<string, number>>(
			conn,
			`SELECT ${counts} FROM (SELECT ${x} FROM ${rows.sql} WHERE ${x} <> '' LIMIT 2000)`,
			rows.params
		);
		let best = -1;
		let bestCount = 0;
		USUAL_DATE_FORMATS.forEach((_, i) => {
			const n = Number(row?.[`f${i}`] ?? 0);
			if (n > bestCount) [best, bestCount] = [i, n];
		});
		out[c.name] = best >= 0 ? USUAL_DATE_FORMATS[best]! : null;
	}
	return out;
}

interface PlanInput {
	schema: KindSchema;
	header: readonly string[];
	mapping: Mapping;
	match: HeaderMatch;
	/** per canonical column: whether its cells need cleaning */
	dirty: Record<string, boolean | null>;
	hasher: PhoneHasher | null;
	locale: Locale;
	/** generated keys are this prefix and the row number */
	keyPrefix: string;
	/** read the rows straight from this file instead of the staging table */
	file?: { path: string; delimiter: string };
}

/** The compiled typing of one file and its bound parameters, and the warnings found on the way. */
interface Plan {
	input: CompileInput;
	params: unknown[];
	warnings: string[];
}

/**
 * Everything the SQL that types the rows needs: where each column comes from, constants and value maps
 * (temp tables), extra survey questions, the keyed hash's parameters, each date column's usual format
 * and order. Null when reading from the file and the date order needs a scan of every row (the staged
 * path does that scan).
 */
async function plan(conn: DuckDBConnection, p: PlanInput): Promise<Plan | null> {
	const { schema, mapping, match, locale } = p;
	await conn.run('CREATE OR REPLACE TEMP TABLE ingest_constants (name VARCHAR, value VARCHAR)');
	for (const [name, value] of match.constants) await conn.run('INSERT INTO ingest_constants VALUES ($1, $2)', [name, value]);
	await conn.run('CREATE OR REPLACE TEMP TABLE ingest_value_map (source_index INTEGER, source_value VARCHAR, target VARCHAR)');
	const maps = valueMaps(p.header, mapping);
	for (const [index, pairs] of maps)
		for (const [from, to] of pairs) await conn.run('INSERT INTO ingest_value_map VALUES ($1, $2, $3)', [index, from, to]);

	const sources: Record<string, ColumnSource> = {};
	for (const c of schema.columns) {
		const index = match.columns.get(c.name);
		if (index !== undefined) sources[c.name] = { from: 'column', index, dirty: !!p.dirty[c.name], valueMap: maps.has(index) };
		else if (match.constants.has(c.name)) sources[c.name] = { from: 'constant' };
		else if (match.generatedKey === c.name) sources[c.name] = { from: 'generated' };
		else sources[c.name] = { from: 'absent' };
	}

	// Surveys: unknown columns whose every value is a number are extra questions; others are reported.
	const warnings: string[] = [];
	let unknown = match.unknown;
	const params: unknown[] = [p.keyPrefix];
	const extraQuestions: { index: number; param: number }[] = [];
	if (schema.extraAnswersColumn && unknown.length > 0) {
		if (p.file) return null;
		const checks = unknown.map(
			(u) =>
				`bool_and(${stageCol(u.index)} IS NULL OR trim(${stageCol(u.index)}) = '' OR regexp_full_match(trim(${stageCol(u.index)}), '[+-]?\\d+(\\.\\d+)?')) AS n${u.index}`
		);
		const [row] = await queryRows<Record<string, boolean | null>>(conn, `SELECT ${checks.join(', ')} FROM stage`);
		const numeric = unknown.filter((u) => row?.[`n${u.index}`] && u.header.trim() !== '');
		for (const u of numeric) {
			params.push(u.header.trim());
			extraQuestions.push({ index: u.index, param: params.length });
		}
		if (numeric.length) warnings.push(message('warning_extra_questions', { columns: numeric.map((u) => u.header).join('、') }, locale));
		const questions = new Set(numeric);
		unknown = unknown.filter((u) => !questions.has(u));
	}
	if (unknown.length)
		warnings.push(message('warning_unknown_columns', { columns: unknown.map((u) => u.header || `#${u.index + 1}`).join('、') }, locale));

	// The keyed phone hash: its key is bound as parameters, never written into the SQL text.
	let keyedHash: CompileInput['keyedHash'];
	if (p.hasher) {
		const first = params.length + 1;
		params.push(...p.hasher.sql('x', first).params);
		keyedHash = (column) => p.hasher!.sql(column, first).sql;
	}
	const rows: CompileInput['rows'] = p.file
		? { from: 'file', pathParam: params.length + 1, delimiterParam: params.length + 2 }
		: { from: 'stage' };
	if (p.file) params.push(p.file.path, p.file.delimiter);
	const nCols = p.header.length;
	// A sample of the first rows is read by one thread: the parallel reader would start on the whole file.
	const source: RowsToSample = p.file
		? { sql: readCsvSql(nCols, '$1', '$2', false), params: [p.file.path, p.file.delimiter] }
		: { sql: 'stage', params: [] };
	const dateFormats = await usualDateFormats(conn, schema, sources, source);
	if (p.file && needsDateOrderScan(schema, sources, mapping, dateFormats)) return null;
	const input: CompileInput = {
		schema,
		sources,
		rows,
		dayFirst: await dayFirstOrders(conn, schema, sources, mapping, dateFormats),
		dateFormats,
		stageColumns: nCols,
		extraQuestions,
		generatedKeyParam: 1,
		keyedHash
	};
	return { input, params, warnings };
}

/** Stages the file (when not done yet) and types its rows from the staging table. */
async function typeFromStage(conn: DuckDBConnection, ctx: LoadContext): Promise<Plan> {
	const { schema, decoded, match, prof } = ctx;
	if (!ctx.staged) await stage(conn, decoded.utf8Path, decoded.delimiter, decoded.header.length);
	prof(ctx.staged ? 'staged meanwhile' : 'stage');
	const [{ n: staged } = { n: 0 }] = await queryRows<{ n: number }>(conn, 'SELECT count(*) AS n FROM stage');
	if (staged === 0) throw new IngestFailure('file_header_only', {});

	// Cleaning (trim, zero-width, NBSP, full-width fold) only for the columns that need it; when the
	// byte scan during decoding found nothing to clean anywhere, no column does.
	const mapped = [...match.columns.entries()];
	const dirtyChecks = mapped.flatMap(([name, i]) => {
		const x = stageCol(i);
		const tests: string[] = [];
		if (decoded.cleaning.edges)
			tests.push(...[' ', '\t', '\n', '\r'].map((w) => `prefix(${x}, chr(${w.charCodeAt(0)})) OR suffix(${x}, chr(${w.charCodeAt(0)}))`));
		if (decoded.cleaning.unicode)
			tests.push(
				`regexp_matches(${x}, '${schema.columns.find((c) => c.name === name)?.type === 'text' ? TEXT_DIRTY_PATTERN : DIRTY_PATTERN}')`
			);
		return tests.length ? [`bool_or(${tests.join(' OR ')}) AS "${name}"`] : [];
	});
	const dirty = dirtyChecks.length
		? ((await queryRows<Record<string, boolean | null>>(conn, `SELECT ${dirtyChecks.join(', ')} FROM stage`))[0] ?? {})
		: {};
	prof('clean scan');

	const p = (await plan(conn, {
		schema,
		header: decoded.header,
		mapping: ctx.mapping,
		match,
		dirty,
		hasher: ctx.hasher,
		locale: ctx.locale,
		keyPrefix: decoded.sha256.slice(0, 12)
	}))!;
	prof('date formats');
	// rows typed from the file earlier but not kept (cells turned out to need cleaning) leave a view and its table behind
	await conn.run('DROP VIEW IF EXISTS typed');
	await conn.run(`DROP TABLE IF EXISTS ${TYPED_FROM_FILE}`);
	await conn.run(compileTyped(p.input), p.params as never);
	prof('typed');
	return p;
}

async function load(conn: DuckDBConnection, ctx: LoadContext): Promise<IngestSummary> {
	const { opts, schema, decoded, mapping, match, locale } = ctx;
	const prof = ctx.prof;
	if (opts.stores != null && !schema.storeColumn) throw new IngestFailure('store_scope_kind', { kind: opts.kind });
	let p = ctx.fromFile;
	// A file DuckDB could not read in place (transcoded, or not sniffed early) is typed from its UTF-8 copy.
	if (!p && !ctx.staged && !needsCleaning(decoded) && readsFromFile(schema, match, mapping, decoded.header)) {
		const planned = await planFromFile(conn, {
			schema,
			mapping,
			match,
			header: decoded.header,
			path: decoded.utf8Path,
			delimiter: decoded.delimiter,
			hasher: ctx.hasher,
			locale
		});
		p = planned && (await typeFromFile(conn, planned));
		if (p) prof('typed from the file');
	}
	p ??= await typeFromStage(conn, ctx);
	const { input, warnings } = p;

	// Rows, failing rows and repeated keys among the good rows in one scan. Duplicate keys inside the file:
	// identical rows collapse (the last one is kept), conflicting ones are rejected. Most files have none,
	// which the distinct count shows without the window pass.
	const keyCols = schema.key.map((k) => `t_${k}`).join(', ');
	const [{ n: total = 0, bad: notOk = 0, repeated = 0 } = {}] = await queryRows<{ n: number; bad: number; repeated: number }>(
		conn,
		`SELECT count(*) AS n, count(*) FILTER (WHERE NOT ok) AS bad, count(*) FILTER (WHERE ok) - count(DISTINCT (${keyCols})) FILTER (WHERE ok) AS repeated FROM typed`
	);
	if (total === 0) throw new IngestFailure('file_header_only', {});
	// Failing rows need their raw text (rejected_rows, reasons): only then is a file typed directly staged too.
	let counts = { blank: 0, bad: 0 };
	if (notOk > 0) {
		if (input.rows?.from === 'file') await stage(conn, decoded.utf8Path, decoded.delimiter, decoded.header.length);
		await conn.run(compileFailing(input));
		[counts = counts] = await queryRows<{ blank: number; bad: number }>(
			conn,
			`SELECT count(*) FILTER (WHERE blank) AS blank, count(*) FILTER (WHERE NOT blank) AS bad FROM failing`
		);
	}
	prof('counts, failing rows');
	const rowsBlank = counts.blank;
	const rowsRead = total - rowsBlank;
	if (rowsRead === 0) throw new IngestFailure('file_header_only', {});

	const outs = outputColumns(input);
	let conflicts: { key: string; rows: number[] }[] = [];
	let collapsed = 0;
	if (repeated > 0) {
		const hashCols = outs.map((o) => `t_${o.name}`).join(', ');
		await conn.run(`CREATE OR REPLACE TEMP TABLE keyed AS
			SELECT _i, ${keyCols}, count(DISTINCT hash(${hashCols})) OVER (PARTITION BY ${keyCols}) AS variants,
			       row_number() OVER (PARTITION BY ${keyCols} ORDER BY _i DESC) AS nth
			FROM typed WHERE ok`);
		conflicts = (
			await queryRows<{ key: string; rows: number[] }>(
				conn,
				`SELECT concat_ws(' / ', ${schema.key.map((k) => `CAST(t_${k} AS VARCHAR)`).join(', ')}) AS key, list(_i ORDER BY _i) AS rows
			 FROM keyed WHERE variants > 1 GROUP BY ALL ORDER BY min(_i)`
			)
		).map((c) => ({ key: c.key, rows: c.rows.map((i) => rowNumber(decoded, Number(i))) }));
		[{ collapsed = 0 } = {}] = await queryRows<{ collapsed: number }>(
			conn,
			'SELECT count(*) AS collapsed FROM keyed WHERE variants = 1 AND nth > 1'
		);
	}
	prof('duplicates');

	const errors = counts.bad > 0 ? await collectErrors(conn, input, decoded, match.constants, locale) : [];
	prof('errors');
	const conflictRows = new Set<number>();
	for (const c of conflicts) {
		const rowsText = c.rows.map(Number).join('、');
		for (const r of c.rows.map(Number)) {
			conflictRows.add(r);
			const params = { key: c.key, rows: rowsText };
			errors.push({
				row: r,
				column: schema.key.join(' + '),
				value: c.key,
				code: 'duplicate_key_conflict',
				params,
				reason: reason('duplicate_key_conflict', params, locale),
				cells: null
			});
		}
	}
	errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
	const rowsRejected = (counts?.bad ?? 0) + conflictRows.size;
	if (collapsed > 0) warnings.push(message('warning_collapsed', { count: collapsed }, locale));
	if (rowsBlank > 0) warnings.push(message('warning_blank_rows', { count: rowsBlank }, locale));

	// `final`: the rows to load. A view, so the rows are not copied once more before the insert.
	await conn.run(
		repeated > 0
			? `CREATE OR REPLACE TEMP VIEW final AS SELECT t.* FROM typed t JOIN keyed k USING (_i) WHERE k.variants = 1 AND k.nth = 1`
			: `CREATE OR REPLACE TEMP VIEW final AS SELECT * FROM typed WHERE ok`
	);
	// Store scope: every row of a limited loader's file names one of their stores, and no key of the file
	// belongs to a row of another store in the database; the stores the file touches are recorded.
	const stores = await batchStores(conn, schema, notOk > 0);
	if (opts.stores != null) await checkStoreScope(conn, schema, opts.stores, stores, locale);
	prof('store scope');
	const loadable = rowsRead - rowsRejected - collapsed;
	warnings.push(...(await surveyQualityWarnings(conn, schema, locale, (i) => rowNumber(decoded, i))));

	const base = {
		...emptySummary(opts, ctx.fileName, decoded),
		rows_read: rowsRead,
		rows_rejected: rowsRejected,
		rows_collapsed: collapsed,
		rows_blank: rowsBlank,
		warnings
	};
	const publicErrors = errors.slice(0, MAX_ERRORS_IN_SUMMARY).map(({ cells: _cells, ...e }) => e);
	const rejectAll = rowsRejected > 0 && !opts.acceptPartial;

	if (opts.dryRun) {
		return {
			...base,
			status: 'dry-run',
			rows_loaded: rejectAll ? 0 : loadable,
			errors: publicErrors,
			message: message('summary_dry_run', { read: rowsRead, loaded: loadable, rejected: rowsRejected }, locale)
		};
	}
	const status = rejectAll ? 'rejected' : 'committed';
	const batchCounts = { read: rowsRead, loaded: rejectAll ? 0 : loadable, rejected: rowsRejected, collapsed, replaced: 0 };
	const batchId = await writeBatch(conn, {
		batchId: ctx.batchId,
		kind: opts.kind,
		fileName: ctx.fileName,
		decoded,
		source: opts.source,
		createdBy: opts.createdBy,
		started: ctx.started,
		status,
		acceptPartial: !!opts.acceptPartial,
		counts: batchCounts,
		mapping: opts.mapping ?? null,
		warnings,
		errors,
		stores: stores.known,
		schema: rejectAll ? null : { schema, outputs: outs.map((o) => o.name) }
	});
	prof('write');
	return {
		...base,
		batch_id: batchId,
		status,
		rows_loaded: batchCounts.loaded,
		rows_replaced: batchCounts.replaced,
		errors: publicErrors,
		message:
			status === 'committed'
				? message('summary_committed', { read: rowsRead, loaded: batchCounts.loaded, rejected: rowsRejected, batch: batchId }, locale)
				: message('summary_rejected', { rejected: rowsRejected }, locale)
	};
}

/** Reasons for each failing row, in the user's language, with the row's raw cells kept. */
async function collectErrors(
	conn: DuckDBConnection,
	input: CompileInput,
	decoded: DecodedInput,
	constants: ReadonlyMap<string, string>,
	locale: Locale
): Promise<StoredError[]> {
	const rows = await queryRows<{
		_i: number;
		errs: { column: string | null; code: string; param: string | null }[];
		cells: (string | null)[];
	}>(conn, compileErrors(input), [decoded.sha256.slice(0, 12)]);
	const byName = new Map(input.schema.columns.map((c) => [c.name, c]));
	const out: StoredError[] = [];
	for (const r of rows) {
		const rowNo = rowNumber(decoded, Number(r._i));
		for (const e of r.errs) {
			const spec = e.column ? byName.get(e.column) : undefined;
			const src = e.column ? input.sources[e.column] : undefined;
			const index = src?.from === 'column' ? src.index : undefined;
			const header = index !== undefined ? (decoded.header[index] ?? e.column) : e.column;
			const label = header && e.column && header !== e.column ? `${header}` : (header ?? e.column ?? '');
			// a bad constant from the mapping is shown as the value it gave
			const value =
				index !== undefined ? (r.cells[index] ?? null) : src?.from === 'constant' && e.column ? (constants.get(e.column) ?? null) : null;
			const params: Record<string, string | number> = { column: label, value: value ?? '' };
			if (e.code === 'row_short' || e.code === 'row_long') params.expected = input.stageColumns;
			if (spec?.min !== undefined) params.min = spec.min;
			if (spec?.max !== undefined) params.max = spec.max;
			if (spec?.enum) params.allowed = spec.enum.values.join('、');
			if (e.code === 'row_long') params.value = e.param ?? '';
			if (e.code === 'time_before') {
				const check = input.schema.checks?.find((c) => c.id === e.param);
				const other = check?.params?.other;
				const otherSrc = other ? input.sources[other] : undefined;
				params.other = otherSrc?.from === 'column' ? (decoded.header[otherSrc.index] ?? other ?? '') : (other ?? '');
			}
			if (e.code === 'total_mismatch') params.expected = e.param ?? '?';
			out.push({
				row: rowNo,
				column: label || null,
				value: e.code === 'row_long' ? e.param : value,
				code: e.code,
				params,
				reason: reason(e.code, params, locale),
				cells: r.cells
			});
		}
	}
	return out;
}
