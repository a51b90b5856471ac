import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import { config } from '$lib/server/core/config';
import type { Actor } from '$lib/server/core/auth/users';
import { log } from '$lib/server/core/log';
import { customerHeaders } from '$lib/server/features/upload/batches';
import type { KindId } from '$lib/shared/schema';

/**
 * Data retention (数据保留). Customer names and phones are personal information (个人信息保护法: keep
 * them no longer than the purpose needs), so complaints received more than N months ago lose
 * `customer_name` and `customer_phone`, and contacts (服务过程) that arrived more than N months ago lose
 * `customer_phone`; `customer_phone_hash` stays, so repeat-complaint and first-contact-resolution
 * statistics keep working without the numbers. Rows a load rejected keep the file's raw cells (names and
 * phones among them) so the loader can see what was wrong; they have no trustworthy received date, so they
 * age with their load: rejected rows of complaint and contact files loaded before the same cutoff lose the
 * raw row and the values of the name and phone columns. The audit log is never deleted (its hash chain must stay whole);
 * expired sessions are purged whenever retention runs.
 *
 * It runs when an admin applies it on /admin/retention, and once at server start when a setting has
 * been saved (hooks.server.ts). There is no background timer: every erasure is one someone can point to.
 */

/** app_settings name of the customer-information limit, in whole months; '0' = kept */
export const CUSTOMER_MONTHS_SETTING = 'retention_customer_months';
/** what the page proposes before anything is saved; applied only on demand until it is saved */
export const DEFAULT_CUSTOMER_MONTHS = 36;
export const MAX_CUSTOMER_MONTHS = 600;

/**
 * The kinds whose rows hold customer names or phones: the table, its history table (the versions a later
 * load replaced, kept so that a rollback can restore them: erased by the same rule, or a rollback would
 * bring erased values back), the time a row's age counts from, and the personal columns erased.
 * Identifiers only: never user values.
 */
const PERSONAL_KINDS = [
	{
		kind: 'complaints',
		table: 'complaints',
		history: 'complaints_replaced',
		time: 'received_at',
		columns: ['customer_name', 'customer_phone']
	},
	{ kind: 'contacts', table: 'contacts', history: 'contacts_replaced', time: 'arrived_at', columns: ['customer_phone'] }
] as const satisfies readonly { kind: KindId; table: string; history: string; time: string; columns: readonly string[] }[];

type PersonalKind = (typeof PERSONAL_KINDS)[number];

export interface RetentionSetting {
	/** months customer names and phones are kept after a complaint is received; 0 = never erased */
	customerMonths: number;
	/** false: nothing saved yet, the default shows (and is never applied at start) */
	saved: boolean;
	updatedAtMs: number | null;
}

export async function readRetentionSetting(conn: DuckDBConnection): Promise<RetentionSetting> {
	const [row] = await queryRows<{ value: string; at: number }>(
		conn,
		'SELECT value, epoch_ms(updated_at) AS at FROM app_settings WHERE name = $1',
		[CUSTOMER_MONTHS_SETTING]
	);
	const months = row ? Number(row.value) : NaN;
	if (!row || !isMonths(months)) return { customerMonths: DEFAULT_CUSTOMER_MONTHS, saved: false, updatedAtMs: null };
	return { customerMonths: months, saved: true, updatedAtMs: Number(row.at) };
}

export const isMonths = (n: number) => Number.isInteger(n) && n >= 0 && n <= MAX_CUSTOMER_MONTHS;

export type SaveResult = { ok: true; setting: RetentionSetting; changed: boolean } | { ok: false; error: 'months_invalid' };

/** Saves the limit (audited as 'settings_changed' with the old and new values); saving the same value changes nothing. */
export async function saveRetentionSetting(
	conn: DuckDBConnection,
	months: number,
	actor: Actor,
	now: number = Date.now()
): Promise<SaveResult> {
	if (!isMonths(months)) return { ok: false, error: 'months_invalid' };
	const current = await readRetentionSetting(conn);
	if (current.saved && current.customerMonths === months) return { ok: true, setting: current, changed: false };
	await conn.run(
		`INSERT INTO app_settings (name, value, updated_at) VALUES ($1, $2, epoch_ms($3::BIGINT))
		 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		[CUSTOMER_MONTHS_SETTING, String(months), now] as never
	);
	await audit(
		conn,
		{
			actor: actor.name,
			action: 'settings_changed',
			target: CUSTOMER_MONTHS_SETTING,
			ip: actor.ip,
			detail: { [CUSTOMER_MONTHS_SETTING]: { from: current.saved ? current.customerMonths : null, to: months } }
		},
		now
	);
	return { ok: true, setting: await readRetentionSetting(conn), changed: true };
}

/**
 * The first day whose complaints are kept, YYYY-MM-DD: today minus `months` on the server's calendar
 * (complaint times are local wall-clock times as the files wrote them), clamped to the month's last
 * day (31 March − 1 month = 28/29 February). Complaints received before it are erased. Null = keep all.
 */
export function customerCutoff(months: number, now: number = Date.now()): string | null {
	if (months <= 0) return null;
	const today = new Date(now);
	const first = new Date(today.getFullYear(), today.getMonth() - months, 1);
	const lastDay = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
	const p = (n: number) => String(n).padStart(2, '0');
	return `${first.getFullYear()}-${p(first.getMonth() + 1)}-${p(Math.min(today.getDate(), lastDay))}`;
}

/** Rows of a kind's tables that still hold a personal value and were received (arrived) before the cutoff day ($1). */
const holding = (k: PersonalKind) => `${k.time} < $1::DATE::TIMESTAMP AND (${k.columns.map((c) => `${c} IS NOT NULL`).join(' OR ')})`;

/** Sessions the guard would no longer accept: past their idle expiry or older than the maximum age. */
const EXPIRED_SESSION = 'expires_at <= epoch_ms($1::BIGINT) OR created_at <= epoch_ms($2::BIGINT)';

export interface RetentionCounts {
	/** complaints holding a name or phone older than the limit */
	complaints: number;
	/** contacts holding a phone older than the limit */
	contacts: number;
	/** replaced complaint and contact versions (kept for rollback) holding one */
	history: number;
	/** rejected rows of complaint and contact files loaded before the cutoff still holding raw cells */
	rejected: number;
}

export const RETENTION_COUNTS = ['complaints', 'contacts', 'history', 'rejected'] as const satisfies readonly (keyof RetentionCounts)[];

export interface RetentionPreview extends RetentionCounts {
	months: number;
	cutoff: string | null;
	expiredSessions: number;
}

const NOTHING: RetentionCounts = { complaints: 0, contacts: 0, history: 0, rejected: 0 };

/**
 * Rejected rows of one batch that hold personal data: every row still carrying its raw cells, and the
 * values of the name and phone columns ($2: those headers as a JSON list; all values when the batch's mapping cannot
 * tell them, $3 = true).
 */
const PERSONAL_COLUMN = `($3 OR list_contains(from_json($2::VARCHAR, '["VARCHAR"]'), column_name))`;
const REJECTED_HOLDING = `batch_id = $1 AND (raw_row IS NOT NULL OR (raw_value IS NOT NULL AND ${PERSONAL_COLUMN}))`;

interface RejectedBatch {
	batchId: number;
	/** headers of the name and phone columns; null = unknown, every value counts as personal */
	personal: string[] | null;
	rows: number;
}

/** Batches of the personal kinds loaded before the cutoff whose rejected rows still hold personal data. */
async function rejectedHolding(conn: DuckDBConnection, cutoff: string): Promise<RejectedBatch[]> {
	const batches = await queryRows<{ batch_id: number; kind: PersonalKind['kind']; mapping: string | null }>(
		conn,
		`SELECT b.batch_id, b.kind, b.mapping::VARCHAR AS mapping FROM batches b
		 WHERE list_contains(from_json($2::VARCHAR, '["VARCHAR"]'), b.kind) AND b.started_at < $1::DATE::TIMESTAMP
		   AND EXISTS (SELECT 1 FROM rejected_rows r WHERE r.batch_id = b.batch_id AND (r.raw_row IS NOT NULL OR r.raw_value IS NOT NULL))
		 ORDER BY b.batch_id`,
		[cutoff, JSON.stringify(PERSONAL_KINDS.map((k) => k.kind))]
	);
	const out: RejectedBatch[] = [];
	for (const b of batches) {
		const headers = customerHeaders(b.kind, b.mapping);
		const personal = headers === null ? null : [...headers.keys()];
		const [{ n = 0 } = {}] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM rejected_rows WHERE ${REJECTED_HOLDING}`, [
			b.batch_id,
			JSON.stringify(personal ?? []),
			personal === null
		]);
		if (Number(n) > 0) out.push({ batchId: Number(b.batch_id), personal, rows: Number(n) });
	}
	return out;
}

async function countHolding(conn: DuckDBConnection, cutoff: string | null): Promise<RetentionCounts> {
	if (cutoff === null) return NOTHING;
	const count = async (table: string, k: PersonalKind) => {
		const [{ n = 0 } = {}] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${table} WHERE ${holding(k)}`, [cutoff]);
		return Number(n);
	};
	const counts = { ...NOTHING };
	for (const k of PERSONAL_KINDS) {
		counts[k.kind] = await count(k.table, k);
		counts.history += await count(k.history, k);
	}
	counts.rejected = (await rejectedHolding(conn, cutoff)).reduce((sum, b) => sum + b.rows, 0);
	return counts;
}

/** The value shown instead of an erased one, in stored reasons and their parameters. */
const ERASED = '—';

/**
 * Erases a rejected batch's raw rows and personal values; the stored reason text and its parameters
 * named the value, so the value is replaced there too (reasons stay readable: 「联系电话」的值「—」…).
 */
async function eraseRejected(conn: DuckDBConnection, b: RejectedBatch): Promise<void> {
	const params = [b.batchId, JSON.stringify(b.personal ?? []), b.personal === null];
	await conn.run(
		`UPDATE rejected_rows SET
		   reason = CASE WHEN coalesce(raw_value, '') = '' THEN reason ELSE replace(reason, raw_value, '${ERASED}') END,
		   reason_params = CASE WHEN json_exists(reason_params, '$.value') THEN json_merge_patch(reason_params, '{"value":"${ERASED}"}') ELSE reason_params END,
		   raw_value = NULL
		 WHERE batch_id = $1 AND raw_value IS NOT NULL AND ${PERSONAL_COLUMN}`,
		params as never
	);
	await conn.run('UPDATE rejected_rows SET raw_row = NULL WHERE batch_id = $1 AND raw_row IS NOT NULL', [b.batchId]);
}

/** What applying `months` now would erase and purge, without changing anything. */
export async function previewRetention(
	conn: DuckDBConnection,
	months: number,
	now: number = Date.now(),
	sessionMaxMs = config().auth.sessionMaxMs
): Promise<RetentionPreview> {
	const cutoff = customerCutoff(months, now);
	const counts = await countHolding(conn, cutoff);
	const [{ n = 0 } = {}] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM sessions WHERE ${EXPIRED_SESSION}`, [
		now,
		now - sessionMaxMs
	]);
	return { months, cutoff, ...counts, expiredSessions: Number(n) };
}

export interface RetentionRun {
	months: number;
	actor: Actor;
	/** 'manual' from the page, 'start' when the server starts */
	trigger: 'manual' | 'start';
	now?: number;
	sessionMaxMs?: number;
	/** the counts the admin confirmed: refused when the data has changed since */
	expected?: RetentionCounts;
}

export interface RetentionApplied extends RetentionCounts {
	months: number;
	cutoff: string | null;
	/** expired sessions removed */
	sessions: number;
}

export type RetentionResult =
	| { ok: true; applied: RetentionApplied }
	| { ok: false; error: 'months_invalid' }
	| { ok: false; error: 'count_changed'; counts: RetentionCounts };

/**
 * Erases the customer names and phones older than the limit, in complaints, contacts and their replaced
 * versions and in rejected rows, in one transaction (under the write lock, so no load or rollback runs in between); then
 * purges expired sessions and records 'retention_applied' with counts only, never values. At start
 * an entry is written only when something was erased.
 */
export async function applyRetention(db: Database, run: RetentionRun): Promise<RetentionResult> {
	if (!isMonths(run.months)) return { ok: false, error: 'months_invalid' };
	const now = run.now ?? Date.now();
	const cutoff = customerCutoff(run.months, now);
	return db.withWriteLock(async (conn) => {
		let counts: RetentionCounts = NOTHING;
		if (cutoff !== null) {
			await conn.run('BEGIN TRANSACTION');
			try {
				counts = await countHolding(conn, cutoff);
				const e = run.expected;
				if (e && RETENTION_COUNTS.some((key) => e[key] !== counts[key])) {
					await conn.run('ROLLBACK');
					return { ok: false, error: 'count_changed', counts };
				}
				for (const k of PERSONAL_KINDS) {
					for (const t of [k.table, k.history]) {
						await conn.run(`UPDATE ${t} SET ${k.columns.map((c) => `${c} = NULL`).join(', ')} WHERE ${holding(k)}`, [cutoff]);
					}
				}
				for (const b of await rejectedHolding(conn, cutoff)) await eraseRejected(conn, b);
				await conn.run('COMMIT');
			} catch (e) {
				await conn.run('ROLLBACK').catch(() => undefined);
				throw e;
			}
		}
		const sessions = await purgeExpiredSessions(conn, now, run.sessionMaxMs ?? config().auth.sessionMaxMs);
		const applied: RetentionApplied = { months: run.months, cutoff, ...counts, sessions };
		log('retention').info({ trigger: run.trigger, ...applied }, 'retention applied');
		if (run.trigger === 'manual' || RETENTION_COUNTS.some((key) => counts[key] > 0)) {
			await audit(
				conn,
				{
					actor: run.actor.name,
					action: 'retention_applied',
					target: 'complaints',
					ip: run.actor.ip,
					detail: {
						trigger: run.trigger,
						months: run.months,
						cutoff,
						...counts,
						sessions
					}
				},
				now
			);
		}
		return { ok: true, applied };
		// names and phones are no rollup's business: the rollups stay current
	}, 'keeps');
}

/** Outside the erasure's transaction: a request ending the same session at the same moment must not undo the erasure. */
async function purgeExpiredSessions(conn: DuckDBConnection, now: number, sessionMaxMs: number): Promise<number> {
	for (let attempt = 1; ; attempt++) {
		try {
			return (await conn.run(`DELETE FROM sessions WHERE ${EXPIRED_SESSION}`, [now, now - sessionMaxMs] as never)).rowsChanged;
		} catch (e) {
			if (attempt >= 3 || !/conflict/iu.test(String(e))) throw e;
		}
	}
}

/** The audit actor of what the server does by itself at start. */
export const SERVER_ACTOR: Actor = { name: '(server)' };

/** At start: applies the saved limit, if an admin has saved one; returns what was done, or null. */
export async function applyRetentionAtStart(db: Database, now: number = Date.now()): Promise<RetentionApplied | null> {
	const setting = await db.withConnection((c) => readRetentionSetting(c));
	if (!setting.saved) return null;
	const result = await applyRetention(db, { months: setting.customerMonths, actor: SERVER_ACTOR, trigger: 'start', now });
	return result.ok ? result.applied : null;
}
