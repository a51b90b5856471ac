import type { DuckDBConnection } from '@duckdb/node-api';
import type { KindSchema } from '$lib/shared/schema';
import { queryRows } from '$lib/server/core/db';
import { IngestFailure } from '$lib/shared/schema/errors';
import { rowNumber } from '$pipelines/decode';
import { message, notice, noticeText } from '$pipelines/messages';
import { compileFailing, outputColumns } from '$pipelines/sql/compile';
import { writeBatch } from '$pipelines/store';
import { batchStores, checkStoreScope } from '$pipelines/store-scope';
import { surveyQualityWarnings } from '$pipelines/survey-quality';
import { inspectionQualityWarnings } from '$pipelines/inspection-quality';
import { conflictErrors, repeatedKeys, selectFinalRows, typedKeyColumns } from './dedupe';
import { needsCleaning, planFromFile, readsFromFile, typeFromFile } from './fast-path';
import type { Plan } from './plan';
import { groupErrors } from './error-groups';
import { collectErrors } from './row-errors';
import { stage, typeFromStage, type StagedTyping } from './stage';
import { emptySummary, MAX_ERRORS_IN_SUMMARY, type IngestOptions, type IngestSummary } from './summary';

export interface LoadContext extends StagedTyping {
	opts: IngestOptions;
	fileName: string;
	started: Date;
	/** the rows were already typed straight from the file (the view `typed`), with this plan */
	fromFile: Plan | null;
	/** the batch already on record as 'running' */
	batchId: number | undefined;
}

/** Types the decoded file's rows (from the file itself when it can), checks them and writes the batch. */
export async function load(conn: DuckDBConnection, ctx: LoadContext): Promise<IngestSummary> {
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
	const keyCols = typedKeyColumns(schema);
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
	const { conflicts, collapsed } = repeated > 0 ? await repeatedKeys(conn, schema, outs, decoded) : { conflicts: [], collapsed: 0 };
	prof('duplicates');

	const errors = counts.bad > 0 ? await collectErrors(conn, input, decoded, match.constants, locale) : [];
	prof('errors');
	const conflicting = conflictErrors(conflicts, schema, locale);
	errors.push(...conflicting.errors);
	errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
	const rowsRejected = (counts?.bad ?? 0) + conflicting.rows.size;
	if (collapsed > 0) warnings.push(notice('warning_collapsed', { count: collapsed }));
	if (rowsBlank > 0) warnings.push(notice('warning_blank_rows', { count: rowsBlank }));
	// what reading a workbook did (the sheet taken and why, rows left out, macros ignored) comes first
	if (decoded.workbook) warnings.unshift(...decoded.workbook.notes.map((n) => notice(`warning_${n.key}`, n.params)));

	await selectFinalRows(conn, repeated > 0);
	// Store scope: every row of a limited loader's file names one of their stores, and no key of the file
	// belongs to a row of another store in the database; the stores the file touches are recorded.
	const stores = await batchStores(conn, schema, notOk > 0);
	if (opts.stores != null) await checkStoreScope(conn, schema, opts.stores, stores, locale);
	prof('store scope');
	const loadable = rowsRead - rowsRejected - collapsed;
	warnings.push(...(await surveyQualityWarnings(conn, schema, (i) => rowNumber(decoded, i))));
	warnings.push(...(await inspectionQualityWarnings(conn, schema, (i) => rowNumber(decoded, i))));

	const grouped = groupErrors(errors, schema, decoded.header, match);
	const base = {
		...emptySummary(opts, ctx.fileName, decoded),
		rows_read: rowsRead,
		rows_rejected: rowsRejected,
		rows_collapsed: collapsed,
		rows_blank: rowsBlank,
		error_groups: grouped.groups,
		error_groups_total: grouped.total,
		warnings: warnings.map((w) => noticeText(w, locale))
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
		asOf: opts.asOf ?? null,
		warnings,
		errors,
		stores: stores.known,
		schema: rejectAll ? null : { schema, outputs: outs.map((o) => o.name) }
	});
	prof('write');
	const covers = status === 'committed' && batchCounts.loaded > 0 ? await batchCovers(conn, schema, batchId, stores.named) : undefined;
	return {
		...base,
		...(covers ? { covers } : {}),
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

/** The days and stores a committed batch's rows cover: where the dashboard opens on it. */
async function batchCovers(conn: DuckDBConnection, schema: KindSchema, batchId: number, stores: string[]) {
	const [r] = await queryRows<{ from: string | null; to: string | null }>(
		conn,
		`SELECT strftime(min(${schema.dateColumn})::DATE, '%Y-%m-%d') AS "from", strftime(max(${schema.dateColumn})::DATE, '%Y-%m-%d') AS "to"
		 FROM ${schema.table} WHERE batch_id = $1`,
		[batchId]
	);
	return r?.from && r.to ? { from: r.from, to: r.to, stores } : undefined;
}
