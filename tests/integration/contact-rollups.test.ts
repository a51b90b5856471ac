import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { METRICS, ROLLUP_SOURCES } from '../../src/lib/server/metrics/catalog';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { saveContactLimits } from '../../src/lib/server/metrics/contact-limits';
import { FILES, generate } from '../../pipelines/generate';
import { rollbackBatch } from '../../pipelines/batches';
import { runCommand } from '../../pipelines/commands';
import { rebuildRollups, rolledContactLimits } from '../../pipelines/rollups/maintain';
import { applyRetention } from '../../src/lib/server/features/admin/retention';
import type { KindId } from '../../src/lib/shared/schema';
import { rows, tempDatabase, tempDir } from '../helpers/db';
import {
	compare,
	compareTogether,
	fullMatrix,
	unfiltered,
	readCsv,
	sameRows,
	shiftDays,
	writeCsv,
	checkStep as checkStepOf,
	FILTER_VALUES,
	RANGES,
	PART_MONTH_RANGES,
	SCOPE,
	loaded as loadedInto
} from '../helpers/golden';

/**
 * The contact rollups give the raw rows' answers: every contact metric a rollup serves, by every cut it
 * keeps, over every grain, with and without filters, for every store and for a scope, over two ranges.
 * The contacts are loaded as every other row in two files, so what a phone did next (FCR, callbacks) is
 * mostly in the other file; then a replacing load that moves contacts to other days, stores and phones,
 * rollbacks, a retention run, and other contact limits. `verifyRollups` agrees at every step.
 */

let db: Database;
let close: () => void;
let cleanup: () => void;
let data: string;
/** late enough after the ranges that every FCR window has closed */
const AS_OF = '2025-06-15 12:00:00';
const ROLLED = METRICS.filter((m) => m.rollup?.from.some((id) => ROLLUP_SOURCES[id].kind === 'contacts'));
const MATRIX = { metrics: ROLLED, ranges: RANGES, scope: SCOPE, filterValues: FILTER_VALUES };
/** the percentiles (per month: whole months from the counts, the days of part-months from raw rows) */
const PERCENTILES = { ...MATRIX, metrics: ROLLED.filter((m) => m.rollup?.from.includes('contact_times')), ranges: PART_MONTH_RANGES };

const loaded = (kind: KindId, file: string) => loadedInto(db, data, kind, file);
const checkStep = async (step: string, percentiles: 'unfiltered' | 'all' = 'unfiltered') => {
	await checkStepOf(db, MATRIX, AS_OF, step);
	const all = fullMatrix(PERCENTILES);
	expect(all.length, step).toBeGreaterThan(200);
	const cases = percentiles === 'all' ? all : unfiltered(all);
	expect(PERCENTILES.metrics.map((m) => m.id).sort(), step).toEqual(['aht_median_s', 'asa_p90_s']);
	expect(cases.length, step).toBeGreaterThan(percentiles === 'all' ? 200 : 40);
	expect(await compare(db, cases, AS_OF), step).toBeGreaterThan(cases.length / 2);
};

let batchB: number;
let replacing: number;
let contacts: Record<string, string>[];

beforeAll(async () => {
	({ dir: data, cleanup } = tempDir('sqa-contact-rollups-'));
	await generate({ outDir: data, scale: 300, seed: 5, from: '2025-01-01', days: 120, contactsPerComplaint: 20, log: () => undefined });
	contacts = readCsv(join(data, FILES.contacts));
	writeCsv(
		join(data, 'contacts-a.csv'),
		contacts.filter((_, i) => i % 2 === 0)
	);
	writeCsv(
		join(data, 'contacts-b.csv'),
		contacts.filter((_, i) => i % 2 === 1)
	);
	// A replacing load: every 5th contact again, at another store and channel, some days later or earlier,
	// with the phone of the contact after it (new repeats and callbacks, old ones gone).
	const stores = [...new Set(contacts.map((r) => r['门店']!))];
	const moved = (shift: number) =>
		contacts
			.map((r, i) => ({ r, i }))
			.filter(({ i }) => i % 5 === 2)
			.map(({ r, i }) => ({
				...r,
				门店: stores[(stores.indexOf(r['门店']!) + 1 + (i % 3)) % stores.length]!,
				渠道: i % 2 ? '电话' : '在线',
				客户电话: contacts[i + 1]?.['客户电话'] ?? r['客户电话']!,
				...Object.fromEntries(['进线时间', '接起时间', '结束时间', '回拨时间'].map((c) => [c, r[c] ? shiftDays(r[c], shift) : '']))
			}));
	writeCsv(join(data, 'contacts-r.csv'), moved(2));
	writeCsv(join(data, 'contacts-r2.csv'), moved(-3));
	({ db, close } = await tempDatabase());
}, 120_000);

afterAll(() => {
	close?.();
	cleanup?.();
});

describe('contact rollups kept current by every write', () => {
	it('after loads, with each phone’s next contacts in the other file', async () => {
		for (const kind of ['staff', 'traffic'] as const) await loaded(kind, FILES[kind]);
		await loaded('contacts', 'contacts-a.csv');
		batchB = await loaded('contacts', 'contacts-b.csv');
		const [sizes] = await rows<{ contacts: number; cuts: number }>(
			db,
			'SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM contact_cuts) AS cuts'
		);
		expect(sizes!.contacts).toBeGreaterThan(4000);
		expect(sizes!.cuts).toBeGreaterThan(0);
		await checkStep('loads');
	}, 300_000);

	it('after a replacing load', async () => {
		replacing = await loaded('contacts', 'contacts-r.csv');
		expect(
			(await rows<{ n: number }>(db, 'SELECT rows_replaced AS n FROM batches WHERE batch_id = $1', [replacing]))[0]!.n
		).toBeGreaterThan(500);
		await checkStep('replacing load');
	}, 300_000);

	it('after rollbacks', async () => {
		for (const id of [replacing, batchB]) expect((await rollbackBatch(db, id, 'vitest')).ok, `rollback ${id}`).toBe(true);
		await checkStep('rollbacks');
		await loaded('contacts', 'contacts-b.csv');
		await loaded('contacts', 'contacts-r2.csv');
		await checkStep('loads again and a second replacing load');
	}, 300_000);

	it('after late batches that change what the same phones did next weeks before them', async () => {
		// contacts of early April again 20 days later, with new ids: the earlier contacts of those phones, before the
		// batch's first contact, now have a next contact within the FCR window. And an abandoned call that lasted 35
		// days (the log allows it), reached when it ended by the only contact of another batch, 35 days after it came
		const late = contacts
			.map((r, i) => ({ r, i }))
			.filter(({ r, i }) => i % 3 === 0 && r['客户电话'] && r['进线时间']! >= '2025-04-01' && r['进线时间']! < '2025-04-10')
			.map(({ r }) => ({
				...r,
				会话编号: `${r['会话编号']}-L`,
				...Object.fromEntries(['进线时间', '接起时间', '结束时间', '回拨时间'].map((c) => [c, r[c] ? shiftDays(r[c], 20) : '']))
			}));
		expect(late.length).toBeGreaterThan(50);
		const inbound = contacts.find((r) => r['呼叫方向'] !== '呼出')!;
		const phone = '13900000001';
		const blank = { 坐席工号: '', 通话时长: '', 保持时长: '', 话后处理时长: '', 回拨时间: '', 是否解决: '' };
		const call = { ...inbound, ...blank, 客户电话: phone };
		writeCsv(join(data, 'contacts-long.csv'), [
			{ ...call, 会话编号: 'LONG-1', 进线时间: '2025-03-01 10:00:00', 接起时间: '', 结束时间: '2025-04-05 10:00:00' }
		]);
		writeCsv(join(data, 'contacts-reach.csv'), [
			{
				...call,
				会话编号: 'LONG-2',
				呼叫方向: '呼出',
				进线时间: '2025-04-05 10:05:00',
				接起时间: '2025-04-05 10:05:10',
				结束时间: '2025-04-05 10:08:00'
			}
		]);
		writeCsv(join(data, 'contacts-late.csv'), late);
		const count = `SELECT count(*) FILTER (WHERE stored_next_inbound_at IS NOT NULL AND arrived_at < '2025-04-21') AS earlier,
			count(*) FILTER (WHERE contact_id = 'LONG-1' AND stored_next_reach_at IS NOT NULL) AS long_reached FROM contacts`;
		const counted = async () =>
			(await rows<{ earlier: number; long_reached: number }>(db, count)).map((r) => [Number(r.earlier), Number(r.long_reached)])[0]!;
		await loaded('contacts', 'contacts-long.csv');
		const before = await counted();
		await loaded('contacts', 'contacts-reach.csv');
		await loaded('contacts', 'contacts-late.csv');
		const after = await counted();
		expect(after[0]).toBeGreaterThan(before[0]!);
		expect([before[1], after[1]]).toEqual([0, 1]);
		await checkStep('late batches');
	}, 300_000);

	it('after a retention run, over the whole matrix', async () => {
		const r = await applyRetention(db, { months: 12, actor: { name: 'vitest', ip: null }, trigger: 'manual' });
		expect(r.ok).toBe(true);
		expect(await rows(db, 'SELECT count(*) AS n FROM contacts WHERE customer_phone IS NOT NULL')).toEqual([{ n: 0 }]);
		await checkStep('retention', 'all');
		const cases = fullMatrix(MATRIX);
		expect(cases.length).toBeGreaterThan(1000);
		expect(await compareTogether(db, cases, AS_OF)).toBeGreaterThan(cases.length / 2);
	}, 900_000);
});

describe('what the contact rollups cannot know', () => {
	const base = { grain: 'month', filters: {}, scope: null, ...RANGES[0]! };

	it('FCR counts the days whose windows may still be open from raw rows as of "now", the others from the rollup', async () => {
		// the range ends 2025-04-30: its last contacts' 7-day windows close at 2025-05-08 00:00
		const judged = new Set<unknown>();
		// (two "now"s on one day: the same live day, judged up to different times; a page's requests share a live day's rows)
		for (const asOf of ['2025-04-20 09:30:00', '2025-05-01 12:00:00', '2025-05-07 08:00:00', '2025-05-07 23:59:59', '2025-05-08 00:00:00'])
			for (const by of [undefined, 'staff', 'weekday_hour', 'channel'])
				for (const filters of [{}, { channel: ['电话'] }]) {
					if (by && by !== 'channel' && filters.channel) continue;
					const input = { ...base, metric: 'fcr_repeat', ...(by ? { by } : {}), filters };
					const rolled = await queryMetric(db, input, { asOf });
					expect(rolled.path, asOf).toBe('rollup');
					sameRows(rolled, await queryMetric(db, input, { asOf, path: 'raw' }), JSON.stringify({ asOf, by, filters }));
					if (!by && !filters.channel) judged.add(rolled.rows.map((r) => r.denominator).join());
				}
		// "now" changed which contacts were judged: the live days were read as of each
		expect(judged.size).toBeGreaterThanOrEqual(4);
	});

	it('reads raw rows for cuts a rollup does not keep with a channel filter, for percentiles so, and for complaint links', async () => {
		for (const input of [
			{ metric: 'answer_rate', by: 'hour', filters: { channel: ['电话'] } },
			{ metric: 'asa_p90_s', filters: { channel: ['电话'] } },
			// by weekday × hour: over every store only (the counts per slot have no store)
			{ metric: 'aht_median_s', by: 'weekday_hour', scope: SCOPE },
			{ metric: 'asa_p90_s', by: 'weekday_hour', filters: { store: [SCOPE[0]!] } },
			// by week: over every store only (the counts per week have no store)
			{ metric: 'aht_median_s', grain: 'week', scope: SCOPE },
			{ metric: 'aht_median_s', grain: 'week', by: 'channel' },
			{ metric: 'contact_complaint_rate' }
		])
			expect((await queryMetric(db, { ...base, ...input }, { asOf: AS_OF })).path, input.metric).toBe('raw');
		expect(
			(await queryMetric(db, { ...base, metric: 'answer_rate', by: 'channel', filters: { channel: ['电话'] } }, { asOf: AS_OF })).path
		).toBe('rollup');
		expect((await queryMetric(db, { ...base, metric: 'aht_median_s', by: 'weekday_hour' }, { asOf: AS_OF })).path).toBe('rollup');
	});

	it('other contact limits rebuild the contact rollups, which then count by them', async () => {
		const limits = { shortAbandonSeconds: 12, serviceLevel: { default: 20, byChannel: { 在线: 45 } }, fcrDays: 3 };
		const before = await queryMetric(db, { ...base, metric: 'service_level' }, { asOf: AS_OF });
		expect((await saveContactLimits(db, limits, { name: 'vitest' })).ok).toBe(true);
		expect(await db.withConnection(rolledContactLimits)).toEqual(limits);
		const after = await queryMetric(db, { ...base, metric: 'service_level' }, { asOf: AS_OF });
		expect(after.path).toBe('rollup');
		expect(after.rows).not.toEqual(before.rows);
		// new limits rebuild only the tables counted with them: the times per second do not change with limits
		const again = await db.withWriteLock(
			(c) => rebuildRollups(c, { contactLimits: limits, kinds: ['contacts'], forLimits: true }),
			'keeps'
		);
		expect(Object.keys(again.tables)).toEqual(['contact_cuts']);
		await checkStep('other limits');
	}, 300_000);

	it('verify finds a corrupted contact rollup, and rebuild mends it', async () => {
		await db.withWriteLock(
			(c) => c.run('UPDATE contact_cuts SET fcr_kept = fcr_kept + 1 WHERE rowid = (SELECT min(rowid) FROM contact_cuts)'),
			'keeps'
		);
		const bad = await runCommand(db, { command: 'rollups', action: 'verify', locale: 'en' });
		expect(bad.exitCode).toBe(1);
		expect(bad.text).toMatch(/contact_cuts .* fcr_kept: /u);
		expect((await runCommand(db, { command: 'rollups', action: 'rebuild', locale: 'en' })).exitCode).toBe(0);
		expect((await runCommand(db, { command: 'rollups', action: 'verify', locale: 'en' })).exitCode).toBe(0);
		// the rebuild keeps the limits the rollups count with
		expect((await db.withConnection(rolledContactLimits)).fcrDays).toBe(3);
		// and what a contact stores of its phone's next contacts, which the rollup's upkeep reads
		await db.withWriteLock(
			(c) =>
				c.run(
					`UPDATE contacts SET stored_next_inbound_at = NULL WHERE rowid = (SELECT min(rowid) FROM contacts WHERE stored_next_inbound_at IS NOT NULL)`
				),
			'keeps'
		);
		const stale = await runCommand(db, { command: 'rollups', action: 'verify', locale: 'en' });
		expect(stale.exitCode).toBe(1);
		expect(stale.text).toMatch(/contacts .*stored_next_inbound_at/u);
		expect((await runCommand(db, { command: 'rollups', action: 'rebuild', locale: 'en' })).exitCode).toBe(0);
		expect((await runCommand(db, { command: 'rollups', action: 'verify', locale: 'en' })).exitCode).toBe(0);
	});
});
