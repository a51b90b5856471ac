import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import type { AuthUser } from '$lib/shared/auth/roles';
import { matchHeaders, parseMapping } from '$lib/shared/schema/mapping';
import { noticeText, reason, type Locale } from '$pipelines/messages';
import { BATCH_TIMES_SQL, withBatchTimes, type BatchRow, type BatchTimes } from '$pipelines/batches';
import { schemas, type KindId } from '$lib/shared/schema';
import { maskName, maskPhone } from '$lib/server/core/auth/masking';
import { recordPiiAccess } from '$lib/server/core/auth/pii';
import { storeListInScopeSql } from '$lib/server/core/db/store-scope';

/**
 * One batch as the history page shows it: its record, the rows it rejected (customer names and phones
 * masked for users without `pii`), the days its rows cover, its survey extra questions, and which later
 * batches would block a rollback.
 */
export interface BatchDetail extends BatchRow {
	accept_partial: boolean;
	rows_collapsed: number;
	size_bytes: number | null;
	delimiter: string | null;
	sha256: string | null;
	/** in the reader's words (`locale`): a batch's warnings are kept as notices */
	warnings: string[];
	/** the mapping the load used (the engine's --map format), or null */
	mapping: unknown;
	/** first and last day of the rows the batch holds now (null when it holds none) */
	covers: { from: string; to: string } | null;
	/** surveys: extra questions kept with this batch's responses, with their answer count and mean */
	extraQuestions: { question: string; answers: number; mean: number }[];
	/** committed batches that replaced rows of this one since (a rollback must undo them first) */
	blockedBy: number[];
}

/**
 * Whether a batch exists and may be seen by a user of these stores (null = every store): only when the
 * stores it touches are known and all in the scope. Batches holding other stores' rows are not shown,
 * nor their rejected rows, nor can they be rolled back (docs/decisions.md, "Store scope of writes").
 */
export async function batchAccess(
	conn: DuckDBConnection,
	batchId: number,
	scope: readonly string[] | null
): Promise<'missing' | 'forbidden' | 'visible'> {
	const visible = storeListInScopeSql(scope, 'stores', 2);
	const [b] = await queryRows<{ visible: boolean }>(conn, `SELECT ${visible.sql} AS visible FROM batches WHERE batch_id = $1`, [
		batchId,
		...visible.params
	]);
	return !b ? 'missing' : b.visible ? 'visible' : 'forbidden';
}

export interface RejectedRowView {
	row: number | null;
	column: string | null;
	value: string | null;
	reason: string;
}

export const REJECTED_ROWS_SHOWN = 2000;

export async function batchDetail(conn: DuckDBConnection, batchId: number, locale: Locale): Promise<BatchDetail | null> {
	const [read] = await queryRows<
		Omit<
			BatchDetail,
			'warnings' | 'mapping' | 'covers' | 'extraQuestions' | 'blockedBy' | 'started_at' | 'finished_at' | 'rolled_back_at'
		> &
			BatchTimes & {
				warnings: string | null;
				mapping: string | null;
			}
	>(
		conn,
		`SELECT batch_id, kind, file_name, source, created_by, ${BATCH_TIMES_SQL},
		        status, accept_partial, rows_read, rows_loaded, rows_rejected, rows_collapsed, rows_replaced, size_bytes, encoding, delimiter, sha256,
		        rolled_back_by, abort_reason, warnings::VARCHAR AS warnings, mapping::VARCHAR AS mapping
		 FROM batches WHERE batch_id = $1`,
		[batchId]
	);
	if (!read) return null;
	const b = withBatchTimes(read);
	const schema = schemas[b.kind];
	const t = schema.table;
	const [range] = await queryRows<{ from: string | null; to: string | null }>(
		conn,
		`SELECT strftime(min(${schema.dateColumn})::DATE, '%Y-%m-%d') AS "from", strftime(max(${schema.dateColumn})::DATE, '%Y-%m-%d') AS "to" FROM ${t} WHERE batch_id = $1`,
		[batchId]
	).catch(() => [{ from: null, to: null }]);
	const extraQuestions = schema.extraAnswersColumn
		? await queryRows<{ question: string; answers: number; mean: number }>(
				conn,
				`SELECT e.key AS question, count(*) AS answers, round(avg(e.value), 2) AS mean
			 FROM (SELECT unnest(map_entries(${schema.extraAnswersColumn})) AS e FROM ${t} WHERE batch_id = $1) GROUP BY 1 ORDER BY 1`,
				[batchId]
			)
		: [];
	const blockedBy = await queryRows<{ replaced_by: number }>(
		conn,
		`SELECT DISTINCT r.replaced_by FROM ${t}_replaced r JOIN batches x ON x.batch_id = r.replaced_by
		 WHERE r.batch_id = $1 AND x.status = 'committed' ORDER BY 1`,
		[batchId]
	);
	const stored = b.mapping ? (JSON.parse(b.mapping) as { mapping?: unknown }) : null;
	return {
		...b,
		warnings: b.warnings ? (JSON.parse(b.warnings) as unknown[]).map((w) => noticeText(w, locale)) : [],
		mapping: stored?.mapping ?? null,
		covers: range?.from && range.to ? { from: range.from, to: range.to } : null,
		extraQuestions: extraQuestions.map((q) => ({ question: q.question, answers: Number(q.answers), mean: Number(q.mean) })),
		blockedBy: blockedBy.map((x) => Number(x.replaced_by))
	};
}

/** The kinds whose files carry customer contact details (contacts: the phone only). */
export const CUSTOMER_KINDS: readonly KindId[] = ['complaints', 'contacts'];

/**
 * The headers under which a complaint (or contact) batch's file carried customer names and phones, from the header
 * and mapping the batch recorded; null when they cannot be told (then every value is masked).
 */
export function customerHeaders(kind: KindId, storedMapping: string | null): Map<string, 'name' | 'phone'> | null {
	if (!CUSTOMER_KINDS.includes(kind)) return new Map();
	try {
		const stored = JSON.parse(storedMapping ?? 'null') as { header?: string[]; mapping?: unknown } | null;
		if (!stored?.header) return null;
		const match = matchHeaders(schemas[kind], stored.header, parseMapping(stored.mapping ?? undefined));
		const out = new Map<string, 'name' | 'phone'>();
		const name = match.columns.get('customer_name');
		const phone = match.columns.get('customer_phone');
		if (name !== undefined) out.set(stored.header[name]!, 'name');
		if (phone !== undefined) out.set(stored.header[phone]!, 'phone');
		return out;
	} catch {
		return null;
	}
}

/**
 * Rejected rows of a batch, reasons in the reader's language. Users without `pii` see customer names
 * and phones masked — in the value and in the reason, which is rebuilt from its code with the masked
 * value; users with `pii` see them as given, and that view is audited.
 */
export async function rejectedRows(
	conn: DuckDBConnection,
	batchId: number,
	kind: KindId,
	user: AuthUser,
	locale: Locale,
	ip: string | null
): Promise<{ rows: RejectedRowView[]; total: number }> {
	const [{ total = 0 } = {}] = await queryRows<{ total: number }>(conn, 'SELECT count(*) AS total FROM rejected_rows WHERE batch_id = $1', [
		batchId
	]);
	const raw = await queryRows<{
		row_number: number | null;
		column_name: string | null;
		raw_value: string | null;
		reason_code: string;
		reason_params: string | null;
	}>(
		conn,
		`SELECT row_number, column_name, raw_value, reason_code, reason_params::VARCHAR AS reason_params FROM rejected_rows
		 WHERE batch_id = $1 ORDER BY row_number NULLS FIRST, column_name LIMIT $2`,
		[batchId, REJECTED_ROWS_SHOWN]
	);
	const [{ mapping = null } = {}] = await queryRows<{ mapping: string | null }>(
		conn,
		'SELECT mapping::VARCHAR AS mapping FROM batches WHERE batch_id = $1',
		[batchId]
	);
	const personal = customerHeaders(kind, mapping);
	let shownPersonal = 0;
	const rows = raw.map((r): RejectedRowView => {
		const params = r.reason_params ? (JSON.parse(r.reason_params) as Record<string, string | number>) : {};
		const which =
			personal === null ? (CUSTOMER_KINDS.includes(kind) ? 'unknown' : null) : r.column_name ? (personal.get(r.column_name) ?? null) : null;
		let value = r.raw_value;
		if (which && value !== null) {
			if (user.pii) shownPersonal++;
			else value = which === 'name' ? maskName(value) : which === 'phone' ? maskPhone(value) : '***';
		}
		const shown = which && !user.pii ? { ...params, value: value ?? '' } : params;
		return { row: r.row_number, column: r.column_name, value, reason: reason(r.reason_code, shown, locale) };
	});
	if (shownPersonal > 0)
		await recordPiiAccess(conn, user, { resource: 'rejected_rows', rows: shownPersonal, filter: { batch: batchId }, ip });
	return { rows, total: Number(total) };
}
