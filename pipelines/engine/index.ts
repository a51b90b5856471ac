import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Database } from '$lib/server/core/db';
import { config } from '$lib/server/core/config';
import { phoneHasher } from '$lib/server/core/db/phone-hash';
import { IngestFailure } from '$lib/shared/schema/errors';
import { matchHeaders, parseMapping } from '$lib/shared/schema/mapping';
import { MAX_COLUMNS } from '$lib/shared/schema/headers';
import { schemas } from '$lib/shared/schema';
import { withBatchRecord } from '$pipelines/batch-record';
import {
	decodeInput,
	decodeWorkbook,
	isWorkbook,
	peekUtf8Head,
	sheetReading,
	transcodeGbkFirst,
	type DecodedInput
} from '$pipelines/decode';
import type { Plan } from './plan';
import { MACROS, settingsMacros } from '$pipelines/sql/macros';
import { needsCleaning, planFromFile, readsFromFile, sameHeader, tryMatch, typeFromFile } from './fast-path';
import { load } from './load';
import { profiler } from './profile';
import { stage } from './stage';
import { duplicateSummary, fileRejected, findDuplicate, type IngestOptions, type IngestSummary } from './summary';

export { MAX_ERRORS_IN_SUMMARY, type IngestOptions, type IngestStatus, type IngestSummary } from './summary';

/** A file's size in bytes (0 when it cannot be read: the decoding says what is wrong with it) */
const sizeOf = (path: string) => {
	try {
		return statSync(path).size;
	} catch {
		return 0;
	}
};

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
		// a big file loaded beside users' views (the server) on few of DuckDB's threads (DUCKDB_LOAD_THREADS), the others
		// as they were after it, whatever its end
		const { loadThreads, loadThreadsFromBytes } = config().duckdb;
		const few = !db.alone && loadThreads > 0 && sizeOf(opts.filePath) >= loadThreadsFromBytes;
		return await db.withWriteLock(
			(conn) =>
				db.withThreadsAtMost(few ? loadThreads : null, () =>
					withBatchRecord(db, conn, start, async (batchId) => {
						let decoded: DecodedInput | null = null;
						try {
							const prof = profiler(opts.kind);
							const mapping = parseMapping(opts.mapping);
							// one call for the lot (statements of this project's own, no values): a call each cost ~0.5 ms, some 12 ms of
							// every load
							await conn.run([...MACROS, ...(await settingsMacros(conn))].join(';\n'));
							/** The decoded file, unless loaded before: its header matched, its rows typed, checked and written. */
							const finish = async (d: DecodedInput, staged: boolean, fromFile: Plan | null) => {
								const dup = await findDuplicate(conn, opts.kind, d.sha256, d.workbook?.sheet ?? null);
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
							};
							// An Excel workbook: its sheet becomes the CSV the engine stages, read from there like any other.
							if (isWorkbook(opts.filePath)) {
								const d = (decoded = await decodeWorkbook(
									opts.filePath,
									join(work, 'sheet.csv'),
									sheetReading(schema, mapping),
									opts.sheet
								));
								prof('workbook');
								return await finish(d, false, null);
							}
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
							return await finish(d, staged, fromFile);
						} catch (e) {
							if (!(e instanceof IngestFailure) || e.unreadable) throw e;
							return await fileRejected(conn, opts, fileName, decoded, e, started, locale, batchId);
						}
					})
				),
			// the batch transaction keeps the rollups current (store.ts)
			'keeps'
		);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
