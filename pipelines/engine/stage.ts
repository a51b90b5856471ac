import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import type { PhoneHasher } from '$lib/server/core/db/phone-hash';
import { IngestFailure } from '$lib/shared/schema/errors';
import type { HeaderMatch, Mapping } from '$lib/shared/schema/mapping';
import type { KindSchema } from '$lib/shared/schema';
import { misshapenRecords, type DecodedInput } from '$pipelines/decode';
import type { Locale } from '$pipelines/messages';
import { DIRTY_PATTERN, TEXT_DIRTY_PATTERN } from '$pipelines/sql/macros';
import { compileTyped, readCsvSql, stageCol, TYPED_FROM_FILE } from '$pipelines/sql/compile';
import { plan, type Plan } from './plan';
import { MISSHAPEN_LISTED, MisshapenRows } from './misshapen';

export async function stage(conn: DuckDBConnection, path: string, delimiter: string, columns: number): Promise<void> {
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
				throw await malformed(e2, path, delimiter, columns);
			}
		}
		throw await malformed(e, path, delimiter, columns);
	}
}

async function malformed(e: unknown, path: string, delimiter: string, columns: number): Promise<IngestFailure> {
	const msg = e instanceof Error ? e.message : String(e);
	const line = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
	const found = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
	if (line && found) {
		// The reader stops at the first row it cannot place: the file is read again to name every misshapen one.
		const rows = await misshapenRecords(path, delimiter, columns, MISSHAPEN_LISTED);
		if (rows.total > 1) return new MisshapenRows({ count: rows.total, expected: columns }, rows.listed);
		// DuckDB counts the spare column it was given for one extra field; the user's header has one fewer.
		return new IngestFailure('file_malformed_columns', { line, expected: Number(found[1]) - 1, found: Number(found[2]) });
	}
	if (line) return new IngestFailure('file_malformed_line', { line });
	return new IngestFailure('file_malformed', { detail: msg.split('\n')[0] ?? '' });
}

/** What typing the rows from the staging table needs of the load. */
export interface StagedTyping {
	schema: KindSchema;
	decoded: DecodedInput;
	mapping: Mapping;
	match: HeaderMatch;
	locale: Locale;
	hasher: PhoneHasher | null;
	/** the temp table `stage` already holds the file */
	staged: boolean;
	prof: (step: string) => void;
}

/** Stages the file (when not done yet) and types its rows from the staging table. */
export async function typeFromStage(conn: DuckDBConnection, ctx: StagedTyping): Promise<Plan> {
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
