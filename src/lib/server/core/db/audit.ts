import { createHash } from 'node:crypto';
import { queryRows, type DuckDBConnection } from './index';

/**
 * The audit log: append-only and tamper-evident. Each entry stores the sha256 of its own canonical
 * serialisation, which includes the previous entry's hash, so changing, removing or reordering any
 * entry breaks the chain from there on (`npm run audit -- verify`). What a hash chain cannot show is
 * a rewrite of the whole chain by someone with write access to the file, or a cut-off tail: record
 * the head that `verify` prints somewhere else (a ticket, a printout) to anchor it.
 *
 * Never put a password, a raw phone number or a customer's name into an entry.
 */
export type AuditAction =
	| 'login'
	| 'login_failed'
	| 'login_throttled'
	| 'logout'
	| 'user_created'
	| 'user_updated'
	| 'user_disabled'
	| 'user_enabled'
	| 'password_reset'
	| 'pii_viewed'
	| 'ingest'
	| 'rollback'
	| 'export'
	| 'settings_changed'
	| 'retention_applied'
	| 'qc_baseline_set'
	| 'qc_alert_updated'
	| 'qc_evaluated';

export interface AuditEntry {
	/** who did it: a username, `cli:<os user>`, `(unknown)` for a failed sign-in with an unknown name, or `(server)` for retention at start */
	actor: string;
	action: AuditAction;
	/** what it was done to: a username, a batch id, a route */
	target?: string | null;
	ip?: string | null;
	detail?: Record<string, unknown>;
}

export interface AuditRow {
	seq: number;
	at_ms: number;
	actor: string;
	action: string;
	target: string | null;
	ip: string | null;
	detail: string;
	prev_hash: string;
	hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level and no spaces: one text for one value. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value as object)
				.sort()
				.filter((k) => (value as Record<string, unknown>)[k] !== undefined)
				.map((k) => [k, sortKeys((value as Record<string, unknown>)[k])])
		);
	}
	if (typeof value === 'bigint') return value.toString();
	return value;
}

/** The hash of an entry: sha256 over a fixed-order array of its fields (format version 1). */
export function entryHash(e: Omit<AuditRow, 'hash'>): string {
	const canonical = JSON.stringify([1, e.seq, e.at_ms, e.actor, e.action, e.target, e.ip, e.detail, e.prev_hash]);
	return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

// One append at a time in this process (the only process writing the file), so two entries never
// read the same predecessor.
let tail: Promise<unknown> = Promise.resolve();

/**
 * Appends one entry. Call it after the work it records has committed, on a connection with no open
 * transaction: it runs its own (read the head, insert after it) so the chain never forks.
 */
export function audit(conn: DuckDBConnection, entry: AuditEntry, now: number = Date.now()): Promise<AuditRow> {
	const run = tail.then(() => append(conn, entry, now));
	tail = run.catch(() => undefined);
	return run;
}

async function append(conn: DuckDBConnection, entry: AuditEntry, now: number): Promise<AuditRow> {
	await conn.run('BEGIN TRANSACTION');
	try {
		const [head] = await queryRows<{ seq: number; hash: string }>(conn, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
		const partial: Omit<AuditRow, 'hash'> = {
			seq: (head?.seq ?? 0) + 1,
			at_ms: now,
			actor: entry.actor,
			action: entry.action,
			target: entry.target ?? null,
			ip: entry.ip ?? null,
			detail: canonicalJson(entry.detail ?? {}),
			prev_hash: head?.hash ?? GENESIS_HASH
		};
		const row: AuditRow = { ...partial, hash: entryHash(partial) };
		await conn.run(
			`INSERT INTO audit_log (seq, logged_at, actor, action, target, ip, detail, prev_hash, hash)
			 VALUES ($1, epoch_ms($2::BIGINT), $3, $4, $5, $6, $7, $8, $9)`,
			[row.seq, row.at_ms, row.actor, row.action, row.target, row.ip, row.detail, row.prev_hash, row.hash] as never
		);
		await conn.run('COMMIT');
		return row;
	} catch (e) {
		await conn.run('ROLLBACK').catch(() => undefined);
		throw e;
	}
}

export interface ChainReport {
	ok: boolean;
	entries: number;
	/** the last entry, to anchor elsewhere */
	head: { seq: number; hash: string } | null;
	/** the first entry that does not check out */
	broken: { seq: number; at_ms: number; action: string; problem: 'hash_mismatch' | 'prev_mismatch' | 'seq_gap' } | null;
}

const SELECT_ROWS = `SELECT seq, epoch_ms(logged_at) AS at_ms, actor, action, target, ip, detail, prev_hash, hash FROM audit_log`;

/** Re-computes every hash in order; reports the first entry that was changed, removed or inserted. */
export async function verifyAuditChain(conn: DuckDBConnection): Promise<ChainReport> {
	let prev: { seq: number; hash: string } | null = null;
	let entries = 0;
	const PAGE = 5_000;
	for (;;) {
		const rows: AuditRow[] = await queryRows<AuditRow>(conn, `${SELECT_ROWS} WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`, [prev?.seq ?? 0]);
		for (const r of rows) {
			const expectedSeq: number = (prev?.seq ?? 0) + 1;
			const where = { seq: r.seq, at_ms: Number(r.at_ms), action: r.action };
			if (r.seq !== expectedSeq) return { ok: false, entries, head: prev, broken: { ...where, problem: 'seq_gap' } };
			if (r.prev_hash !== (prev?.hash ?? GENESIS_HASH))
				return { ok: false, entries, head: prev, broken: { ...where, problem: 'prev_mismatch' } };
			if (entryHash({ ...r, at_ms: Number(r.at_ms) }) !== r.hash)
				return { ok: false, entries, head: prev, broken: { ...where, problem: 'hash_mismatch' } };
			prev = { seq: r.seq, hash: r.hash };
			entries++;
		}
		if (rows.length < PAGE) break;
	}
	return { ok: true, entries, head: prev, broken: null };
}

export interface AuditQuery {
	actor?: string;
	action?: string;
	/** inclusive, epoch ms */
	fromMs?: number;
	/** exclusive, epoch ms */
	toMs?: number;
	page: number;
	pageSize: number;
}

/** A page of the log, newest first, with the filters bound as parameters. */
export async function listAudit(conn: DuckDBConnection, q: AuditQuery): Promise<{ rows: AuditRow[]; total: number }> {
	const where: string[] = [];
	const params: unknown[] = [];
	const bind = (clause: string, value: unknown) => {
		params.push(value);
		where.push(clause.replace('?', `$${params.length}`));
	};
	if (q.actor) bind('actor = ?', q.actor);
	if (q.action) bind('action = ?', q.action);
	if (q.fromMs !== undefined) bind('logged_at >= epoch_ms(?::BIGINT)', q.fromMs);
	if (q.toMs !== undefined) bind('logged_at < epoch_ms(?::BIGINT)', q.toMs);
	const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
	const [{ n = 0 } = {}] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM audit_log ${filter}`, params);
	const page = [...params, q.pageSize, (q.page - 1) * q.pageSize];
	const rows = await queryRows<AuditRow>(
		conn,
		`${SELECT_ROWS} ${filter} ORDER BY seq DESC LIMIT $${page.length - 1} OFFSET $${page.length}`,
		page
	);
	return { rows: rows.map((r) => ({ ...r, at_ms: Number(r.at_ms) })), total: n };
}

/** The actors and actions that occur, for the filter lists. */
export async function auditFacets(conn: DuckDBConnection): Promise<{ actors: string[]; actions: string[] }> {
	const actors = await queryRows<{ v: string }>(conn, 'SELECT DISTINCT actor AS v FROM audit_log ORDER BY 1 LIMIT 500');
	const actions = await queryRows<{ v: string }>(conn, 'SELECT DISTINCT action AS v FROM audit_log ORDER BY 1');
	return { actors: actors.map((r) => r.v), actions: actions.map((r) => r.v) };
}
