import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Database } from '../../src/lib/server/core/db';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { dataAsOf, metricsAsOf, staleDays } from '../../src/lib/server/metrics/as-of';
import { runCommand } from '../../pipelines/commands';
import { writeCsv } from '../helpers/csv';
import { load, rows, tempDir } from '../helpers/db';
import { toolCommand } from '../helpers/cli';

/**
 * SLA compliance and backlog ages are computed as of the register's snapshot, not the wall clock: a
 * register whose data ends a year ago still shows its open complaints at the ages they had then.
 */

const DAY = 86_400_000;
const A = '杭州湖滨店';
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
// the register ends a year before today (the wall clock), at 23:00 on its last day
const END = day(Date.now() - 365 * DAY);
const endMs = Date.parse(`${END}T23:00:00Z`);
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const HEADER = ['投诉编号', '投诉时间', '门店', '投诉类别', '首次响应时间', '办结时间', '处理状态'];
const H = 3_600_000;
// open, never answered: 2 h, 2 days, 10 days and 40 days old at the end of the register; one answered in 2 h and closed
const ROWS = [
	['o1', stamp(endMs - 2 * H), A, '价格', '', '', '处理中'],
	['o2', stamp(endMs - 2 * DAY), A, '价格', '', '', '待处理'],
	['o3', stamp(endMs - 10 * DAY), A, '价格', '', '', '处理中'],
	['o4', stamp(endMs - 40 * DAY), A, '价格', '', '', '处理中'],
	['c1', stamp(endMs - 50 * DAY), A, '价格', stamp(endMs - 50 * DAY + 2 * H), stamp(endMs - 49 * DAY), '已办结']
];
const FROM = day(endMs - 60 * DAY);

let db: Database;
let dir: string;
let cleanup: () => void;

const request = (metric: string, by?: string) => ({
	metric,
	from: FROM,
	to: END,
	grain: 'all',
	filters: {},
	scope: null,
	...(by ? { by } : {})
});
// closed complaints have no age bucket (a null group of 0)
const backlog = async () =>
	Object.fromEntries(
		(await queryMetric(db, request('open_backlog', 'age_bucket'))).rows.filter((r) => r.group !== null).map((r) => [r.group, r.value])
	);
const responseCompliance = async (asOf?: string) =>
	(await queryMetric(db, request('sla_response_compliance'), asOf ? { asOf } : {})).rows[0];

beforeAll(async () => {
	({ dir, cleanup } = tempDir('sqa-asof-'));
	db = await Database.open(join(dir, 'quality.duckdb'));
	writeCsv(join(dir, 'register.csv'), HEADER, ROWS);
	expect((await load(db, 'complaints', join(dir, 'register.csv'))).status).toBe('committed');
});
afterAll(() => {
	db?.close();
	cleanup?.();
});

describe('as of the register, not the wall clock', () => {
	it('takes the last day of the data as the snapshot when the loader gives none', async () => {
		expect((await dataAsOf(db)).asOf).toBe(END);
		expect(await metricsAsOf(db)).toBe(`${END} 23:59:59`);
	});

	it('ages open complaints at the snapshot: they are not all 30天以上 a year later', async () => {
		expect(await backlog()).toEqual({ '0-24': 1, '24-72': 1, '168-720': 1, '720+': 1 });
	});

	it('counts an open complaint a breach only once its limit has passed at the snapshot', async () => {
		// answered within 24 h: c1; breached by the snapshot: o2, o3, o4; o1 (2 h old) is not due yet
		expect(await responseCompliance()).toMatchObject({ numerator: 1, denominator: 4, value: 25 });
		// against the wall clock every open complaint would be a breach: the default is not that
		const wallClock = new Date().toISOString().slice(0, 19).replace('T', ' ');
		expect(await responseCompliance(wallClock)).toMatchObject({ numerator: 1, denominator: 5 });
	});

	it('honours --as-of: the day is recorded on the batch and moves the snapshot', async () => {
		const later = day(endMs + 30 * DAY);
		writeCsv(join(dir, 'later.csv'), HEADER, [['n1', stamp(endMs - 3 * H), A, '价格', '', '', '处理中']]);
		const res = await runCommand(db, {
			command: 'ingest',
			kind: 'complaints',
			file: join(dir, 'later.csv'),
			asOf: later,
			acceptPartial: false,
			dryRun: false,
			as: 'vitest',
			locale: 'en'
		});
		expect(res.exitCode).toBe(0);
		const [batch] = await rows<{ as_of: string }>(
			db,
			`SELECT strftime(as_of, '%Y-%m-%d') AS as_of FROM batches ORDER BY batch_id DESC LIMIT 1`
		);
		expect(batch?.as_of).toBe(later);
		expect((await dataAsOf(db)).asOf).toBe(later);
		expect(await metricsAsOf(db)).toBe(`${later} 23:59:59`);
		// 30 days on, every open complaint is past 720 h and past its response limit
		expect(await backlog()).toEqual({ '720+': 5 });
		expect(await responseCompliance()).toMatchObject({ numerator: 1, denominator: 6 });
	});

	it('refuses an --as-of that is not a calendar day, from the command line as well', async () => {
		const res = await runCommand(db, {
			command: 'ingest',
			kind: 'complaints',
			file: join(dir, 'later.csv'),
			asOf: '2025-02-30',
			acceptPartial: false,
			dryRun: false,
			as: 'vitest',
			locale: 'en'
		});
		expect(res.exitCode).toBe(2);
		expect(res.text).toContain('2025-02-30');
		db.close();
		const cli = spawnSync(
			...toolCommand('ingest', [
				'complaints',
				join(dir, 'later.csv'),
				'--db',
				join(dir, 'quality.duckdb'),
				'--as-of',
				'yesterday',
				'--json'
			]),
			{ encoding: 'utf8' }
		);
		expect(cli.status).toBe(2);
		expect(cli.stdout).toContain('yesterday');
		db = await Database.open(join(dir, 'quality.duckdb'));
	});
});

describe('freshness against the wall clock', () => {
	it('names a kind late once its last load is older than its cadence', () => {
		const now = Date.parse('2026-03-10T12:00:00Z');
		expect(staleDays('complaints', now - 2 * DAY + 60_000, now)).toBeNull();
		expect(staleDays('complaints', now - 5 * DAY, now)).toBe(5);
		expect(staleDays('appraisals', now - 30 * DAY, now)).toBeNull();
		expect(staleDays('appraisals', now - 41 * DAY, now)).toBe(41);
	});

	it('reads the last load of each kind as an instant', async () => {
		const { kinds } = await dataAsOf(db);
		expect(kinds.map((k) => k.kind)).toEqual(['complaints']);
		expect(Math.abs(kinds[0]!.lastLoadMs - Date.now())).toBeLessThan(10 * 60_000);
		expect(kinds[0]!.staleDays).toBeNull();
	});
});
