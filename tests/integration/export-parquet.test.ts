import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { exportParquet, ExportError } from '../../src/lib/server/core/db/export-parquet';
import { MANIFEST_FILE, type ParquetManifest } from '../../src/lib/server/core/db/parquet';
import { migrations } from '../../src/lib/server/core/db/migrations';
import { reason } from '../../pipelines/messages';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { canonicalPhone, maskName } from '../../src/lib/server/core/auth/masking';
import { METRICS, SOURCES, type MetricDef } from '../../src/lib/server/metrics/catalog';
import { queryMetric, queryMetrics, type MetricResult, type MetricRow } from '../../src/lib/server/metrics/query';
import { saveSla } from '../../src/lib/server/metrics/sla';
import { FILES, generate } from '../../pipelines/generate';
import { ingest } from '../../pipelines/engine';
import type { KindId } from '../../src/lib/shared/schema';
import { sample, tempDir } from '../helpers/db';
import { get, login, startServer, type RunningServer } from '../helpers/server';
import { toolCommand } from '../helpers/cli';

/**
 * The Parquet export: the same metric SQL over the exported files gives the same numbers as over the
 * database, for every metric of the catalog; the layout is the documented one; customer phones do not
 * leave; a second export into the same folder is refused; through a running server it is handed over
 * and audited.
 */
let dir: string;
let cleanup: () => void;
let db: Database;
let pq: Database;
let manifest: ParquetManifest;
const AS_OF = '2025-12-31 18:00:00';

/** Every file under a folder, recursively. */
const filesUnder = (d: string): string[] =>
	readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? filesUnder(join(d, f)) : [join(d, f)]));

beforeAll(async () => {
	({ dir, cleanup } = tempDir('sqa-parquet-'));
	const data = join(dir, 'data');
	await generate({ outDir: data, scale: 2500, seed: 11, contactsPerComplaint: 4, log: () => undefined });
	// a survey file with an extra question (survey_answers) and complaints with phones in the free text
	const surveys = readFileSync(join(data, FILES.surveys), 'utf8')
		.split('\n')
		.filter((l) => l !== '');
	writeFileSync(
		join(data, 'extra.csv'),
		[`${surveys[0]},停车便利`, ...surveys.slice(1, 400).map((l, i) => `${l.replace(/^WJ/u, 'WX')},${1 + (i % 5)}`)].join('\n')
	);
	const complaints = readFileSync(join(data, FILES.complaints), 'utf8').split('\n');
	const header = complaints[0]!.split(',');
	const summaryAt = header.indexOf('内容摘要');
	const nameAt = header.indexOf('投诉人');
	writeFileSync(
		join(data, 'texts.csv'),
		[
			complaints[0]!,
			...complaints.slice(1, 4).map((l, i) => {
				const cells = l.split(',');
				cells[0] = `TX${i}`;
				cells[summaryAt] = `客户王小明要求回电 139 1234 567${i}，或座机 021-6543210${i}，或 138.8888.000${i}`;
				cells[nameAt] = '王小明';
				return cells.join(',');
			})
		].join('\n')
	);
	db = await Database.open(join(dir, 'q.duckdb'));
	for (const kind of ['staff', 'traffic', 'complaints', 'surveys', 'appraisals', 'contacts', 'inspections'] as KindId[]) {
		const s = await ingest(db, { kind, filePath: join(data, FILES[kind]), source: 'cli', createdBy: 'test' });
		expect(s.status, kind).toBe('committed');
	}
	expect((await ingest(db, { kind: 'surveys', filePath: join(data, 'extra.csv'), source: 'cli', createdBy: 'test' })).status).toBe(
		'committed'
	);
	expect((await ingest(db, { kind: 'complaints', filePath: join(data, 'texts.csv'), source: 'cli', createdBy: 'test' })).status).toBe(
		'committed'
	);
	// limits other than the defaults: the settings travel with the export and the numbers follow them
	const sla = {
		response: { default: 12, bySeverity: {}, byCategory: { 价格: 6 } },
		resolution: { default: 48, bySeverity: { 重大: 96 }, byCategory: {} }
	};
	expect((await saveSla(db, sla, { name: 'test' })).ok).toBe(true);
	manifest = await exportParquet(db, join(dir, 'pq'));
	pq = await Database.openParquet(join(dir, 'pq'));
}, 180_000);

afterAll(() => {
	pq?.close();
	db?.close();
	cleanup?.();
});

/** A few requests per metric: grains, a dimension it allows, filters its source understands, a store scope. */
function variants(metric: MetricDef, stores: string[], channels: string[]): Record<string, unknown>[] {
	const base = { metric: metric.id, from: '2024-01-01', to: '2025-12-31', filters: {}, scope: null };
	const allowed = SOURCES[metric.source].filters;
	const out: Record<string, unknown>[] = [
		{ ...base, grain: 'month' },
		{ ...base, grain: 'all' },
		{ ...base, from: '2024-03-10', to: '2025-02-20', grain: 'week' }
	];
	for (const by of metric.dimensions) out.push({ ...base, grain: 'quarter', by });
	if (allowed.includes('store')) out.push({ ...base, grain: 'month', filters: { store: [stores[0]!] } });
	if (allowed.includes('channel'))
		out.push({
			...base,
			grain: 'year',
			filters: { channel: channels.slice(0, 2) },
			...(metric.dimensions[0] ? { by: metric.dimensions[0] } : {})
		});
	out.push({ ...base, grain: 'quarter', scope: stores.slice(1, 3) });
	return out;
}

const key = (r: MetricRow) => `${String(r.period)}\u0000${String(r.group ?? '')}`;
const sorted = (res: MetricResult) => [...res.rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** Equal rows: the same keys and flags, numbers equal up to the order floating-point sums were added in. */
function expectSameRows(a: MetricResult, b: MetricResult, label: string): void {
	expect(b.columns, label).toEqual(a.columns);
	const ra = sorted(a);
	const rb = sorted(b);
	expect(rb.map(key), label).toEqual(ra.map(key));
	ra.forEach((row, i) => {
		for (const [col, v] of Object.entries(row)) {
			const w = rb[i]![col];
			if (typeof v === 'number' && typeof w === 'number')
				expect(Math.abs(v - w), `${label} ${key(row)} ${col}: ${v} vs ${w}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
			else expect(w, `${label} ${key(row)} ${col}`).toEqual(v);
		}
	});
}

describe('Parquet export', () => {
	it('gives the same numbers as the database for every metric of the catalog', async () => {
		const [stores, channels] = await db.withConnection(async (c) => [
			(await queryRows<{ s: string }>(c, 'SELECT DISTINCT store AS s FROM complaints ORDER BY 1')).map((r) => r.s),
			(await queryRows<{ s: string }>(c, 'SELECT DISTINCT channel::VARCHAR AS s FROM complaints WHERE channel IS NOT NULL ORDER BY 1')).map(
				(r) => r.s
			)
		]);
		let comparisons = 0;
		let nonEmpty = 0;
		// asked as a page asks (queryMetrics): the requests that differ only by their metric together, a query per relation
		const groups = new Map<string, Record<string, unknown>[]>();
		for (const metric of METRICS)
			for (const request of variants(metric, stores, channels)) {
				const k = JSON.stringify({ ...request, metric: undefined });
				groups.set(k, [...(groups.get(k) ?? []), request]);
			}
		for (const requests of groups.values()) {
			const [overDb, overParquet] = [await queryMetrics(db, requests, { asOf: AS_OF }), await queryMetrics(pq, requests, { asOf: AS_OF })];
			requests.forEach((request, i) => {
				const label = `${String(request.metric)} ${JSON.stringify({ ...request, metric: undefined })}`;
				expectSameRows(overDb[i]!, overParquet[i]!, label);
				comparisons++;
				if (overDb[i]!.rows.some((r) => r.value !== null && r.value !== 0)) nonEmpty++;
			});
		}
		// and some asked alone, the API's way
		for (const metric of METRICS.filter((_, i) => i % 5 === 0)) {
			const [request] = variants(metric, stores, channels);
			expectSameRows(
				await queryMetric(db, request, { asOf: AS_OF }),
				await queryMetric(pq, request, { asOf: AS_OF }),
				`${metric.id} alone`
			);
		}
		console.log(`parquet vs database: ${METRICS.length} metrics, ${comparisons} requests compared, ${nonEmpty} with non-zero values`);
		expect(comparisons).toBeGreaterThanOrEqual(METRICS.length * 5);
		// the comparisons are not vacuous: most requests have numbers
		expect(nonEmpty).toBeGreaterThan(comparisons * 0.8);
	}, 300_000);

	it('writes the documented layout: folders per month, one file per small table, counts that add up', async () => {
		const pqDir = join(dir, 'pq');
		const written = JSON.parse(readFileSync(join(pqDir, MANIFEST_FILE), 'utf8')) as ParquetManifest;
		expect(written.tables).toEqual(manifest.tables);
		expect(written.schema_version).toBe(Math.max(...written.migrations));
		expect(written.customer_data).toBe('masked');
		expect(statSync(pqDir).mode & 0o777).toBe(0o700);
		const counts = await db.withConnection(async (c) =>
			Object.fromEntries(
				await Promise.all(
					Object.keys(manifest.tables).map(
						async (t) => [t, Number((await queryRows<{ n: number }>(c, `SELECT count(*) AS n FROM ${t}`))[0]!.n)] as const
					)
				)
			)
		);
		for (const [table, spec] of Object.entries(manifest.tables)) expect(spec.rows, table).toBe(counts[table]);
		// not exported: accounts, sessions, the audit log, raw rejected lines, replaced rows
		for (const t of ['users', 'sessions', 'audit_log', 'rejected_rows', 'complaints_replaced'])
			expect(manifest.tables[t], t).toBeUndefined();

		const months = await db.withConnection((c) =>
			queryRows<{ m: string; n: number }>(
				c,
				`SELECT strftime(received_at, '%Y-%m') AS m, count(*) AS n FROM complaints GROUP BY 1 ORDER BY 1`
			)
		);
		expect(readdirSync(join(pqDir, 'complaints')).sort()).toEqual(months.map((r) => `month=${r.m}`));
		// each month's folder holds exactly that month's rows
		const perFolder = await pq.withConnection((c) =>
			queryRows<{ m: string; n: number }>(
				c,
				`SELECT regexp_extract(filename, 'month=([0-9-]+)', 1) AS m, count(*) AS n FROM read_parquet($1, filename = true) GROUP BY 1 ORDER BY 1`,
				[join(pqDir, 'complaints', '*', '*.parquet')]
			)
		);
		expect(perFolder).toEqual(months);
		for (const [table, partition] of [
			['surveys', 'month'],
			['traffic', 'month'],
			['appraisals', 'period']
		] as const) {
			expect(manifest.tables[table]!.partition).toBe(partition);
			const folders = readdirSync(join(pqDir, table));
			expect(folders.length, table).toBeGreaterThan(1);
			for (const f of folders) expect(f, table).toMatch(new RegExp(`^${partition}=[0-9]{4}(-[0-9Q]{2})?$`, 'u'));
		}
		for (const table of ['batches', 'staff', 'app_settings']) expect(readdirSync(join(pqDir, table))).toEqual(['data_0.parquet']);
		// the views read every row back, with the database's types
		for (const [table, spec] of Object.entries(manifest.tables)) {
			const [r] = await pq.withConnection((c) => queryRows<{ n: number }>(c, `SELECT count(*) AS n FROM ${table}`));
			expect(r!.n, table).toBe(spec.rows);
		}
		const types = await pq.withConnection((c) => queryRows<{ t: string }>(c, `SELECT typeof(severity) AS t FROM complaints LIMIT 1`));
		expect(types[0]!.t).toMatch(/^ENUM/u);
	});

	it('carries no customer phone and only masked names', async () => {
		const pqDir = join(dir, 'pq');
		const raw = await db.withConnection((c) =>
			queryRows<{ phone: string }>(c, 'SELECT DISTINCT customer_phone AS phone FROM complaints WHERE customer_phone IS NOT NULL')
		);
		const phones = [...new Set(raw.map((r) => canonicalPhone(r.phone)).filter((p): p is string => !!p && p.length >= 7))];
		expect(phones.length).toBeGreaterThan(500);
		// every run of digits in every exported value (separators removed), against every phone of the register and the texts
		const runs = new Set<string>();
		await pq.withConnection(async (c) => {
			for (const table of Object.keys(manifest.tables)) {
				const rows = await queryRows<{ d: string }>(
					c,
					`SELECT DISTINCT unnest(regexp_extract_all(regexp_replace(t::VARCHAR, '[ -]', '', 'g'), '[0-9]{7,}')) AS d FROM ${table} t`
				);
				for (const r of rows) runs.add(r.d);
			}
		});
		const textPhones = ['13912345670', '13912345671', '0216543210', '13888880000', '13888880001'];
		for (const p of [...phones, ...textPhones]) {
			for (const run of runs) if (run.includes(p)) throw new Error(`phone ${p} found in the export (${run})`);
		}
		expect(
			await pq.withConnection((c) => queryRows<{ n: number }>(c, 'SELECT count(*) AS n FROM complaints WHERE customer_phone IS NOT NULL'))
		).toEqual([{ n: 0 }]);
		// the keyed hash is kept: repeat complaints stay countable
		const hashes = await pq.withConnection((c) => queryRows<{ n: number }>(c, 'SELECT count(customer_phone_hash) AS n FROM complaints'));
		expect(hashes[0]!.n).toBeGreaterThan(phones.length * 0.9);
		// the files themselves: no phone as plain bytes either
		const files = filesUnder(pqDir);
		for (const f of files) {
			const bytes = readFileSync(f);
			for (const p of phones.slice(0, 300)) if (bytes.includes(p)) throw new Error(`phone ${p} in ${relative(pqDir, f)}`);
		}
		// names: each exported name is the masked form of a name in the register, and the texts' phones are masked
		const pairs = await db.withConnection((c) =>
			queryRows<{ id: string; name: string | null }>(c, 'SELECT complaint_id AS id, customer_name AS name FROM complaints')
		);
		const exported = new Map(
			(
				await pq.withConnection((c) =>
					queryRows<{ id: string; name: string | null }>(c, 'SELECT complaint_id AS id, customer_name AS name FROM complaints')
				)
			).map((r) => [r.id, r.name])
		);
		let masked = 0;
		for (const { id, name } of pairs) {
			expect(exported.get(id), id).toBe(maskName(name));
			if (name !== null && exported.get(id) !== name) masked++;
		}
		expect(masked).toBeGreaterThan(pairs.length * 0.3);
		const texts = await pq.withConnection((c) =>
			queryRows<{ s: string }>(c, `SELECT summary AS s FROM complaints WHERE starts_with(complaint_id, 'TX') ORDER BY complaint_id`)
		);
		expect(texts.map((t) => t.s)).toEqual(
			[0, 1, 2].map((i) => `客户王**要求回电 139****567${i}，或座机 021-****210${i}，或 138****000${i}`)
		);
	});

	it('refuses a second export into a folder that is not empty', async () => {
		await expect(exportParquet(db, join(dir, 'pq'))).rejects.toBeInstanceOf(ExportError);
		await expect(exportParquet(db, join(dir, 'pq*'))).rejects.toThrow(/export_path_invalid/u);
	});

	it('refuses an export of another schema version, saying which and what to do', async () => {
		const latest = Math.max(...migrations.map((m) => m.version));
		expect(manifest.schema_version).toBe(latest);
		for (const version of [latest - 1, latest + 1]) {
			const other = join(dir, `schema-${version}`);
			mkdirSync(other);
			writeFileSync(join(other, MANIFEST_FILE), JSON.stringify({ ...manifest, schema_version: version }));
			const e = await Database.openParquet(other).then(
				() => null,
				(err: unknown) => err as { code: string; params: Record<string, string | number> }
			);
			expect(e?.code).toBe('parquet_schema_mismatch');
			expect(e?.params).toMatchObject({ version: String(version), expected: latest });
			expect(reason(e!.code, e!.params, 'zh-CN')).toContain(`数据结构版本 ${version}`);
			expect(reason(e!.code, e!.params, 'en')).toContain(`schema version ${latest}`);
		}
	});

	it('refuses a manifest whose names or types would be SQL', async () => {
		const bad = join(dir, 'tampered');
		mkdirSync(bad);
		const tables = {
			...manifest.tables,
			complaints: { ...manifest.tables.complaints!, columns: [{ name: 'store', type: 'VARCHAR); DROP TABLE x; --' }] }
		};
		writeFileSync(join(bad, MANIFEST_FILE), JSON.stringify({ ...manifest, tables }));
		await expect(Database.openParquet(bad)).rejects.toThrow(/parquet_not_an_export/u);
		await expect(Database.openParquet(join(dir, 'data'))).rejects.toThrow(/parquet_not_an_export/u);
	});
});

describe('Parquet export while the server runs', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({
			prepare: async (d) => {
				await ensureDemoUsers(d);
				for (const [kind, file] of [
					['complaints', 'complaints_gbk.csv'],
					['surveys', 'surveys.csv']
				] as const)
					await ingest(d, { kind, filePath: sample(file), source: 'cli', createdBy: 'test' });
			}
		});
	}, 180_000);
	afterAll(async () => {
		await server?.stop();
	});
	const cli = (args: string[], lang = 'zh-CN') =>
		spawnSync(...toolCommand('ingest', args), { encoding: 'utf8', env: { ...process.env, QUALITY_LANG: lang } });

	it('is handed to the server, reports in Chinese or English, refuses a non-empty folder, and is audited', async () => {
		const out = join(dir, 'live');
		const r = cli(['export-parquet', out, '--db', server.dbPath]);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toContain('Parquet 导出完成');
		expect(r.stdout).toContain('电话未导出');
		const written = JSON.parse(readFileSync(join(out, MANIFEST_FILE), 'utf8')) as ParquetManifest;
		expect(written.tables.complaints!.rows).toBe(300);
		expect(written.database).toBe(server.dbPath);

		const again = cli(['export-parquet', out, '--db', server.dbPath], 'en');
		expect(again.status).toBe(2);
		expect(again.stderr).toContain('is not empty');

		const cookie = await login(server, 'admin', 'admin-demo-2025');
		const page = await (await get(server, '/admin/audit?action=export', cookie)).text();
		expect(page).toContain('parquet');

		// the files read back with the numbers of the live database
		const over = await Database.openParquet(out);
		try {
			const res = await queryMetric(over, {
				metric: 'complaint_count',
				from: '2024-01-01',
				to: '2026-12-31',
				grain: 'all',
				filters: {},
				scope: null
			});
			expect(res.rows[0]!.value).toBe(300);
		} finally {
			over.close();
		}
	}, 120_000);
});
