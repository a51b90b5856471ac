import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rollbackBatch } from '../../pipelines/batches';
import { verifyAuditChain } from '../../src/lib/server/core/db/audit';
import {
	applyRetention,
	applyRetentionAtStart,
	customerCutoff,
	previewRetention,
	readRetentionSetting,
	saveRetentionSetting,
	type RetentionCounts
} from '../../src/lib/server/features/admin/retention';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { load, rows, snapshot, tempDatabase } from '../helpers/db';

/**
 * Retention on a real DuckDB file: complaints loaded through the ingestion engine at known dates, a
 * second load replacing two of them (so the rollback history holds old versions), then retention
 * applied as of a fixed "now".
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const c of cleanups.splice(0)) c();
});

// 15 June 2025, noon, on the server's calendar: 12 months keeps complaints received from 2024-06-15 on.
const NOW = new Date(2025, 5, 15, 12, 0, 0).getTime();
const HOUR = 3_600_000;
const SESSION_MAX = 7 * 24 * HOUR;
const ADMIN = { name: 'admin', ip: '10.0.0.5' };

const HEADER = '投诉编号,受理时间,门店,内容摘要,投诉人,联系电话';
// id, received, summary, name, phone
const FIRST: [string, string, string, string, string][] = [
	['C1', '2023-03-01 10:00', '旧版', '张三', '13800000001'], // old: erased
	['C2', '2024-06-14 23:59', '旧版', '李四', '13800000002'], // the last minute before the cutoff day: erased
	['C3', '2024-06-15 00:00', '旧版', '王五', '13800000003'], // the cutoff day itself: kept
	['C4', '2025-06-01 09:30', '旧版', '赵六', '13800000004'], // recent: kept
	['C5', '2024-01-02 08:00', '旧版', '钱七', ''], // old, a name without a phone: erased
	['C6', '2023-01-05 08:00', '旧版', '', ''] // old, nothing to erase
];
// a later export of the register: C1 and C4 updated, their first versions go to complaints_replaced
const SECOND = FIRST.filter(([id]) => id === 'C1' || id === 'C4').map(
	([id, at, , name, phone]) => [id, at, '更新版', name, phone] as const
);
const NAMES_AND_PHONES = FIRST.flatMap(([, , , name, phone]) => [name, phone]).filter((v) => v !== '');

async function fixture() {
	const t = await tempDatabase();
	cleanups.push(() => t.close());
	const csv = (name: string, lines: readonly (readonly string[])[]) => {
		const file = join(t.dir, name);
		writeFileSync(file, [HEADER, ...lines.map((l) => [l[0], l[1], '上海徐家汇店', ...l.slice(2)].join(','))].join('\n') + '\n');
		return file;
	};
	const first = await load(t.db, 'complaints', csv('first.csv', FIRST));
	const second = await load(t.db, 'complaints', csv('second.csv', SECOND));
	expect([first.status, first.rows_loaded, second.status, second.rows_replaced]).toEqual(['committed', 6, 'committed', 2]);
	// sessions: one idle-expired, one past the 7-day maximum though its idle expiry is ahead, one alive
	await t.db.withConnection(async (c) => {
		const session = (hash: string, created: number, expires: number) =>
			c.run('INSERT INTO sessions VALUES ($1, 1, epoch_ms($2::BIGINT), epoch_ms($2::BIGINT), epoch_ms($3::BIGINT), NULL)', [
				hash,
				created,
				expires
			] as never);
		await session('idle-expired', NOW - 20 * HOUR, NOW - 8 * HOUR);
		await session('too-old', NOW - 8 * 24 * HOUR, NOW + HOUR);
		await session('alive', NOW - HOUR, NOW + 11 * HOUR);
	});
	return { ...t, secondBatch: second.batch_id! };
}

interface Customer {
	complaint_id: string;
	summary: string;
	customer_name: string | null;
	customer_phone: string | null;
	hash: string | null;
}

const customers = (db: Awaited<ReturnType<typeof fixture>>['db'], table: 'complaints' | 'complaints_replaced') =>
	rows<Customer>(
		db,
		`SELECT complaint_id, summary, customer_name, customer_phone, customer_phone_hash::VARCHAR AS hash FROM ${table} ORDER BY complaint_id`
	);

/** Applies a 12-month limit by hand as of NOW, confirming `expected` when given. */
const applyManually = (db: Awaited<ReturnType<typeof fixture>>['db'], expected?: RetentionCounts) =>
	applyRetention(db, { months: 12, actor: ADMIN, trigger: 'manual', now: NOW, sessionMaxMs: SESSION_MAX, expected });

const byId = (list: Customer[]) => Object.fromEntries(list.map((r) => [r.complaint_id, r]));

describe('the retention cutoff', () => {
	it('is the same calendar day N months ago, clamped to the end of shorter months; 0 keeps everything', () => {
		expect(customerCutoff(12, NOW)).toBe('2024-06-15');
		expect(customerCutoff(36, NOW)).toBe('2022-06-15');
		expect(customerCutoff(1, new Date(2025, 2, 31, 9).getTime())).toBe('2025-02-28');
		expect(customerCutoff(1, new Date(2024, 2, 31, 9).getTime())).toBe('2024-02-29');
		expect(customerCutoff(14, new Date(2025, 1, 10).getTime())).toBe('2023-12-10');
		expect(customerCutoff(0, NOW)).toBeNull();
	});
});

describe('applying retention', () => {
	it('erases exactly the old names and phones, keeps their hashes, leaves recent rows alone, and the history too', async () => {
		const { db } = await fixture();
		const before = { current: byId(await customers(db, 'complaints')), history: byId(await customers(db, 'complaints_replaced')) };
		expect(Object.keys(before.history)).toEqual(['C1', 'C4']);

		const preview = await db.withConnection((c) => previewRetention(c, 12, NOW, SESSION_MAX));
		expect(preview).toEqual({ months: 12, cutoff: '2024-06-15', complaints: 3, contacts: 0, history: 1, rejected: 0, expiredSessions: 2 });

		const result = await applyManually(db, { complaints: 3, contacts: 0, history: 1, rejected: 0 });
		expect(result).toEqual({
			ok: true,
			applied: { months: 12, cutoff: '2024-06-15', complaints: 3, contacts: 0, history: 1, rejected: 0, sessions: 2 }
		});

		const current = byId(await customers(db, 'complaints'));
		for (const id of ['C1', 'C2', 'C5']) {
			expect(current[id], id).toEqual({ ...before.current[id], customer_name: null, customer_phone: null });
		}
		expect(current.C1!.hash).not.toBeNull();
		expect(current.C2!.hash).toBe(before.current.C2!.hash);
		for (const id of ['C3', 'C4', 'C6']) expect(current[id], id).toEqual(before.current[id]);

		const history = byId(await customers(db, 'complaints_replaced'));
		expect(history.C1).toEqual({ ...before.history.C1, customer_name: null, customer_phone: null });
		expect(history.C1!.hash).not.toBeNull();
		expect(history.C4).toEqual(before.history.C4);

		expect((await rows<{ token_hash: string }>(db, 'SELECT token_hash FROM sessions')).map((s) => s.token_hash)).toEqual(['alive']);

		// applying again finds nothing more
		expect(await db.withConnection((c) => previewRetention(c, 12, NOW, SESSION_MAX))).toMatchObject({
			complaints: 0,
			history: 0,
			expiredSessions: 0
		});
	});

	it('records counts in the audit log, never a name or a phone, and keeps the chain whole', async () => {
		const { db } = await fixture();
		await applyManually(db);
		const log = await rows<{ actor: string; action: string; target: string; ip: string; detail: string }>(
			db,
			'SELECT actor, action, target, ip, detail FROM audit_log ORDER BY seq'
		);
		const entry = log.find((e) => e.action === 'retention_applied');
		expect(entry).toMatchObject({ actor: 'admin', target: 'complaints', ip: '10.0.0.5' });
		expect(JSON.parse(entry!.detail)).toEqual({
			trigger: 'manual',
			months: 12,
			cutoff: '2024-06-15',
			complaints: 3,
			contacts: 0,
			history: 1,
			rejected: 0,
			sessions: 2
		});
		const everything = JSON.stringify(await rows(db, 'SELECT * FROM audit_log'));
		for (const value of NAMES_AND_PHONES) expect(everything).not.toContain(value);
		expect(await db.withConnection((c) => verifyAuditChain(c))).toMatchObject({ ok: true });
	});

	it('a rollback after retention does not bring erased names and phones back', async () => {
		const { db, secondBatch } = await fixture();
		await applyManually(db);
		expect(await rollbackBatch(db, secondBatch, 'vitest')).toMatchObject({ ok: true, removed: 2, restored: 2 });
		const current = byId(await customers(db, 'complaints'));
		expect(current.C1).toMatchObject({ summary: '旧版', customer_name: null, customer_phone: null });
		expect(current.C4).toMatchObject({ summary: '旧版', customer_name: '赵六', customer_phone: '13800000004' });
		const everywhere = JSON.stringify(
			[await rows(db, 'SELECT * FROM complaints'), await rows(db, 'SELECT * FROM complaints_replaced')],
			(_k, v) => (typeof v === 'bigint' ? String(v) : v)
		);
		for (const value of ['张三', '13800000001', '李四', '13800000002', '钱七']) expect(everywhere).not.toContain(value);
	});

	it('rejected rows of complaint files loaded before the cutoff lose their raw row and the name and phone values', async () => {
		const { db, dir } = await fixture();
		// two partial loads whose failing rows carry names and phones: one "loaded" before the cutoff, one after
		const bad = (name: string, id: string, phone: string, person: string) => {
			const file = join(dir, name);
			writeFileSync(
				file,
				`${HEADER}\n${id}-ok,2025-01-02 10:00,上海徐家汇店,好,${person},13900000000\n${id}-bad,2025-02-30 10:00,上海徐家汇店,坏,${person},${phone}\n${id}-tel,2025-01-03 10:00,上海徐家汇店,坏,${person},12345\n`
			);
			return file;
		};
		const old = await load(db, 'complaints', bad('old.csv', 'R1', '13811112222', '孙悟空'), { acceptPartial: true });
		const recent = await load(db, 'complaints', bad('recent.csv', 'R2', '13833334444', '猪八戒'), { acceptPartial: true });
		expect([old.status, old.rows_loaded, old.rows_rejected, recent.rows_rejected]).toEqual(['committed', 1, 2, 2]);
		await db.withConnection((c) =>
			c.run("UPDATE batches SET started_at = TIMESTAMP '2024-01-01 09:00' WHERE batch_id = $1", [old.batch_id!])
		);
		const rejected = (batch: number) =>
			rows<{ row_number: number; column_name: string; raw_value: string | null; reason: string; params: string; raw_row: string | null }>(
				db,
				'SELECT row_number, column_name, raw_value, reason, reason_params::VARCHAR AS params, raw_row::VARCHAR AS raw_row FROM rejected_rows WHERE batch_id = $1 ORDER BY row_number',
				[batch]
			);
		const before = { old: await rejected(old.batch_id!), recent: await rejected(recent.batch_id!) };
		expect(before.old.map((r) => r.column_name)).toEqual(['受理时间', '联系电话']);
		expect(before.old[1]!.reason).toContain('12345');
		expect(JSON.stringify(before.old)).toContain('孙悟空');

		const preview = await db.withConnection((c) => previewRetention(c, 12, NOW, SESSION_MAX));
		// both rejected rows of the old file hold a raw row (with the name); the recent file's are kept
		expect(preview).toMatchObject({ complaints: 3, contacts: 0, history: 1, rejected: 2 });
		const result = await applyManually(db, { complaints: 3, contacts: 0, history: 1, rejected: 2 });
		expect(result).toMatchObject({ ok: true, applied: { rejected: 2 } });

		const after = await rejected(old.batch_id!);
		expect(after.map((r) => r.raw_row)).toEqual([null, null]);
		// the date's value is not personal and stays; the phone's value is gone from the value, the reason and its parameters
		expect(after[0]).toMatchObject({ column_name: '受理时间', raw_value: '2025-02-30 10:00', reason: before.old[0]!.reason });
		expect(after[1]).toMatchObject({ column_name: '联系电话', raw_value: null });
		expect(after[1]!.reason).toBe(before.old[1]!.reason.replace('12345', '—'));
		expect(JSON.parse(after[1]!.params)).toMatchObject({ value: '—' });
		expect(JSON.stringify(after)).not.toContain('孙悟空');
		expect(await rejected(recent.batch_id!)).toEqual(before.recent);
		expect(await db.withConnection((c) => previewRetention(c, 12, NOW, SESSION_MAX))).toMatchObject({ rejected: 0 });
		const [entry] = await rows<{ detail: string }>(db, "SELECT detail FROM audit_log WHERE action = 'retention_applied'");
		expect(JSON.parse(entry!.detail)).toMatchObject({ rejected: 2 });
	});

	it('with the setting at 0 keeps every name and phone (expired sessions are still purged)', async () => {
		const { db } = await fixture();
		await db.withConnection((c) => saveRetentionSetting(c, 0, ADMIN, NOW));
		const before = [await snapshot(db, 'complaints'), await snapshot(db, 'complaints_replaced')];
		expect(await db.withConnection((c) => previewRetention(c, 0, NOW, SESSION_MAX))).toMatchObject({
			cutoff: null,
			complaints: 0,
			history: 0
		});
		const result = await applyRetention(db, { months: 0, actor: ADMIN, trigger: 'manual', now: NOW, sessionMaxMs: SESSION_MAX });
		expect(result).toEqual({
			ok: true,
			applied: { months: 0, cutoff: null, complaints: 0, contacts: 0, history: 0, rejected: 0, sessions: 2 }
		});
		expect(await applyRetentionAtStart(db, NOW)).toMatchObject({ complaints: 0, history: 0 });
		expect([await snapshot(db, 'complaints'), await snapshot(db, 'complaints_replaced')]).toEqual(before);
	});

	it('refuses when the counts differ from the ones confirmed, and changes nothing', async () => {
		const { db } = await fixture();
		const before = await snapshot(db, 'complaints');
		const result = await applyManually(db, { complaints: 2, contacts: 0, history: 1, rejected: 0 });
		expect(result).toEqual({ ok: false, error: 'count_changed', counts: { complaints: 3, contacts: 0, history: 1, rejected: 0 } });
		expect(await snapshot(db, 'complaints')).toEqual(before);
		expect(await rows(db, "SELECT * FROM audit_log WHERE action = 'retention_applied'")).toEqual([]);
	});
});

describe('retention of contacts (服务过程)', () => {
	const CONTACT_HEADER =
		'会话编号,渠道,门店,坐席工号,进线时间,接起时间,结束时间,通话时长,保持时长,话后处理时长,客户电话,是否解决,业务类型,回拨时间,呼叫方向';
	// id, arrived (answered 10 s later, ended 5 min later), phone, topic
	const contact = (id: string, day: string, phone: string, topic: string) =>
		`${id},电话,上海徐家汇店,E1,${day} 10:00:00,${day} 10:00:10,${day} 10:05:00,290,,,${phone},,${topic},,`;
	const CONTACTS_FIRST = [
		contact('K1', '2024-01-10', '13700000001', '咨询'), // old: erased
		contact('K2', '2024-01-12', '13700000001', '咨询'), // old, the same phone 2 days later (K1 not resolved first time): erased
		contact('K3', '2025-05-01', '13700000003', '咨询'), // recent: kept
		contact('K4', '2025-05-03', '13700000003', '咨询') // recent, a repeat of K3: kept
	];
	// a later export: K1 and K3 updated, their first versions go to contacts_replaced
	const CONTACTS_SECOND = [contact('K1', '2024-01-10', '13700000001', '退换货'), contact('K3', '2025-05-01', '13700000003', '退换货')];

	interface Contact {
		contact_id: string;
		topic: string;
		customer_phone: string | null;
		hash: string | null;
	}
	const contacts = (db: Awaited<ReturnType<typeof fixture>>['db'], table: 'contacts' | 'contacts_replaced') =>
		rows<Contact>(db, `SELECT contact_id, topic, customer_phone, customer_phone_hash::VARCHAR AS hash FROM ${table} ORDER BY contact_id`);
	const byContact = (list: Contact[]) => Object.fromEntries(list.map((r) => [r.contact_id, r]));

	it('erases the phones of old contacts and of their replaced versions and rejected rows; the hash and 首次解决率 stay', async () => {
		const { db, dir } = await fixture();
		const file = (name: string, lines: string[]) => {
			writeFileSync(join(dir, name), [CONTACT_HEADER, ...lines].join('\n') + '\n');
			return join(dir, name);
		};
		const first = await load(db, 'contacts', file('contacts-1.csv', CONTACTS_FIRST));
		const second = await load(db, 'contacts', file('contacts-2.csv', CONTACTS_SECOND));
		// a partial load "loaded" before the cutoff: its rejected row (an impossible date in its three time columns,
		// three rejected cells) carries a phone in the raw row
		const partial = await load(
			db,
			'contacts',
			file('contacts-bad.csv', [contact('K5', '2025-01-02', '13700000005', '咨询'), contact('K6', '2025-02-30', '13766667777', '咨询')]),
			{ acceptPartial: true }
		);
		expect([first.status, second.rows_replaced, partial.status, partial.rows_rejected]).toEqual(['committed', 2, 'committed', 1]);
		await db.withConnection((c) =>
			c.run("UPDATE batches SET started_at = TIMESTAMP '2024-01-01 09:00' WHERE batch_id = $1", [partial.batch_id!])
		);
		const rawRows = () =>
			rows<{ raw_row: string | null }>(db, 'SELECT raw_row::VARCHAR AS raw_row FROM rejected_rows WHERE batch_id = $1', [
				partial.batch_id!
			]);
		expect(JSON.stringify(await rawRows())).toContain('13766667777');

		// 首次解决率 (7-day repeat by phone hash) as of NOW: K1 and K3 came back within 7 days (K2, K4); K2, K4 and K5 did not: 3 of 5
		const fcr = async () => {
			const r = await queryMetric(
				db,
				{ metric: 'fcr_repeat', from: '2024-01-01', to: '2025-06-15', grain: 'all', scope: null },
				{ asOf: '2025-06-15 12:00:00' }
			);
			expect(r.rows).toHaveLength(1);
			return r.rows[0]!;
		};
		const fcrBefore = await fcr();
		expect(fcrBefore).toMatchObject({ numerator: 3, denominator: 5 });

		const before = { current: byContact(await contacts(db, 'contacts')), history: byContact(await contacts(db, 'contacts_replaced')) };
		expect(Object.keys(before.history)).toEqual(['K1', 'K3']);

		const preview = await db.withConnection((c) => previewRetention(c, 12, NOW, SESSION_MAX));
		// complaints C1 C2 C5; contacts K1 K2; replaced versions C1 and K1; the partial contact file's three rejected cells
		expect(preview).toMatchObject({ complaints: 3, contacts: 2, history: 2, rejected: 3 });
		const version = db.dataVersion;
		const result = await applyManually(db, { complaints: 3, contacts: 2, history: 2, rejected: 3 });
		expect(result).toMatchObject({ ok: true, applied: { complaints: 3, contacts: 2, history: 2, rejected: 3 } });
		expect(db.dataVersion).not.toBe(version);

		const current = byContact(await contacts(db, 'contacts'));
		for (const id of ['K1', 'K2']) {
			expect(current[id], id).toEqual({ ...before.current[id], customer_phone: null });
			expect(current[id]!.hash, id).not.toBeNull();
		}
		for (const id of ['K3', 'K4', 'K5']) expect(current[id], id).toEqual(before.current[id]);
		const history = byContact(await contacts(db, 'contacts_replaced'));
		expect(history.K1).toEqual({ ...before.history.K1, customer_phone: null });
		expect(history.K1!.hash).toBe(before.history.K1!.hash);
		expect(history.K3).toEqual(before.history.K3);
		expect((await rawRows()).map((r) => r.raw_row)).toEqual([null, null, null]);
		expect(JSON.stringify(await rows(db, 'SELECT * FROM rejected_rows'))).not.toContain('13766667777');

		expect(await fcr()).toEqual(fcrBefore);

		const [entry] = await rows<{ detail: string }>(db, "SELECT detail FROM audit_log WHERE action = 'retention_applied'");
		expect(JSON.parse(entry!.detail)).toMatchObject({ complaints: 3, contacts: 2, history: 2, rejected: 3 });
		expect(JSON.stringify(await rows(db, 'SELECT * FROM audit_log'))).not.toContain('13700000001');
		expect(await db.withConnection((c) => previewRetention(c, 12, NOW, SESSION_MAX))).toMatchObject({
			contacts: 0,
			history: 0,
			rejected: 0
		});
	});
});

describe('the retention setting', () => {
	it('defaults to 36 months unsaved, saves 0–600 with an audit entry, and ignores a save that changes nothing', async () => {
		const { db } = await fixture();
		await db.withConnection(async (c) => {
			expect(await readRetentionSetting(c)).toEqual({ customerMonths: 36, saved: false, updatedAtMs: null });
			expect(await saveRetentionSetting(c, 601, ADMIN, NOW)).toEqual({ ok: false, error: 'months_invalid' });
			expect(await saveRetentionSetting(c, 1.5, ADMIN, NOW)).toEqual({ ok: false, error: 'months_invalid' });
			expect(await saveRetentionSetting(c, 12, ADMIN, NOW)).toMatchObject({
				ok: true,
				changed: true,
				setting: { customerMonths: 12, saved: true, updatedAtMs: NOW }
			});
			expect(await saveRetentionSetting(c, 12, ADMIN, NOW + 1)).toMatchObject({ ok: true, changed: false });
			expect(await saveRetentionSetting(c, 0, ADMIN, NOW + 2)).toMatchObject({ ok: true, changed: true, setting: { customerMonths: 0 } });
		});
		const log = await rows<{ action: string; target: string; detail: string }>(
			db,
			"SELECT action, target, detail FROM audit_log WHERE action = 'settings_changed' ORDER BY seq"
		);
		expect(log.map((e) => [e.target, JSON.parse(e.detail)])).toEqual([
			['retention_customer_months', { retention_customer_months: { from: null, to: 12 } }],
			['retention_customer_months', { retention_customer_months: { from: 12, to: 0 } }]
		]);
	});

	it('is applied at start only once saved, by "(server)", audited only when something was erased', async () => {
		const { db } = await fixture();
		const before = await snapshot(db, 'complaints');
		expect(await applyRetentionAtStart(db, NOW)).toBeNull();
		expect(await snapshot(db, 'complaints')).toEqual(before);

		await db.withConnection((c) => saveRetentionSetting(c, 12, ADMIN, NOW));
		expect(await applyRetentionAtStart(db, NOW)).toMatchObject({ months: 12, complaints: 3, history: 1 });
		expect(await applyRetentionAtStart(db, NOW)).toMatchObject({ complaints: 0, history: 0 });
		const log = await rows<{ actor: string; detail: string }>(
			db,
			"SELECT actor, detail FROM audit_log WHERE action = 'retention_applied' ORDER BY seq"
		);
		expect(log).toHaveLength(1);
		expect(log[0]!.actor).toBe('(server)');
		expect(JSON.parse(log[0]!.detail)).toMatchObject({ trigger: 'start', complaints: 3, history: 1 });
	});
});
