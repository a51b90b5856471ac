import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, type Database } from '$lib/server/core/db';
import { DEFAULT_CONTACT_LIMITS, contactLimitsKey, type ContactLimits } from '$lib/shared/thresholds';
import { nextInbound, nextReach, storedNext, storedNextSince, TIES } from './contacts';
import type { KindId } from '$lib/shared/schema';
import { DEFAULT_SLA, slaFingerprint } from '$lib/shared/sla';
import { profiler } from '../engine/profile';
import { config } from '$lib/server/core/config';
import { aggregateSql, columnsOf, DAY_OF, rebuildParts, repeatGaps, ROLLUP_TABLES, type RolledKind, type RollupTable } from './tables';

/**
 * Keeping the rollups current. `rollup_state` holds the version of the rollups in the tables: when it
 * is not ROLLUP_VERSION (a database loaded before rollups existed, or one a crash recovery removed
 * stray rows from), the rollups are not trusted — the compiler reads raw rows and loads leave them
 * alone — until `rebuildRollups` (at server start, or `npm run rollups -- rebuild`) builds them whole.
 *
 * While current, every write that changes rolled rows keeps them current inside its own transaction.
 * The complaints' and contacts' rollups change by the rows it added, removed, replaced or restored, and by
 * the rows whose stored value of their phone's other rows it changed — a complaint's repeat gap (the same
 * phones' later complaints: their previous complaint may have changed), a contact's next contacts (the same
 * phones' earlier contacts: what the phone did next may have changed) — each leaving with its old value and
 * coming back with its new one. The surveys' rollups recompute the rows of the (day, store) keys it touched.
 *
 * The contact rollups count with the contact limits recorded in `rollup_state.contact_limits` (the
 * defaults when none are): saving other limits rebuilds them (`rebuildRollups` with `kinds: ['contacts']`),
 * and the compiler reads them only while the limits in force are the recorded ones.
 */

/** Bump with a migration that changes a rollup table; the next start rebuilds. */
export const ROLLUP_VERSION = 9;

/**
 * Per rolled kind: its rows (alias `s`) from day $1 to day $2, as a range its table's zone maps can skip
 * by; the time and phone of a row (what the rows whose stored values depend on it are found by).
 */
const KINDS: Record<
	RolledKind,
	{
		inDays: string;
		at: string;
		phone: string;
		/**
		 * What the upkeep reads stored, recomputed for the rows of the phones picked (from `since` on; null: every
		 * row). With `changed`, the statements first record the rows they change in the temp table `rollup_changed`
		 * (the source's columns `changed` names, the stored values as they were, and `new_<column>` for each), for the rollups kept
		 * by signed rows (`RollupTable.signed`). With `byTime` too, the first statement orders each phone's rows by their time
		 * alone and `rollup_changed` also holds every row sharing its phone and time with another (`ties` > 1), so that the
		 * upkeep can tell whether to recompute them in the exact order (by id among equal times).
		 */
		derived?: (phones: string, since: string | null, changed?: readonly string[], byTime?: boolean) => string[];
		/** the stored columns `derived` recomputes (`rollup_changed` holds each one's new value as `new_<column>`) */
		stored?: readonly string[];
		/**
		 * The first time from which `derived` must recompute the rows of the phones picked, given the first touched
		 * row's time `at` (a TIMESTAMP expression; the phones are those of `rollup_touched`); default `at`
		 */
		since?: (at: string) => string;
	}
> = {
	complaints: {
		// each complaint's gap since its phone's previous one (repeat_gap_us), for the complaints of the phones picked
		// (a complaint without a phone has none: only a rebuild, over every row, looks for one set all the same)
		derived: (phones, since, changed, byTime) =>
			changed
				? [
						`CREATE OR REPLACE TEMP TABLE rollup_changed AS SELECT rid, ${changed.join(', ')}, gap AS new_repeat_gap_us${byTime ? ', ties' : ''}
						 FROM (${repeatGaps(phones, since, [...new Set([...changed, 'repeat_gap_us'])], byTime)})
						 WHERE repeat_gap_us IS DISTINCT FROM gap${byTime ? ' OR ties > 1' : ''}`,
						'UPDATE complaints SET repeat_gap_us = x.new_repeat_gap_us FROM rollup_changed x WHERE complaints.rowid = x.rid'
					]
				: [
						`UPDATE complaints SET repeat_gap_us = p.gap FROM (${repeatGaps(phones, since)}) p
			 WHERE complaints.rowid = p.rid AND complaints.repeat_gap_us IS DISTINCT FROM p.gap`,
						...(phones === 'true'
							? ['UPDATE complaints SET repeat_gap_us = NULL WHERE customer_phone_hash IS NULL AND repeat_gap_us IS NOT NULL']
							: [])
					],
		stored: ['repeat_gap_us'],
		inDays: 's.received_at >= $1::DATE AND s.received_at < $2::DATE + INTERVAL 1 DAY',
		at: 'received_at',
		phone: 'customer_phone_hash'
		// (its rollups are kept by signed rows, a complaint whose repeat gap changed among them, and per month)
	},
	surveys: { inDays: 's.submitted_at BETWEEN $1::DATE AND $2::DATE', at: 'NULL::TIMESTAMP', phone: 'NULL::UBIGINT' },
	contacts: {
		// what the phone did next, as each contact stores it (contacts.ts, `storedNext`), for the contacts of the phones
		// picked from `since` on (those from there on see every later contact of their phone)
		derived: (phones, since, changed, byTime) => {
			const rows = storedNextRows(phones, since, changed, byTime);
			return changed
				? [
						`CREATE OR REPLACE TEMP TABLE rollup_changed AS SELECT rid, ${changed.join(', ')},
						 fresh_inbound_at AS new_stored_next_inbound_at, fresh_reach_at AS new_stored_next_reach_at${byTime ? ', ties' : ''}
						 FROM (${rows}) WHERE ${NEXT_DIFFERS}${byTime ? ' OR ties > 1' : ''}`,
						`UPDATE contacts SET stored_next_inbound_at = x.new_stored_next_inbound_at, stored_next_reach_at = x.new_stored_next_reach_at
						 FROM rollup_changed x WHERE contacts.rowid = x.rid`
					]
				: [
						`UPDATE contacts SET stored_next_inbound_at = p.fresh_inbound_at, stored_next_reach_at = p.fresh_reach_at
						 FROM (SELECT * FROM (${rows}) WHERE ${NEXT_DIFFERS}) p WHERE contacts.rowid = p.rid`,
						...(phones === 'true'
							? [
									'UPDATE contacts SET stored_next_inbound_at = NULL, stored_next_reach_at = NULL WHERE customer_phone_hash IS NULL AND (stored_next_inbound_at IS NOT NULL OR stored_next_reach_at IS NOT NULL)'
								]
							: [])
					];
		},
		stored: ['stored_next_inbound_at', 'stored_next_reach_at'],
		since: (at) => storedNextSince(at, 'rollup_touched'),
		inDays: 's.arrived_at >= $1::DATE AND s.arrived_at < $2::DATE + INTERVAL 1 DAY',
		at: 'arrived_at',
		phone: 'customer_phone_hash'
		// (its rollups are kept by signed rows, a contact whose stored next times changed among them, and per month)
	}
};

/**
 * The contacts of the phones `phones` picks (a condition), from `since` on (null: all), with the next times they
 * store as they are (`stored_next_inbound_at`, `stored_next_reach_at`) and as they should be (`fresh_inbound_at`,
 * `fresh_reach_at`), their rowid `rid` and the columns `read` (`byTime`: ordered by arrival alone, with `ties`: contacts.ts, `order`).
 */
function storedNextRows(phones: string, since: string | null, read: readonly string[] = [], byTime = false): string {
	const cols = [...new Set([...read, 'arrived_at', 'ended_at', 'stored_next_inbound_at', 'stored_next_reach_at'])].join(', ');
	return `SELECT rid, ${cols}, ${storedNext('nx_inbound', 'nx_reach')}${byTime ? ', ties' : ''}
		FROM (SELECT rowid AS rid, ${cols},
			${nextInbound(byTime)} AS nx_inbound, ${nextReach(byTime)} AS nx_reach${byTime ? `, ${TIES} AS ties` : ''}
		FROM contacts WHERE customer_phone_hash IS NOT NULL AND ${phones}${since === null ? '' : ` AND arrived_at >= ${since}`})`;
}
const NEXT_DIFFERS = 'stored_next_inbound_at IS DISTINCT FROM fresh_inbound_at OR stored_next_reach_at IS DISTINCT FROM fresh_reach_at';

/** The rows of the phones a write touched (a condition on its kind's rows; `rollup_touched`: `recordTouched`) */
const PHONES_TOUCHED = 'customer_phone_hash IN (SELECT phone FROM rollup_touched WHERE phone IS NOT NULL)';

const isRolled = (kind: KindId): kind is RolledKind => kind in KINDS;

/** Whether the rollups in the tables are built and current (false also where the tables do not exist). */
export async function rollupsCurrent(conn: DuckDBConnection): Promise<boolean> {
	try {
		const [row] = await queryRows<{ version: number }>(conn, 'SELECT max(version) AS version FROM rollup_state');
		return Number(row?.version) === ROLLUP_VERSION;
	} catch {
		return false;
	}
}

/**
 * The rollups' state: whether they are current, the fingerprint of the SLA limits their compliance counts
 * were made with (shared/sla.ts; the defaults' when none was recorded), and the contact limits the contact
 * rollups count with (the defaults when none were recorded).
 */
export async function rollupState(conn: DuckDBConnection): Promise<RollupState> {
	try {
		const [row] = await queryRows<{ version: number; sla: string | null; limits: string | null; stale: string[] | null }>(
			conn,
			'SELECT max(version) AS version, max(sla) AS sla, max(contact_limits) AS limits, first(stale) AS stale FROM rollup_state'
		);
		return {
			current: Number(row?.version) === ROLLUP_VERSION,
			sla: row?.sla ?? slaFingerprint(DEFAULT_SLA),
			contactLimits: row?.limits ? (JSON.parse(row.limits) as ContactLimits) : DEFAULT_CONTACT_LIMITS,
			stale: [...(row?.stale ?? [])].filter((k): k is RolledKind => k in KINDS)
		};
	} catch {
		return { current: false, sla: slaFingerprint(DEFAULT_SLA), contactLimits: DEFAULT_CONTACT_LIMITS, stale: [] };
	}
}

export interface RollupState {
	current: boolean;
	sla: string;
	contactLimits: ContactLimits;
	/** the kinds a big write left to be rebuilt after its commit: raw rows answer for them until then */
	stale: RolledKind[];
}

/**
 * The fingerprint of the SLA limits in force: the saved setting (`sla_limits`, validated when saved), else
 * the defaults. A setting that cannot be read gives a fingerprint the metrics' limits never match, so SLA
 * compliance then reads raw rows rather than counts made with other limits.
 */
async function slaInForce(conn: DuckDBConnection): Promise<string> {
	const [row] = await queryRows<{ value: string }>(conn, `SELECT value FROM app_settings WHERE name = 'sla_limits'`);
	if (!row) return slaFingerprint(DEFAULT_SLA);
	try {
		return slaFingerprint(JSON.parse(row.value));
	} catch {
		return row.value;
	}
}

export interface RebuildResult {
	/** rows written per rollup table */
	tables: Record<string, number>;
	ms: number;
}

/** The contact limits the contact rollups count with (those recorded in rollup_state; the defaults when none are). */
export async function rolledContactLimits(conn: DuckDBConnection): Promise<ContactLimits> {
	return (await rollupState(conn)).contactLimits;
}

export interface RebuildOptions {
	/** in the caller's transaction */
	inTransaction?: boolean;
	/** the contact limits to count with from now on (default: those recorded) */
	contactLimits?: ContactLimits;
	/** only these kinds' rollups, when the rest are current (new SLA limits change the complaints' only, new contact limits the contacts') */
	kinds?: readonly RolledKind[];
	/**
	 * With `kinds`: only their tables counted with limits (`RollupTable.limits`), for new SLA or contact limits; the
	 * others (the times per month, the survey counts) do not change with them, and a kind a big write left to be
	 * rebuilt stays so
	 */
	forLimits?: boolean;
}

/**
 * Builds every rollup from the raw rows and marks them current, in one transaction (or the caller's, with
 * `inTransaction`); SLA compliance is counted with the SLA limits in force, the contact counts with the contact
 * limits given (else those recorded), both recorded in the state.
 */
export async function rebuildRollups(conn: DuckDBConnection, options: RebuildOptions = {}): Promise<RebuildResult> {
	const started = performance.now();
	const tables: Record<string, number> = {};
	if (!options.inTransaction) await conn.run('BEGIN TRANSACTION');
	try {
		const kinds = options.kinds && (await rollupsCurrent(conn)) ? options.kinds : null;
		const limits = contactLimitsKey(options.contactLimits ?? (await rolledContactLimits(conn)));
		// a rebuild that leaves the complaints' rollups as they are keeps the SLA limits they were counted with
		const sla = !kinds || kinds.includes('complaints') ? await slaInForce(conn) : (await rollupState(conn)).sla;
		// kinds a big write left to be rebuilt stay so unless rebuilt here
		const stale = kinds ? (await rollupState(conn)).stale.filter((k) => options.forLimits || !kinds.includes(k)) : [];
		const rebuilt = (t: RollupTable) => !kinds || (kinds.includes(t.kind) && (!options.forLimits || !!t.limits));
		// the state first: the rows below count with the limits it records
		await conn.run('DELETE FROM rollup_state');
		await conn.run(
			'INSERT INTO rollup_state (version, built_at, sla, contact_limits, stale) VALUES ($1, now()::TIMESTAMP, $2, $3, CAST($4::JSON AS VARCHAR[]))',
			[ROLLUP_VERSION, sla, limits, stale.length ? JSON.stringify(stale) : null]
		);
		// what the upkeep reads stored (a complaint's repeat gap), recomputed for every row
		// (no limits change it)
		for (const kind of Object.keys(KINDS) as RolledKind[])
			if (!kinds || (kinds.includes(kind) && !options.forLimits))
				for (const sql of KINDS[kind].derived?.('true', null) ?? []) await conn.run(sql);
		const step = profiler('rebuild');
		for (const t of ROLLUP_TABLES.filter(rebuilt)) {
			await conn.run(`DELETE FROM ${t.table}`);
			// (a rebuilt table holds each key in one row)
			if (t.growsByRows) await conn.run('DELETE FROM rollup_split WHERE tbl = $1', [t.table]);
			let written = 0;
			for (const { fill } of rebuildParts(t)) {
				// in its order (by default day, store): a read of some days then skips the blocks of the others (their min/max days)
				const result = await conn.run(`INSERT INTO ${t.table} (${columnsOf(t).join(', ')}) ${fill} ORDER BY ${t.order ?? 'd, store'}`);
				written += Number(result.rowsChanged);
			}
			tables[t.table] = written;
			step(t.table);
		}
		if (!options.inTransaction) await conn.run('COMMIT');
	} catch (e) {
		if (!options.inTransaction) await conn.run('ROLLBACK');
		throw e;
	}
	return { tables, ms: Math.round(performance.now() - started) };
}

/**
 * At start, and after new SLA or contact limits are saved: builds the rollups when they are not current, or the
 * complaints' when their SLA counts were made with other limits than those in force, or the contacts' when they
 * were counted with other limits than `contactLimits` (the contact limits in force), under the write lock so no
 * load runs in between; null when nothing was to be done.
 */
export function ensureRollups(db: Database, contactLimits?: ContactLimits): Promise<RebuildResult | null> {
	return db.withWriteLock(async (conn) => {
		const state = await rollupState(conn);
		if (!state.current) return rebuildRollups(conn, contactLimits ? { contactLimits } : {});
		const kinds: RolledKind[] = [...state.stale];
		// only new limits: only the tables counted with limits
		const forLimits = kinds.length === 0;
		if (state.sla !== (await slaInForce(conn)) && !kinds.includes('complaints')) kinds.push('complaints');
		if (
			contactLimits &&
			contactLimitsKey(contactLimits) !== contactLimitsKey(await rolledContactLimits(conn)) &&
			!kinds.includes('contacts')
		)
			kinds.push('contacts');
		return kinds.length ? rebuildRollups(conn, { kinds, forLimits, ...(contactLimits ? { contactLimits } : {}) }) : null;
	}, 'rebuilds');
}

const rebuildingAfter = new WeakSet<Database>();

/**
 * After write work under the lock (`Database.onWritesDone`): rebuilds the kinds a big write left to be rebuilt,
 * under the write lock, in the background. Reads the state first without the lock, so that writes with nothing
 * left (this rebuild's own end among them) do not queue another turn. Resolves when done (null: nothing to do).
 */
export async function rebuildLeftKinds(db: Database): Promise<RebuildResult | null> {
	if (rebuildingAfter.has(db)) return null;
	const { current, stale } = await db.withConnection(rollupState);
	if (!current || stale.length === 0) return null;
	rebuildingAfter.add(db);
	try {
		return await db.withWriteLock(async (conn) => {
			const now = await rollupState(conn);
			return now.current && now.stale.length ? rebuildRollups(conn, { kinds: now.stale }) : null;
		}, 'rebuilds');
	} finally {
		rebuildingAfter.delete(db);
	}
}

/** Whether a write of `touched` rows into (or out of) a kind of `rows` rows now is left to a rebuild after its commit. */
const leftToRebuild = (touched: number, rows: number) => touched >= config().rollupAfterRows && touched * 2 >= rows;

/** Names the kind to be rebuilt after the commit (its rollups are not kept current until then: raw rows answer). */
const markStale = (conn: DuckDBConnection, kind: KindId) =>
	conn.run(`UPDATE rollup_state SET stale = list_distinct(list_append(coalesce(stale, []::VARCHAR[]), $1))`, [kind]);

/**
 * Records the rows a batch adds or removes, as (day, store, time, phone, what the rollups per month count
 * them by, and whether each came or left): its own rows in the kind's table and the rows it replaced
 * (`<table>_replaced`, replaced_by = batch). For a load, call it after the rows went in; for a rollback,
 * before they come out. Returns false when nothing is to be kept current.
 */
export async function recordTouched(
	conn: DuckDBConnection,
	kind: KindId,
	table: string,
	batchId: number,
	change: 'load' | 'rollback'
): Promise<boolean> {
	if (!isRolled(kind)) return false;
	const step = profiler('rollups');
	const state = await rollupState(conn);
	// rollups not built, or this kind's left to a rebuild after a big write: nothing to keep current
	if (!state.current || state.stale.includes(kind)) return false;
	// A big load that is most of its kind is left to a rebuild after its commit (`refreshTouched` says why): decided
	// here from counts, before its rows are recorded (for a million rows that record took ~390 ms, a tenth of the
	// load). The batch's rows are found by their batch id, whose blocks' min/max let the scan skip the rest (~1 ms on
	// 5M rows); the table is counted only for a batch big enough to qualify. (A rollback is decided after its rows
	// came out, in `refreshTouched`.)
	if (change === 'load') {
		const [mine] = await queryRows<{ touched: number }>(
			conn,
			`SELECT (SELECT count(*) FROM ${table} WHERE batch_id = $1) + (SELECT count(*) FROM ${table}_replaced WHERE replaced_by = $1) AS touched`,
			[batchId]
		);
		const touched = Number(mine?.touched ?? 0);
		if (touched >= config().rollupAfterRows) {
			const [size] = await queryRows<{ rows: number }>(conn, `SELECT count(*) AS rows FROM ${table}`);
			if (leftToRebuild(touched, Number(size?.rows ?? 0))) {
				await markStale(conn, kind);
				profiler('rollups')('left to a rebuild after the commit');
				return false;
			}
		}
	}
	const { at, phone } = KINDS[kind];
	// and what the kind's rollups per month key their rows by (a complaint's times), and what the rollups kept by
	// signed rows read of them (their source columns)
	const recorded = new Map<string, string>();
	for (const r of ROLLUP_TABLES.filter((r) => r.kind === kind)) {
		for (const [name, expr] of Object.entries(r.touched?.columns ?? {})) recorded.set(name, expr);
		for (const col of r.signed?.columns ?? []) recorded.set(col, col);
	}
	const cols = [
		`${DAY_OF[kind]} AS d, store, ${at} AS at, ${phone} AS phone`,
		...[...recorded].filter(([name]) => !['d', 'store', 'at', 'phone', 'sign'].includes(name)).map(([name, expr]) => `${expr} AS ${name}`)
	].join(', ');
	// a load's rows came and the rows it replaced left; a rollback's rows leave and those it restores come back
	const [own, replaced] = change === 'load' ? [1, -1] : [-1, 1];
	await conn.run(
		`CREATE OR REPLACE TEMP TABLE rollup_touched AS
		 SELECT ${cols}, ${own} AS sign FROM ${table} WHERE batch_id = $1
		 UNION ALL SELECT ${cols}, ${replaced} AS sign FROM ${table}_replaced WHERE replaced_by = $1`,
		[batchId]
	);
	// a load's own rows stay in the table, where the upkeep reads them as they are after it (`refreshTouched`)
	await conn.run('CREATE OR REPLACE TEMP TABLE rollup_write AS SELECT $1::INTEGER AS loaded', [change === 'load' ? batchId : null]);
	step('rows touched recorded');
	return true;
}

/**
 * Keeps the kind's rollups current after a write recorded by `recordTouched` (in the same transaction, the rows
 * as they are now): a rollup kept by signed rows or per month changes each key by what the rows that came and
 * left count for it; any other recomputes the rows of the keys touched from the source rows. Returns the keys
 * changed or recomputed (the rows written, when the kind was rebuilt).
 */
export async function refreshTouched(conn: DuckDBConnection, kind: KindId): Promise<number> {
	if (!isRolled(kind)) return 0;
	const step = profiler('rollups');
	const { inDays, stored } = KINDS[kind];
	// A write touching as many rows as the kind now has (a first load, everything loaded again) touches every
	// key: rebuilding the kind's rollups whole is then several times cheaper than picking the keys.
	// (and the first touched row's time, used below: one query for the three)
	const [share] = await queryRows<{ touched: number; gone: number; rows: number; first_at: string | null }>(
		conn,
		`SELECT (SELECT count(*) FROM rollup_touched) AS touched, (SELECT count(*) FILTER (WHERE sign < 0) FROM rollup_touched) AS gone,
		        (SELECT count(*) FROM ${kind}) AS rows, (SELECT strftime(min(r.at), '%Y-%m-%d %H:%M:%S.%f') FROM rollup_touched r) AS first_at`
	);
	step('counted');
	// A big write (ROLLUP_AFTER_ROWS rows or more) that is most of its kind (a first load, a reload) names the kind
	// to be rebuilt after its commit instead: it commits without the rollups' cost, and the rebuild costs about
	// what the upkeep would have; raw rows answer for the kind until it ends. A big batch into a much bigger
	// table keeps its upkeep here: rebuilding the whole kind after it would cost several times more, with
	// every reader of the kind on raw rows meanwhile (measured: 50 users' pages took seconds during it).
	const touched = Number(share?.touched);
	if (leftToRebuild(touched, Number(share?.rows))) {
		await markStale(conn, kind);
		for (const temp of ['rollup_touched', 'rollup_write']) await conn.run(`DROP TABLE IF EXISTS ${temp}`);
		step('left to a rebuild after the commit');
		return 0;
	}
	if (touched >= Number(share?.rows)) {
		const rebuilt = await rebuildRollups(conn, { inTransaction: true, kinds: [kind] });
		for (const temp of ['rollup_touched', 'rollup_write']) await conn.run(`DROP TABLE IF EXISTS ${temp}`);
		return Object.values(rebuilt.tables).reduce((a, b) => a + b, 0);
	}
	const tables = ROLLUP_TABLES.filter((r) => r.kind === kind);
	const signedColumns = [...new Set(tables.flatMap((t) => t.signed?.columns ?? []))];
	// what the rollups read stored, for the phones the write touched (their rows as they are now)
	// (their rows from the first touched one on: a write changes no earlier row's gap); the rows it changes
	// recorded for the rollups kept by signed rows
	const derived = share?.first_at
		? (KINDS[kind].derived?.(PHONES_TOUCHED, '$1::TIMESTAMP', signedColumns.length ? [...signedColumns, 'batch_id'] : undefined) ?? [])
		: [];
	// from when (a bound found first, so the scans below skip the blocks before it by their min/max)
	const sinceOf = KINDS[kind].since;
	let since = share?.first_at ?? null;
	if (derived.length && sinceOf) {
		const [r] = await queryRows<{ since: string }>(conn, `SELECT strftime(${sinceOf('$1::TIMESTAMP')}, '%Y-%m-%d %H:%M:%S.%f') AS since`, [
			share!.first_at
		]);
		since = r?.since ?? since;
		step('since');
	}
	const run = async (statements: readonly string[]) => {
		for (const sql of statements) {
			await conn.run(sql, sql.includes('$1') ? [since] : []);
			step(`derived: ${sql.slice(0, 40).replace(/\s+/gu, ' ')}`);
		}
	};
	// the batch a load wrote (null: a rollback): its own rows are read where they are (below)
	const [write] = signedColumns.length
		? await queryRows<{ loaded: number | null }>(conn, 'SELECT max(loaded) AS loaded FROM rollup_write')
		: [];
	const loaded = write?.loaded === null || write?.loaded === undefined ? null : Math.trunc(Number(write.loaded));
	if (derived.length && signedColumns.length) {
		// the rows to change first ordered by time alone; again in the exact order only where two of the phones' rows
		// share a time (a batch of 1,000 contacts spread over two years: 0.44 s of its upkeep read the rows, a third of
		// that the ids breaking ties). A big write's phones always have rows sharing a time: it is picked in the exact
		// order at once (ROLLUP_EXACT_ORDER_FROM rows; a million complaints into 5M: 1.1 s for both picks, 0.5-0.6 s so).
		const byTime = touched < config().rollupExactOrderFrom;
		const apply = await pickChanged(conn, kind, signedColumns, loaded, byTime, (sql) => run([sql]));
		if (byTime) {
			const [tied] = await queryRows<{ n: number }>(conn, 'SELECT count(*) AS n FROM rollup_changed WHERE ties > 1');
			if (Number(tied?.n)) await pickChanged(conn, kind, signedColumns, loaded, false, (sql) => run([sql]));
		}
		await run(apply);
	} else await run(derived);
	let changed = 0;
	let onlyCame = false;
	if (signedColumns.length) {
		// the rows that came (+1) and left (-1), and each other row whose stored value changed leaving as it was and
		// coming as it is. A load's own rows are read where they are, as they are now (their new gaps), instead of
		// coming, leaving and coming again (a join of a 1M-row load's rows with their changes took 0.8 s).
		// (with `fresh`: each stored column's new value)
		const cols = (alias: string, fresh = false) =>
			signedColumns.map((c) => (fresh && stored?.includes(c) ? `${alias}.new_${c} AS ${c}` : `${alias}.${c}`)).join(', ');
		const others = loaded === null ? 'true' : `x.batch_id IS DISTINCT FROM ${loaded}`;
		const restated =
			derived.length && stored
				? ` UNION ALL SELECT ${cols('x')}, -1 AS sign FROM rollup_changed x WHERE ${others}
				    UNION ALL SELECT ${cols('x', true)}, 1 AS sign FROM rollup_changed x WHERE ${others}`
				: '';
		const sql =
			loaded === null
				? `SELECT ${cols('t')}, t.sign FROM rollup_touched t${restated}`
				: `SELECT ${cols('s')}, 1 AS sign FROM ${kind} s WHERE s.batch_id = ${loaded}
				   UNION ALL SELECT ${cols('t')}, t.sign FROM rollup_touched t WHERE t.sign < 0${restated}`;
		// a view: read once (complaint_cuts sums complaint_daily's change), and a copy of a big write's rows would
		// have to share the memory with the write's own rows (a 1M-row load spilled)
		await conn.run(`CREATE OR REPLACE TEMP VIEW rollup_signed AS ${sql}`);
		// whether every row came (a load of new rows whose phones' other rows keep their values, the usual big one):
		// its changes are then counted, not summed by sign (`aggregateSql`, 'added')
		if (Number(share?.gone) === 0) {
			const [r] = restated
				? await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM rollup_changed x WHERE ${others}`)
				: [{ n: 0 }];
			onlyCame = Number(r?.n) === 0;
		}
		step('signed rows');
	}
	const keyed = tables.filter((t) => !t.signed && !t.period);
	let keys = 0;
	let range: { lo: string | null; hi: string | null } | undefined;
	if (keyed.length) {
		await conn.run('CREATE OR REPLACE TEMP TABLE rollup_keys AS SELECT DISTINCT d, store FROM rollup_touched');
		step('keys');
		const [r] = await queryRows<{ keys: number; lo: string | null; hi: string | null }>(
			conn,
			`SELECT count(*) AS keys, strftime(min(d), '%Y-%m-%d') AS lo, strftime(max(d), '%Y-%m-%d') AS hi FROM rollup_keys`
		);
		keys = Number(r?.keys ?? 0);
		range = r;
	}
	// the periods a write added rows to in a rollup that grows by rows (a signed one's where rows came, a period one's
	// where any did or left), with how many of its source rows it touched there: a key there may now stand in several
	// rows, which the compaction after the commit folds once the period's writes may have added a tenth of its rows
	// (`compactSplit`; a month of daily loads left complaint_time_cuts' month at 2.3 rows a key after 15 of them)
	const growing = tables.filter((t) => t.growsByRows);
	if (growing.length)
		await conn.run(
			`INSERT INTO rollup_split (tbl, d, touched) WITH touched AS (SELECT d, sign > 0 AS came, count(*) AS n FROM rollup_touched GROUP BY ALL)
			 SELECT tbl, d, sum(n) FROM (${growing
					.map((t) => `SELECT '${t.table}' AS tbl, ${periodOf(t, 'd')} AS d, n FROM touched${t.period ? '' : ' WHERE came'}`)
					.join(' UNION ALL ')}) GROUP BY ALL`
		);
	// the day range first, so the scan skips blocks outside it; then exactly the keys, semi-joined (a correlated
	// EXISTS on them was planned as a delim join: 15× as long for 1,000 keys over 5M complaints)
	const inRange = (alias: string) => `${alias}.d BETWEEN $1::DATE AND $2::DATE`;
	const semi = (alias: string) => `SEMI JOIN rollup_keys k ON k.d = ${alias}.d AND k.store = ${alias}.store`;
	for (const t of tables) {
		if (t.period) {
			changed += await refreshPeriods(conn, t, Number(share?.gone) > 0);
			step(`months ${t.table}`);
		} else if (t.signed) {
			// a sum of another rollup kept so (listed before it) sums that one's changes
			const delta = t.sumOf
				? aggregateSql(t, '', null, `rollup_delta_${t.sumOf}`, 'summedChange')
				: aggregateSql(t, '', null, t.signed.rows('rollup_signed'), onlyCame ? 'added' : 'signed');
			await conn.run(`CREATE OR REPLACE TEMP TABLE rollup_delta_${t.table} AS ${delta}`);
			changed += t.growsByRows ? await addRows(conn, t, `rollup_delta_${t.table}`) : await applyDelta(conn, t, `rollup_delta_${t.table}`);
			step(`signed ${t.table}`);
		} else if (keys > 0) {
			const days = [range!.lo, range!.hi];
			await conn.run(`DELETE FROM ${t.table} r WHERE ${inRange('r')} AND (r.d, r.store) IN (SELECT (d, store) FROM rollup_keys)`, days);
			step(`delete ${t.table}`);
			// a sum of another rollup (listed before it, so already current for these keys) sums its rows of the keys
			const fill = t.sumOf
				? aggregateSql(t, '', null, `(SELECT s.* FROM ${t.sumOf} s ${semi('s')} WHERE ${inRange('s')})`, 'summed')
				: aggregateSql(t, inDays, '$1::DATE', t.rows(inDays, '$1::DATE', 'rollup_keys'));
			await conn.run(`INSERT INTO ${t.table} (${columnsOf(t).join(', ')}) ${fill}`, days);
			step(`insert ${t.table}`);
		}
	}
	// the work tables dropped in one call (names of this file's own)
	await conn.run(
		[
			'DROP VIEW IF EXISTS rollup_signed',
			...['rollup_keys', 'rollup_touched', 'rollup_write', 'rollup_changed', ...tables.map((t) => `rollup_delta_${t.table}`)].map(
				(temp) => `DROP TABLE IF EXISTS ${temp}`
			)
		].join('; ')
	);
	return keys + changed;
}

/**
 * Records in the temp table `rollup_changed` the rows of the touched phones whose stored values the write changes
 * (`KINDS[kind].derived`'s first statement, `byTime` or in the exact order), with the columns `signed` the rollups
 * kept by signed rows read, for the rows other than the load's own (`loaded`; null: every row), and returns the
 * statements that store the new values.
 *
 * The rows are picked with their batch alone: a scan of the phones' column whose other columns are read only for the
 * rows that pass its filter (the touched phones, a Bloom filter), but those lie in nearly every block for a batch
 * spread over two years, so each column it carries costs a read of most of the table (a 1,000-complaint batch: 76-106
 * ms with the 15 columns, 36-50 without), and a big load's own rows would all carry them (a million-row load into 5M
 * complaints: 1.9 s with them, 0.95 s without). A load's own rows need only their new values (the upkeep reads them
 * where they are); the other rows it changed (a later complaint of the same phone, the contacts before one, every row
 * of a rollback) have their columns fetched by rowid. Up to 50 of them, DuckDB pushes their rowids into the scan
 * (`dynamic_or_filter_threshold`) and reads only their blocks (5M complaints: 7-8 ms); more, the join reads the
 * table's columns once (62-139 ms for 51-5,000 rows), about what carrying them in the pick cost.
 */
async function pickChanged(
	conn: DuckDBConnection,
	kind: RolledKind,
	signed: readonly string[],
	loaded: number | null,
	byTime: boolean,
	run: (sql: string) => Promise<void>
): Promise<string[]> {
	const { derived, stored = [] } = KINDS[kind];
	const other = (alias: string) => (loaded === null ? 'true' : `${alias}.batch_id IS DISTINCT FROM ${loaded}`);
	const [narrow, ...apply] = derived!(PHONES_TOUCHED, '$1::TIMESTAMP', ['batch_id'], byTime);
	await run(narrow!);
	const fetched = signed.filter((c) => c !== 'batch_id');
	const kept = ['batch_id', ...stored.map((c) => `new_${c}`), ...(byTime ? ['ties'] : [])].map((c) => `x.${c}`).join(', ');
	await run(
		`CREATE OR REPLACE TEMP TABLE rollup_picked AS SELECT * FROM rollup_changed;
		 CREATE OR REPLACE TEMP TABLE rollup_changed AS
		 SELECT x.rid, ${fetched.map((c) => `s.${c}`).join(', ')}, ${kept} FROM rollup_picked x JOIN ${kind} s ON s.rowid = x.rid WHERE ${other('x')}
		 UNION ALL SELECT x.rid, ${fetched.map((c) => `NULL AS ${c}`).join(', ')}, ${kept} FROM rollup_picked x WHERE NOT (${other('x')});
		 DROP TABLE rollup_picked`
	);
	return apply;
}

/**
 * Adds the table `delta` (a signed rollup's keys, and per measure what to add to it) to the rollup `t`: each key's
 * measures change by the delta's, a key new to the rollup comes in, and one whose count `n` falls to 0 goes
 * (every measure counts some of a key's `n` rows, so they are all 0 then). Returns the keys changed.
 *
 * One MERGE: it finds each key's row by one scan and changes its measures in place. Before, the keys found
 * were copied out, their rows deleted and inserted again: for a 1,000-complaint batch spread over two years,
 * complaint_time_cuts (5.6M rows, a period rollup then kept this way too) took 75 + 33 + 6 ms that way, 38 ms so.
 */
async function applyDelta(conn: DuckDBConnection, t: RollupTable, delta: string): Promise<number> {
	// and the rollup's last day, and how many of the delta's keys lie past it: those cannot match a row, so they are
	// inserted, not merged (a load of new days, the usual monthly file: a million complaints' keys merged in 3.3 s)
	const [range] = await queryRows<{ n: number; past: number; last: string | null }>(
		conn,
		`WITH last AS (SELECT max(d) AS d FROM ${t.table})
		 SELECT count(*) AS n, count(*) FILTER (WHERE last.d IS NULL OR x.d > last.d) AS past, strftime(any_value(last.d), '%Y-%m-%d') AS last
		 FROM ${delta} x, last`
	);
	if (!Number(range?.n)) return 0;
	const step = profiler(`delta ${t.table}`);
	// (the day's match also lets the scan skip blocks outside the delta's days)
	const same = await sameKey(conn, t);
	const measures = Object.keys(t.measures);
	// a sum (`signed.sums`) is NULL where its count is 0, as the sum of no rows is
	const sums = t.signed?.sums ?? {};
	const merged = (m: string) => {
		const count = sums[m]?.count;
		return count ? `CASE WHEN r.${count} + x.${count} = 0 THEN NULL ELSE coalesce(r.${m}, 0) + x.${m} END` : `r.${m} + x.${m}`;
	};
	const fresh = (m: string) => {
		const count = sums[m]?.count;
		return count ? `CASE WHEN x.${count} = 0 THEN NULL ELSE x.${m} END` : `x.${m}`;
	};
	const cols = columnsOf(t);
	const values = cols.map((c) => (measures.includes(c) ? fresh(c) : `x.${c}`)).join(', ');
	const last = range?.last ?? null;
	const past = Number(range?.past);
	// (the rollup's last day bound as read before either statement: the insert moves it)
	if (past > 0) {
		await conn.run(
			`INSERT INTO ${t.table} (${cols.join(', ')}) SELECT ${values} FROM ${delta} x WHERE x.n > 0${last === null ? '' : ' AND x.d > $1::DATE'}`,
			last === null ? [] : [last]
		);
		step('inserted past the last day');
	}
	if (past < Number(range?.n)) {
		await conn.run(
			`MERGE INTO ${t.table} r USING (SELECT * FROM ${delta} WHERE d <= $1::DATE) x ON ${same}
			 WHEN MATCHED AND r.n + x.n = 0 THEN DELETE
			 WHEN MATCHED THEN UPDATE SET ${measures.map((m) => `${m} = ${merged(m)}`).join(', ')}
			 WHEN NOT MATCHED AND x.n > 0 THEN INSERT (${cols.join(', ')}) VALUES (${values})`,
			[last]
		);
		step('merged');
	}
	return Number(range?.n);
}

/**
 * The condition that a row `r` of the rollup `t` has the key of a row `x`: a key column declared NOT NULL is matched by
 * `=` (a NULL-safe match of text costs twice the scan: measured 22 against 55 ms on complaint_time_cuts).
 */
async function sameKey(conn: DuckDBConnection, t: RollupTable): Promise<string> {
	const required = await notNullColumns(conn, t.table);
	return ['d', ...t.keys].map((k) => (required.has(k) ? `r.${k} = x.${k}` : `r.${k} IS NOT DISTINCT FROM x.${k}`)).join(' AND ');
}

/**
 * The columns of a rollup table declared NOT NULL. The schema changes only by migrations, which every database this
 * process opens has run before its first write, so the rollup tables' sets are read once per process, all in one
 * read (a read of duckdb_columns() per table took 3-5 ms of each batch's upkeep: five tables, a tenth of a small
 * batch's).
 */
let notNull: Promise<Map<string, Set<string>>> | null = null;
async function notNullColumns(conn: DuckDBConnection, table: string): Promise<Set<string>> {
	if (!notNull) {
		const read = queryRows<{ t: string; name: string }>(
			conn,
			`SELECT table_name AS t, column_name AS name FROM duckdb_columns()
			 WHERE schema_name = 'main' AND database_name = current_database() AND NOT is_nullable AND list_contains(CAST($1::JSON AS VARCHAR[]), table_name)`,
			[JSON.stringify(ROLLUP_TABLES.map((r) => r.table))]
		).then((rows) => {
			const out = new Map<string, Set<string>>();
			for (const r of rows) out.set(r.t, (out.get(r.t) ?? new Set()).add(r.name));
			return out;
		});
		// a failed read is not kept
		read.catch(() => (notNull = null));
		notNull = read;
	}
	return (await notNull).get(table) ?? new Set();
}

/**
 * A rollup per month or week (`RollupTable.period`): each key's count `n` changes by the rows of the write that came
 * with that key less those that left with it (`RollupTable.touched`). Its rows are counts of exact values, so
 * recomputing its keys instead would read every row of their months (measured: 1.5 s for a 1,000-row batch over 24
 * months of 5M complaints, against ~0.1 s so).
 *
 * One that grows by rows (`RollupTable.growsByRows`) gets each changed key's change as a row of its own, below 0 where
 * rows left: its readers sum a key's rows, and the compaction after the commit folds them (`compactSplit`), dropping
 * the keys whose rows sum to 0. Before, the keys whose count fell had their rows folded here, found by a scan of the
 * table: 1,000 complaints sent again over two years with their first responses a minute later, the three complaint
 * time tables' folds took ~120-165 ms of a ~285 ms upkeep. Any other has its keys changed in place (`applyDelta`),
 * keys whose count falls to 0 going.
 */
async function refreshPeriods(conn: DuckDBConnection, t: RollupTable, rowsLeft: boolean): Promise<number> {
	if (!t.touched) throw new Error(`${t.table}: a rollup per month names the keys a touched row counts for`);
	const keys = ['d', ...t.keys].join(', ');
	if (t.growsByRows) {
		// (a write no row left, the usual load of new rows, has no key whose change is 0)
		const added = await conn.run(
			`INSERT INTO ${t.table} (${keys}, n) SELECT ${keys}, n FROM (${t.touched.sums})${rowsLeft ? ' WHERE n <> 0' : ''}`
		);
		return Number(added.rowsChanged);
	}
	await conn.run(`CREATE OR REPLACE TEMP TABLE rollup_month_delta AS SELECT ${keys}, n FROM (${t.touched.sums}) WHERE n <> 0`);
	const changed = await applyDelta(conn, t, 'rollup_month_delta');
	await conn.run('DROP TABLE IF EXISTS rollup_month_delta');
	return changed;
}

/**
 * Adds the table `delta` (the keys of a rollup `t` kept by signed rows that grows by rows, one row each, and what each
 * measure changes by) to the rollup. A key that only rows coming changed (`left_rows` 0: `aggregateSql`'s change) gets
 * a row of its own with the change, so its counts may stand in several rows (`RollupTable.growsByRows`), which its
 * readers sum. Any other key has its rows folded into one with the new counts, or none at a count `n` of 0: a signed
 * rollup's row must be the counts of a set of its key's rows. Returns the keys changed. (The period rollups that grow
 * by rows add every change as a row: `refreshPeriods`.)
 *
 * Rows added, not merged: the MERGE that finds each key's row scans the table, which for a batch spread over every
 * month is all of it, where an insert writes only the batch's keys. 1,000 complaints arriving late, spread over two
 * years (5M complaints): the three period tables' upkeep 67-91, 160-216 and 39-56 ms by the MERGE, 7-15, 13-19 and
 * 5-7 ms so. The fold deletes the keys' rows by one scan that hands them back (`DELETE … RETURNING`, appended to a
 * temp table) and inserts their sums (two scans, a read and the delete, took longer). contact_times is kept by the
 * MERGE (`RollupTable.growsByRows`).
 */
async function addRows(conn: DuckDBConnection, t: RollupTable, delta: string): Promise<number> {
	if (!t.signed || t.signed.sums) throw new Error(`${t.table}: not a rollup of counts kept by signed rows`);
	const grows = 'left_rows = 0';
	const [size] = await queryRows<{ grown: number; fallen: number }>(
		conn,
		`SELECT count(*) FILTER (WHERE ${grows}) AS grown, count(*) FILTER (WHERE NOT (${grows})) AS fallen FROM ${delta}`
	);
	const grown = Number(size?.grown);
	const fallen = Number(size?.fallen);
	const step = profiler(`rows ${t.table}`);
	const keys = ['d', ...t.keys];
	const measures = Object.keys(t.measures);
	const cols = [...keys, ...measures].join(', ');
	if (grown > 0) {
		await conn.run(`INSERT INTO ${t.table} (${cols}) SELECT ${cols} FROM ${delta} WHERE ${grows}`);
		step('added');
	}
	if (fallen > 0) {
		const same = await sameKey(conn, t);
		const folding = `(SELECT * FROM ${delta} WHERE NOT (${grows})) x`;
		// the keys' rows deleted by one scan, which hands them back (RETURNING) to be kept meanwhile: reading them first
		// and deleting them after took two scans of the table
		await conn.run(`CREATE OR REPLACE TEMP TABLE rollup_fold_old AS SELECT ${cols} FROM ${t.table} LIMIT 0`);
		const deleted = await conn.run(
			`DELETE FROM ${t.table} r USING ${folding} WHERE ${same} RETURNING ${[...keys, ...measures].map((c) => `r.${c}`).join(', ')}`
		);
		const kept = await conn.createAppender('rollup_fold_old', 'main', 'temp');
		try {
			for (let chunk = await deleted.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await deleted.fetchChunk())
				kept.appendDataChunk(chunk);
			kept.flushSync();
		} finally {
			kept.closeSync();
		}
		step('fold delete');
		await conn.run(
			`INSERT INTO ${t.table} (${cols})
			 SELECT ${keys.join(', ')}, ${measures.map((m) => `sum(${m}) AS ${m}`).join(', ')} FROM (
			   SELECT ${cols} FROM rollup_fold_old UNION ALL SELECT ${cols} FROM ${delta} WHERE NOT (${grows})
			 ) GROUP BY ALL HAVING sum(n) > 0;
			 DROP TABLE rollup_fold_old`
		);
		step('folded');
	}
	return grown + fallen;
}

/** The first day of the period of a rollup's row holding a source row of day `day` (an expression): the day itself, or its month's or week's first. */
const periodOf = (t: RollupTable, day: string) => (t.period ? `date_trunc('${t.period}', ${day})::DATE` : day);

/**
 * A period is compacted once the writes recorded there since its last compaction may have added this share of its rows
 * (their source rows times `RollupTable.rowsPerSource`). A batch spread over every month adds a few rows to each: after
 * 1,000 complaints sent again over two years, rewriting every month of the five tables took 9.4 s (5M complaints), for
 * reads that the few rows more did not slow. Daily loads of one month pass it every day or two.
 */
const COMPACTED_FROM = 0.1;

/**
 * Folds each key of a rollup that grows by rows (`RollupTable.growsByRows`) that stands in several rows into one (none
 * when its rows sum to 0: a period rollup's key whose rows all left), in the periods writes recorded (`rollup_split`)
 * that are due (`COMPACTED_FROM`; a period recorded without a count is), all in one transaction, and removes their
 * record; the others stay recorded. No answer changes (every reader sums a key's rows, and leaves out a group whose
 * count sums to 0); reads of a period that many writes added to get cheaper: daily loads of one month leave each of
 * its time keys in a row per day (after 15 daily loads into the 5M database, complaint_time_cuts' month held 259,160
 * rows for 110,419 keys, more than a whole month loaded at once). Of the periods due, only those with more rows than
 * keys are rewritten, in the table's order. Run under the write lock, after the commit (the server: after every write,
 * and at start). Returns the rows removed per table, or null when no period was due.
 */
export async function compactSplit(conn: DuckDBConnection): Promise<Record<string, number> | null> {
	const recorded = await queryRows<{ tbl: string; d: string; touched: number | null }>(
		conn,
		`SELECT tbl, strftime(d, '%Y-%m-%d') AS d, CASE WHEN bool_or(touched IS NULL) THEN NULL ELSE sum(touched) END AS touched
		 FROM rollup_split GROUP BY tbl, d`
	);
	if (recorded.length === 0) return null;
	const step = profiler('compact');
	const removed: Record<string, number> = {};
	await conn.run('BEGIN TRANSACTION');
	try {
		// the record kept at one row a period (those not yet due stay, and each write adds a row to each of its periods)
		await conn.run(
			`CREATE OR REPLACE TEMP TABLE rollup_split_now AS
			 SELECT tbl, d, CASE WHEN bool_or(touched IS NULL) THEN NULL ELSE sum(touched) END AS touched FROM rollup_split GROUP BY tbl, d;
			 DELETE FROM rollup_split;
			 INSERT INTO rollup_split (tbl, d, touched) SELECT tbl, d, touched FROM rollup_split_now;
			 DROP TABLE rollup_split_now`
		);
		for (const t of ROLLUP_TABLES.filter((r) => r.growsByRows)) {
			const periods = recorded.filter((r) => r.tbl === t.table);
			if (!periods.length) continue;
			const days = JSON.stringify(periods.map((p) => p.d));
			const span = [
				periods.reduce((a, p) => (p.d < a ? p.d : a), periods[0]!.d),
				periods.reduce((a, p) => (p.d > a ? p.d : a), periods[0]!.d)
			];
			// (the span first, so the scans skip the blocks of other periods by their min/max)
			const inSpan = 'd BETWEEN $1::DATE AND $2::DATE';
			const sizes = await queryRows<{ d: string; n: number }>(
				conn,
				`SELECT strftime(d, '%Y-%m-%d') AS d, count(*) AS n FROM ${t.table} WHERE ${inSpan} AND list_contains(CAST($3::JSON AS DATE[]), d) GROUP BY d`,
				[...span, days]
			);
			const size = new Map(sizes.map((r) => [r.d, Number(r.n)]));
			const due = periods
				.filter((p) => p.touched === null || Number(p.touched) * (t.rowsPerSource ?? 1) >= COMPACTED_FROM * (size.get(p.d) ?? 0))
				.map((p) => p.d);
			if (!due.length) continue;
			const keys = ['d', ...t.keys];
			const measures = Object.keys(t.measures);
			// (keys counted by their hash, half the time of counting them whole: two keys of one hash only make a period look
			// split, and it is compacted for nothing)
			const dueIn = `${inSpan} AND list_contains(CAST($3::JSON AS DATE[]), d)`;
			await conn.run(
				`CREATE OR REPLACE TEMP TABLE rollup_compacting AS SELECT d FROM ${t.table}
				 WHERE ${dueIn} GROUP BY d HAVING count(*) > count(DISTINCT hash(${keys.join(', ')}))`,
				[...span, JSON.stringify(due)]
			);
			const picked = `${inSpan} AND d IN (SELECT d FROM rollup_compacting)`;
			await conn.run(
				`CREATE OR REPLACE TEMP TABLE rollup_folded AS SELECT ${keys.join(', ')}, ${measures.map((m) => `sum(${m})::BIGINT AS ${m}`).join(', ')}
				 FROM ${t.table} WHERE ${picked} GROUP BY ALL HAVING sum(n) <> 0`,
				span
			);
			const gone = await conn.run(`DELETE FROM ${t.table} WHERE ${picked}`, span);
			const back = await conn.run(
				`INSERT INTO ${t.table} (${[...keys, ...measures].join(', ')}) SELECT ${[...keys, ...measures].join(', ')} FROM rollup_folded ORDER BY ${t.order ?? 'd, store'}`
			);
			removed[t.table] = Number(gone.rowsChanged) - Number(back.rowsChanged);
			await conn.run(`DELETE FROM rollup_split WHERE tbl = $1 AND list_contains(CAST($2::JSON AS DATE[]), d)`, [
				t.table,
				JSON.stringify(due)
			]);
			step(t.table);
		}
		await conn.run('DROP TABLE IF EXISTS rollup_compacting; DROP TABLE IF EXISTS rollup_folded');
		await conn.run('COMMIT');
	} catch (e) {
		await conn.run('ROLLBACK');
		throw e;
	}
	return Object.keys(removed).length ? removed : null;
}

const compactingAfter = new WeakSet<Database>();

/**
 * After write work under the lock (`Database.onWritesDone`), and at start: compacts the periods writes split
 * (`compactSplit`), under the write lock, as work that changes no answer (the data version stays, so kept answers
 * stay). Reads the record first without the lock. Resolves with the rows removed per table (null: nothing to do).
 */
export async function compactAfterWrites(db: Database): Promise<Record<string, number> | null> {
	if (compactingAfter.has(db)) return null;
	const [pending] = await db.withConnection((conn) => queryRows<{ n: number }>(conn, 'SELECT count(*) AS n FROM rollup_split'));
	if (!Number(pending?.n)) return null;
	compactingAfter.add(db);
	try {
		return await db.withWriteLock(compactSplit, 'compacts');
	} finally {
		compactingAfter.delete(db);
	}
}

/** One difference between a rollup and the raw rows. */
export interface RollupDifference {
	table: string;
	/** the key, as text */
	key: string;
	/** the measure that differs, or 'row' when the key is on one side only */
	column: string;
	rollup: string | null;
	raw: string | null;
}

/**
 * Compares every rollup with the raw rows: each key on both sides, each measure equal (sums of
 * fractional answers to 1e-9 relative). Returns up to `limit` differences; none when current and right.
 */
export async function verifyRollups(conn: DuckDBConnection, limit = 50): Promise<RollupDifference[]> {
	const out: RollupDifference[] = [];
	// the gaps the upkeep reads stored, against the rows
	const gaps = await queryRows<{ key: string; rollup: string | null; raw: string | null }>(
		conn,
		`SELECT c.complaint_id AS key, c.repeat_gap_us::VARCHAR AS rollup, p.gap::VARCHAR AS raw
		 FROM complaints c LEFT JOIN (${repeatGaps('true')}) p ON p.rid = c.rowid
		 WHERE c.repeat_gap_us IS DISTINCT FROM p.gap LIMIT ${Math.max(1, Math.floor(limit))}`
	);
	out.push(...gaps.map((g) => ({ table: 'complaints', column: 'repeat_gap_us', ...g })));
	// and the next times each contact stores
	const next = await queryRows<{ key: string; rollup: string | null; raw: string | null }>(
		conn,
		`SELECT contact_id AS key, concat_ws(' | ', stored_next_inbound_at, stored_next_reach_at) AS rollup, concat_ws(' | ', fresh_inbound_at, fresh_reach_at) AS raw
		 FROM (${storedNextRows('true', null, ['contact_id'])}) WHERE ${NEXT_DIFFERS}
		 UNION ALL SELECT contact_id, concat_ws(' | ', stored_next_inbound_at, stored_next_reach_at), NULL FROM contacts
		 WHERE customer_phone_hash IS NULL AND (stored_next_inbound_at IS NOT NULL OR stored_next_reach_at IS NOT NULL)
		 LIMIT ${Math.max(1, Math.floor(limit))}`
	);
	out.push(...next.map((g) => ({ table: 'contacts', column: 'stored_next_inbound_at | stored_next_reach_at', ...g })));
	for (const t of ROLLUP_TABLES) {
		const keyCols = ['d', ...t.keys];
		const cols = columnsOf(t);
		const on = keyCols.map((k) => `r.${k} IS NOT DISTINCT FROM w.${k}`).join(' AND ');
		const both = cols.flatMap((c) => [`r.${c} AS r_${c}`, `w.${c} AS w_${c}`]).join(', ');
		const key = `concat_ws(' | ', ${keyCols.map((k) => `coalesce(coalesce(r_${k}, w_${k})::VARCHAR, '∅')`).join(', ')})`;
		const arms = [
			`SELECT ${key} AS key, 'row' AS column, CASE WHEN r_d IS NULL THEN NULL ELSE 'present' END AS rollup,
			        CASE WHEN w_d IS NULL THEN NULL ELSE 'present' END AS raw
			 FROM diff WHERE r_d IS NULL OR w_d IS NULL`,
			...Object.keys(t.measures).map(
				(m) => `SELECT ${key}, '${m}', r_${m}::VARCHAR, w_${m}::VARCHAR FROM diff
				 WHERE r_d IS NOT NULL AND w_d IS NOT NULL AND NOT (r_${m} IS NOT DISTINCT FROM w_${m}
				   OR coalesce(abs(r_${m}::DOUBLE - w_${m}::DOUBLE) <= 1e-9 * greatest(1, abs(w_${m}::DOUBLE)), false))`
			)
		];
		// (a sum of another rollup compared with the raw rows, not with that one; a key kept in several rows by their sum, a
		// period rollup's key whose rows sum to 0 as none: its rows left, the compaction drops it)
		const stored = (where: string) =>
			t.growsByRows
				? `SELECT ${keyCols.join(', ')}, ${Object.keys(t.measures)
						.map((m) => `sum(${m}) AS ${m}`)
						.join(', ')} FROM ${t.table} WHERE ${where} GROUP BY ALL${t.period ? ' HAVING sum(n) <> 0' : ''}`
				: `SELECT * FROM ${t.table} WHERE ${where}`;
		for (const { where, fill } of t.sumOf ? [{ where: 'true', fill: aggregateSql(t, 'true', null) }] : rebuildParts(t)) {
			const rows = await queryRows<{ key: string; column: string; rollup: string | null; raw: string | null }>(
				conn,
				`WITH diff AS (SELECT ${both} FROM (${stored(where)}) r FULL OUTER JOIN (${fill}) w ON ${on})
				 ${arms.join(' UNION ALL ')} LIMIT ${Math.max(1, Math.floor(limit))}`
			);
			out.push(...rows.map((r) => ({ table: t.table, ...r })));
			if (out.length >= limit) break;
		}
		if (out.length >= limit) break;
	}
	return out.slice(0, limit);
}
