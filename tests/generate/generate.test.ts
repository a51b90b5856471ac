import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { ingest, type IngestSummary } from '../../pipelines/engine';
import { FILES, generate, type Truth } from '../../pipelines/generate';
import { KINDS, type KindId } from '../../src/lib/shared/schema';
import { queryMetric } from '../../src/lib/server/metrics/query';
import { toolCommand } from '../helpers/cli';

/**
 * The generator writes the same bytes for the same seed, files the engine loads without a single
 * rejected row (UTF-8 and GBK), and the truths it plants can be found again with SQL on the loaded data.
 */

const SCALE = 10_000;
/** contacts per complaint here: a quarter of the default keeps the suite fast and the planted truths still plain */
const CONTACTS = 5;
const root = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'sqa-generate-'));
const dirs = {
	a: join(work, 'a'),
	cli: join(work, 'cli'),
	other: join(work, 'other'),
	gbk: join(work, 'gbk'),
	small: join(work, 'small'),
	bom: join(work, 'bom')
};
const OUTPUTS = [...Object.values(FILES), 'truth.json'];
let truth: Truth;

const read = (dir: string, file: string) => readFileSync(join(dir, file));
const rows = <T = Record<string, unknown>>(db: Database, sql: string, params: unknown[] = []) =>
	db.withConnection((conn) => queryRows<T>(conn, sql, params));

async function loadAll(dir: string): Promise<{ db: Database; summaries: Record<string, IngestSummary> }> {
	const db = await Database.open(join(dir, 'quality.duckdb'));
	const summaries: Record<string, IngestSummary> = {};
	for (const kind of KINDS) {
		summaries[kind] = await ingest(db, { kind, filePath: join(dir, FILES[kind as KindId]), source: 'cli', createdBy: 'test' });
	}
	return { db, summaries };
}

beforeAll(async () => {
	truth = await generate({ outDir: dirs.a, scale: SCALE, seed: 11, contactsPerComplaint: CONTACTS });
	await generate({ outDir: dirs.other, scale: SCALE, seed: 12, contactsPerComplaint: CONTACTS });
	await generate({ outDir: dirs.gbk, scale: SCALE, seed: 11, encoding: 'gbk', contactsPerComplaint: CONTACTS });
}, 180_000); // a guard against a hang: on a busy two-core machine the loads took over 60 s once

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('determinism', () => {
	it('writes byte-identical files for the same seed, from the CLI in another process too', () => {
		const r = spawnSync(
			...toolCommand('generate', [
				'--scale',
				String(SCALE),
				'--seed',
				'11',
				'--contacts-per-complaint',
				String(CONTACTS),
				'--out',
				dirs.cli,
				'--quiet'
			]),
			{
				encoding: 'utf8',
				cwd: root
			}
		);
		expect(r.status, r.stderr).toBe(0);
		expect(JSON.parse(r.stdout).files.complaints.rows).toBe(SCALE);
		for (const f of OUTPUTS) expect(read(dirs.cli, f).equals(read(dirs.a, f)), f).toBe(true);
	}, 30_000);

	it('writes different files for a different seed', () => {
		for (const f of OUTPUTS) expect(read(dirs.other, f).equals(read(dirs.a, f)), f).toBe(false);
	});

	it('writes GBK as the same text, encoded as Excel saves it (CRLF)', () => {
		for (const f of Object.values(FILES)) {
			const gbk = read(dirs.gbk, f);
			expect(gbk.equals(read(dirs.a, f)), f).toBe(false);
			expect(new TextDecoder('gbk').decode(gbk), f).toBe(read(dirs.a, f).toString('utf8').replaceAll('\n', '\r\n'));
		}
	});

	it('writes UTF-8 with a BOM as the same bytes behind the BOM', async () => {
		await generate({ outDir: dirs.small, scale: 500, seed: 3, contactsPerComplaint: CONTACTS });
		await generate({ outDir: dirs.bom, scale: 500, seed: 3, encoding: 'utf8-bom', contactsPerComplaint: CONTACTS });
		for (const f of Object.values(FILES))
			expect(read(dirs.bom, f).equals(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), read(dirs.small, f)])), f).toBe(true);
	});

	it('rejects a usage error with exit code 2', () => {
		const r = spawnSync(...toolCommand('generate', ['--scale', 'many', '--out', join(work, 'x')]), {
			encoding: 'utf8',
			cwd: root
		});
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('--scale');
	}, 30_000);
});

describe('volumes', () => {
	it('writes the asked number of complaints, twice as many survey responses, and every store-day', () => {
		const lines = (f: string) => read(dirs.a, f).toString('utf8').trimEnd().split('\n').length - 1;
		expect(lines(FILES.complaints)).toBe(SCALE);
		expect(lines(FILES.surveys)).toBe(2 * SCALE);
		// two whole years by default, 2024 a leap year: 366 + 365 days, every store every day
		expect(truth.period).toMatchObject({ from: '2024-01-01', to: '2025-12-31', days: 366 + 365 });
		expect(lines(FILES.traffic)).toBe(12 * (366 + 365));
		expect(truth.staff.total).toBeGreaterThan(170);
		expect(truth.staff.total).toBeLessThan(240);
		expect(truth.staff.leavers).toBeGreaterThan(10);
	});

	it('writes complaints in time order', () => {
		const times = read(dirs.a, FILES.complaints)
			.toString('utf8')
			.trimEnd()
			.split('\n')
			.slice(1)
			.map((l) => {
				const [d, t] = l.split(',')[1]!.split(' ');
				const [y, m, day] = d!.split('/').map(Number);
				const [h, min] = t!.split(':').map(Number);
				return Date.UTC(y!, m! - 1, day!, h!, min!);
			});
		for (let i = 1; i < times.length; i++) expect(times[i]! >= times[i - 1]!, `row ${i + 1}`).toBe(true);
	});
});

describe.each([
	['UTF-8', () => dirs.a],
	['GBK', () => dirs.gbk]
])('loaded through the engine (%s)', (_label, dir) => {
	let db: Database;
	let summaries: Record<string, IngestSummary>;

	beforeAll(async () => {
		({ db, summaries } = await loadAll(dir()));
	}, 180_000); // a guard against a hang: on a busy two-core machine the loads took over 60 s once
	afterAll(() => db?.close());

	it('loads every file with zero rejected rows', () => {
		for (const kind of KINDS) {
			const s = summaries[kind]!;
			expect({ kind, status: s.status, rejected: s.rows_rejected, errors: s.errors.slice(0, 3) }).toEqual({
				kind,
				status: 'committed',
				rejected: 0,
				errors: []
			});
			expect(s.rows_loaded, kind).toBe(truth.files[kind as KindId].rows);
		}
	});

	it('shows the deteriorating store: complaints per transaction after the planted date ≥ 1.5× before', async () => {
		const { store, from_date } = truth.planted.deteriorating_store;
		const [r] = await rows<{ before: number; after: number }>(
			db,
			`
			WITH c AS (SELECT received_at::DATE AS d, count(*) AS n FROM complaints WHERE store = $1 GROUP BY 1)
			SELECT sum(coalesce(c.n, 0)) FILTER (WHERE t.date < $2::DATE) / sum(t.transactions) FILTER (WHERE t.date < $2::DATE) AS before,
			       sum(coalesce(c.n, 0)) FILTER (WHERE t.date >= $2::DATE) / sum(t.transactions) FILTER (WHERE t.date >= $2::DATE) AS after
			FROM traffic t LEFT JOIN c ON c.d = t.date WHERE t.store = $1`,
			[store, from_date]
		);
		expect(r!.after).toBeGreaterThanOrEqual(1.5 * r!.before);
		// and no other store moves like that on that date
		const others = await rows<{ store: string; ratio: number }>(
			db,
			`
			WITH c AS (SELECT store, received_at::DATE AS d, count(*) AS n FROM complaints GROUP BY ALL)
			SELECT t.store, (sum(coalesce(c.n, 0)) FILTER (WHERE t.date >= $1::DATE) / sum(t.transactions) FILTER (WHERE t.date >= $1::DATE))
			             / (sum(coalesce(c.n, 0)) FILTER (WHERE t.date < $1::DATE) / sum(t.transactions) FILTER (WHERE t.date < $1::DATE)) AS ratio
			FROM traffic t LEFT JOIN c ON c.store = t.store AND c.d = t.date GROUP BY t.store`,
			[from_date]
		);
		const ratios = Object.fromEntries(others.map((o) => [o.store, o.ratio]));
		const max = Math.max(...others.filter((o) => o.store !== store).map((o) => o.ratio));
		expect(ratios[store]).toBeGreaterThan(max);
	});

	it('shows the fixed category: its share and rate after the fix date are well below before', async () => {
		const { category, fix_date } = truth.planted.improved_category;
		const [share] = await rows<{ before: number; after: number }>(
			db,
			`
			SELECT avg(CASE WHEN category::VARCHAR = $1 THEN 1.0 ELSE 0 END) FILTER (WHERE received_at < $2::TIMESTAMP) AS before,
			       avg(CASE WHEN category::VARCHAR = $1 THEN 1.0 ELSE 0 END) FILTER (WHERE received_at >= $2::TIMESTAMP) AS after
			FROM complaints`,
			[category, fix_date]
		);
		expect(share!.after).toBeLessThanOrEqual(0.6 * share!.before);
		const [rate] = await rows<{ before: number; after: number }>(
			db,
			`
			SELECT (SELECT count(*) FROM complaints WHERE category::VARCHAR = $1 AND received_at < $2::TIMESTAMP) / (SELECT sum(transactions) FROM traffic WHERE date < $2::DATE) AS before,
			       (SELECT count(*) FROM complaints WHERE category::VARCHAR = $1 AND received_at >= $2::TIMESTAMP) / (SELECT sum(transactions) FROM traffic WHERE date >= $2::DATE) AS after`,
			[category, fix_date]
		);
		expect(rate!.after).toBeLessThanOrEqual(0.6 * rate!.before);
	});

	it('shows the lenient reviewer: mean total at least 3 points above the other reviewers', async () => {
		const byReviewer = await rows<{ reviewer: string; mean: number }>(
			db,
			'SELECT reviewer, avg(total_score)::DOUBLE AS mean FROM appraisals GROUP BY reviewer'
		);
		expect(byReviewer.length).toBeGreaterThanOrEqual(4);
		const lenient = byReviewer.find((r) => r.reviewer === truth.planted.lenient_reviewer.reviewer)!;
		const [others] = await rows<{ mean: number }>(db, 'SELECT avg(total_score)::DOUBLE AS mean FROM appraisals WHERE reviewer <> $1', [
			lenient.reviewer
		]);
		expect(lenient.mean).toBeGreaterThanOrEqual(others!.mean + 3);
		for (const r of byReviewer) if (r !== lenient) expect(lenient.mean, r.reviewer).toBeGreaterThan(r.mean + 2);
	});

	it('has repeat complainants: the same phone again within 30 days, at about the planted share', async () => {
		const [r] = await rows<{ repeats: number; total: number }>(
			db,
			`
			SELECT count(*) FILTER (WHERE prev >= received_at - INTERVAL 30 DAY) AS repeats, count(*) AS total
			FROM (SELECT received_at, lag(received_at) OVER (PARTITION BY customer_phone ORDER BY received_at) AS prev FROM complaints WHERE customer_phone IS NOT NULL)`
		);
		expect(r!.repeats).toBeGreaterThan(0);
		const share = r!.repeats / SCALE;
		expect(share).toBeGreaterThan(0.5 * truth.planted.repeat_complainants.planted_probability);
		expect(share).toBeLessThan(1.5 * truth.planted.repeat_complainants.planted_probability);
	});

	it('has straight-liners: the same box ticked for every item, recommendation included', async () => {
		const [r] = await rows<{ n: number }>(
			db,
			`
			SELECT count(*) AS n FROM surveys
			WHERE overall = environment AND overall = product_quality AND overall = service_quality AND overall = price AND nps = overall`
		);
		expect(r!.n).toBeGreaterThanOrEqual(20);
		expect(r!.n).toBeGreaterThanOrEqual(truth.planted.straight_liners.count);
	});

	it('keeps the registers realistic: severity, escalation, routing, SLA tails, follow-ups, open backlog', async () => {
		type Shares = Record<
			| 'major'
			| 'major_escalated'
			| 'routed'
			| 'respond_late'
			| 'resolve_late'
			| 'followed_up'
			| 'open_recent'
			| 'open_old'
			| 'follow_up_levels',
			number
		>;
		const [c] = await rows<Shares>(
			db,
			`
			SELECT avg((severity = '重大')::INT) AS major,
			       avg(escalated::INT) FILTER (WHERE severity = '重大') AS major_escalated,
			       avg((NOT in_scope)::INT) AS routed,
			       avg((epoch(first_response_at - received_at) > 24 * 3600)::INT) AS respond_late,
			       avg((epoch(resolved_at - received_at) > CASE WHEN severity = '重大' THEN 168 ELSE 72 END * 3600)::INT) FILTER (WHERE resolved_at IS NOT NULL) AS resolve_late,
			       avg((follow_up_satisfaction IS NOT NULL)::INT) FILTER (WHERE status = '已办结') AS followed_up,
			       avg((status <> '已办结')::INT) FILTER (WHERE received_at >= TIMESTAMP '2025-12-01') AS open_recent,
			       avg((status <> '已办结')::INT) FILTER (WHERE received_at < TIMESTAMP '2025-06-01') AS open_old,
			       count(DISTINCT follow_up_satisfaction) AS follow_up_levels
			FROM complaints`
		);
		expect(c!.major).toBeGreaterThan(0.04);
		expect(c!.major).toBeLessThan(0.09);
		expect(c!.major_escalated).toBeGreaterThan(0.8);
		expect(c!.routed).toBeGreaterThan(0.04);
		expect(c!.routed).toBeLessThan(0.15);
		expect(c!.respond_late).toBeGreaterThan(0.005);
		expect(c!.resolve_late).toBeGreaterThan(0.05);
		expect(c!.followed_up).toBeGreaterThan(0.6);
		expect(c!.follow_up_levels).toBe(3);
		expect(c!.open_recent).toBeGreaterThan(5 * c!.open_old);
	});

	it('keeps the files consistent: handlers are 客服中心 staff of the store, in post on the day', async () => {
		const [r] = await rows<{ bad: number; total: number }>(
			db,
			`
			SELECT count(*) FILTER (WHERE s.staff_id IS NULL OR s.store <> c.store OR s.department <> '客服中心' OR s.hire_date > c.received_at::DATE) AS bad, count(*) AS total
			FROM complaints c LEFT JOIN staff s ON s.staff_id = c.handler_id`
		);
		expect(r!.total).toBe(SCALE);
		expect(r!.bad).toBe(0);
		const [a] = await rows<{ bad: number }>(
			db,
			`
			SELECT count(*) AS bad FROM appraisals a JOIN staff s USING (staff_id)
			WHERE s.store <> a.store OR s.hire_date > last_day(a.period_start)
			   OR a.grade::VARCHAR <> CASE WHEN a.total_score >= 90 THEN 'A' WHEN a.total_score >= 80 THEN 'B' WHEN a.total_score >= 60 THEN 'C' ELSE 'D' END`
		);
		expect(a!.bad).toBe(0);
	});

	it('has a few staff under 80 and survey satisfaction that falls as a store complains more', async () => {
		const [u] = await rows<{ staff: number }>(db, 'SELECT count(DISTINCT staff_id) AS staff FROM appraisals WHERE total_score < 80');
		expect(u!.staff).toBeGreaterThanOrEqual(3);
		const [r] = await rows<{ r: number }>(
			db,
			`
			WITH c AS (SELECT store, count(*) AS n FROM complaints GROUP BY store),
			     t AS (SELECT store, sum(transactions) AS tx FROM traffic GROUP BY store),
			     s AS (SELECT store, avg(overall) AS m FROM surveys GROUP BY store)
			SELECT corr(c.n / t.tx, s.m) AS r FROM c JOIN t USING (store) JOIN s USING (store)`
		);
		expect(r!.r).toBeLessThan(-0.5);
	});

	// The contact truths, found with the product's own metrics (the catalog's SQL) on the loaded log.
	const whole = () => ({ from: truth.period.from, to: truth.period.to, scope: null, asOf: `${truth.period.to} 23:59:59` });
	const metric = (request: Record<string, unknown>) => {
		const { asOf, ...range } = whole();
		return queryMetric(db, { ...range, grain: 'all', ...request }, { asOf });
	};

	it('has contacts at about the asked volume, and weekend lunch hours under 80% service level at every store', async () => {
		expect(truth.contacts.per_complaint).toBeGreaterThan(CONTACTS * 0.85);
		expect(truth.contacts.per_complaint).toBeLessThan(CONTACTS * 1.15);
		const stores = truth.contacts.weekend_lunch.by_store.map((s) => s.store);
		expect(stores).toHaveLength(12);
		for (const store of stores) {
			const cells = (await metric({ metric: 'service_level', by: 'weekday_hour', filters: { store: [store] } })).rows;
			const sum = (lunch: boolean, key: 'numerator' | 'denominator') =>
				cells
					.filter((c) => {
						const [day, hour] = String(c.group).split('-').map(Number) as [number, number];
						return (day >= 6 && hour >= 11 && hour <= 13) === lunch;
					})
					.reduce((s, c) => s + Number(c[key]), 0);
			const lunch = sum(true, 'numerator') / sum(true, 'denominator');
			const rest = sum(false, 'numerator') / sum(false, 'denominator');
			expect(lunch, store).toBeLessThan(0.8);
			expect(rest - lunch, store).toBeGreaterThan(0.15);
			// what truth.json reports is what the metric finds
			const reported = truth.contacts.weekend_lunch.by_store.find((s) => s.store === store)!;
			expect(lunch, store).toBeCloseTo(reported.weekend_lunch_service_level!, 3);
		}
	});

	it('has one agent with the longest handle time and the best first contact resolution', async () => {
		const planted = truth.contacts.long_aht_best_fcr_agent;
		const aht = (await metric({ metric: 'aht_mean_s', by: 'staff' })).rows;
		const fcr = (await metric({ metric: 'fcr_repeat', by: 'staff' })).rows.filter((r) => Number(r.denominator) >= 200);
		const top = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => Number(b.value) - Number(a.value))[0]!;
		expect(top(aht).group).toBe(planted.staff_id);
		expect(top(fcr).group).toBe(planted.staff_id);
		const second = [...fcr].sort((a, b) => Number(b.value) - Number(a.value))[1]!;
		expect(Number(top(fcr).value) - Number(second.value)).toBeGreaterThan(4);
	});

	it('has one store whose abandonment rises after a date: the largest rise of all stores, at least doubled', async () => {
		const planted = truth.contacts.abandonment_rise;
		const day = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
		const before = (await metric({ metric: 'abandon_rate', by: 'store', to: day(planted.from_date, -1) })).rows;
		const after = (await metric({ metric: 'abandon_rate', by: 'store', from: planted.from_date })).rows;
		const rise = after.map((a) => ({ store: a.group, rise: Number(a.value) / Number(before.find((b) => b.group === a.group)!.value) }));
		const largest = rise.sort((a, b) => b.rise - a.rise)[0]!;
		expect(largest.store).toBe(planted.store);
		expect(largest.rise).toBeGreaterThan(2);
	});
});
