/**
 * The data of the load benchmark, kept in bench/tmp/: the base set (generated and loaded once into a
 * template database, with accounts for every store) and the complaint register loaded during the run;
 * each run works on a fresh copy of the template.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FILES, generate } from '../../pipelines/generate';
import { ingest } from '../../pipelines/engine';
import type { KindId } from '../../src/lib/shared/schema';
import type { Role } from '../../src/lib/shared/auth/roles';
import { addDays } from '../../src/lib/shared/dashboard/range';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { hashPassword } from '../../src/lib/server/core/auth/password';
import { createUser } from '../../src/lib/server/core/auth/users';
import type { LoadOptions } from './args';

/** The password of the per-store accounts the benchmark creates (the demo accounts keep theirs). */
export const LOAD_PASSWORD = 'load-bench-2025';

export interface LoadData {
	baseDir: string;
	template: string;
	/** the complaint register to load while users work */
	ingestFile: string;
}

/** What the users choose from: the stores, the span of the complaints, the accounts. */
export interface Meta {
	stores: string[];
	first: string;
	last: string;
	users: { username: string; role: Role; stores: string[] | null }[];
}

const storesOf = async (db: Database) =>
	(await db.withConnection((c) => queryRows<{ store: string }>(c, 'SELECT DISTINCT store FROM traffic ORDER BY 1'))).map((r) => r.store);

export async function prepareData(o: LoadOptions, log: (s: string) => void): Promise<LoadData> {
	const baseDir = resolve('bench/tmp', o.from ? `load-from-${basename(o.from, '.duckdb')}` : `load-${o.complaints}-${o.responses}`);
	const template = join(baseDir, 'template.duckdb');
	mkdirSync(baseDir, { recursive: true });

	if (!existsSync(join(baseDir, 'loaded'))) {
		rmSync(template, { force: true });
		if (o.from) {
			log(`base set: a copy of ${o.from}`);
			copyFileSync(o.from, template);
			if (existsSync(`${o.from}.keys.json`)) copyFileSync(`${o.from}.keys.json`, `${template}.keys.json`);
		} else {
			if (!existsSync(join(baseDir, 'truth.json'))) {
				log(`generating ${o.complaints.toLocaleString()} complaints, ${o.responses.toLocaleString()} survey responses …`);
				await generate({ outDir: baseDir, scale: o.complaints, seed: 1, surveys: o.responses, contactsPerComplaint: 0, log });
			}
		}
		const db = await Database.open(template);
		if (!o.from) {
			for (const kind of ['staff', 'traffic', 'complaints', 'surveys', 'appraisals'] as KindId[]) {
				const t0 = performance.now();
				const s = await ingest(db, { kind, filePath: join(baseDir, FILES[kind]), source: 'cli', createdBy: 'bench' });
				log(`loaded ${kind}: ${s.rows_loaded.toLocaleString()} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (${s.status})`);
			}
		}
		await ensureDemoUsers(db);
		// a manager and a viewer for every store, besides the demo accounts (one per role)
		const stores = await storesOf(db);
		const hash = await hashPassword(LOAD_PASSWORD);
		await db.withConnection(async (conn) => {
			for (const [i, store] of stores.entries()) {
				for (const role of ['manager', 'viewer'] as const) {
					const r = await createUser(
						conn,
						{
							username: `${role}${i}`,
							displayName: `${role === 'manager' ? '经理' : '查看'}${i}`,
							role,
							stores: [store],
							pii: false,
							passwordHash: hash
						},
						{ name: 'bench' }
					);
					if (!r.ok) throw new Error(`user ${role}${i}: ${r.error}`);
				}
			}
		});
		db.close();
		writeFileSync(join(baseDir, 'loaded'), new Date().toISOString());
	}
	// The register to load: another year of the chain (the day after the base data ends), so it adds rows.
	const next = addDays(await lastDay(template), 1);
	const ingestDir = resolve('bench/tmp', `load-ingest-${o.ingestRows}-${next}`);
	const ingestFile = join(ingestDir, FILES.complaints);
	if (!existsSync(ingestFile)) {
		log(`generating the ${o.ingestRows.toLocaleString()}-row complaint register to load (from ${next}) …`);
		await generate({ outDir: ingestDir, scale: o.ingestRows, seed: 2, surveys: 1000, contactsPerComplaint: 0, from: next, days: 365, log });
	}
	return { baseDir, template, ingestFile };
}

/** The last day of the base set's complaints. */
async function lastDay(path: string): Promise<string> {
	const db = await Database.open(path);
	try {
		const [r] = await db.withConnection((c) =>
			queryRows<{ last: string }>(c, `SELECT strftime(max(received_at)::DATE, '%Y-%m-%d') AS last FROM complaints`)
		);
		return r!.last;
	} finally {
		db.close();
	}
}

/** A fresh copy of the template in `<baseDir>/run/`, and what the users choose from. */
export async function freshDatabase(data: LoadData): Promise<{ runDir: string; dbPath: string; meta: Meta }> {
	const runDir = join(data.baseDir, 'run');
	rmSync(runDir, { recursive: true, force: true });
	mkdirSync(runDir, { recursive: true });
	const dbPath = join(runDir, 'load.duckdb');
	copyFileSync(data.template, dbPath);
	if (existsSync(`${data.template}.keys.json`)) copyFileSync(`${data.template}.keys.json`, `${dbPath}.keys.json`);
	const db = await Database.open(dbPath);
	try {
		const stores = await storesOf(db);
		const meta = await db.withConnection(async (c) => {
			const [span] = await queryRows<{ first: string; last: string }>(
				c,
				`SELECT strftime(min(received_at)::DATE, '%Y-%m-%d') AS first, strftime(max(received_at)::DATE, '%Y-%m-%d') AS last FROM complaints`
			);
			const users = await queryRows<Meta['users'][number]>(c, 'SELECT username, role, stores FROM users ORDER BY user_id');
			return { stores, first: span!.first, last: span!.last, users };
		});
		return { runDir, dbPath, meta };
	} finally {
		db.close();
	}
}
