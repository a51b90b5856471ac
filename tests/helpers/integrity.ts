import { expect } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database, queryRows } from '../../src/lib/server/core/db';
import { schemas } from '../../src/lib/shared/schema';

export interface BatchFact {
	batch_id: number;
	file_name: string;
	status: string;
	abort_reason: string | null;
	rows_loaded: number;
}

/** Opens the database once killed processes have released it (the OS drops their lock when they are gone). */
export async function openAfterCrash(path: string): Promise<Database> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await Database.open(path);
		} catch (e) {
			if (attempt > 100) throw e;
			await sleep(200);
		}
	}
}

/**
 * No batch is ever half-loaded: what the batches table says is exactly what the tables hold. Per
 * committed batch, rows_loaded = its rows still in the table + its rows later batches replaced; no row or
 * history of a batch that is not committed; one row per natural key; no batch left 'running' (a killed
 * load is 'aborted' once the file is opened again); aborted batches hold nothing. Returns the batches.
 */
export async function checkIntegrity(db: Database): Promise<BatchFact[]> {
	return db.withConnection(async (conn) => {
		const q = <T>(sql: string, params: unknown[] = []) => queryRows<T>(conn, sql, params);
		for (const s of Object.values(schemas)) {
			const t = s.table;
			const mismatched = await q(
				`
				SELECT b.batch_id, b.rows_loaded,
				       (SELECT count(*) FROM ${t} x WHERE x.batch_id = b.batch_id) AS live,
				       (SELECT count(*) FROM ${t}_replaced r WHERE r.batch_id = b.batch_id) AS replaced
				FROM batches b WHERE b.kind = $1 AND b.status = 'committed'
				  AND b.rows_loaded <> (SELECT count(*) FROM ${t} x WHERE x.batch_id = b.batch_id)
				                     + (SELECT count(*) FROM ${t}_replaced r WHERE r.batch_id = b.batch_id)`,
				[s.kind]
			);
			expect(mismatched, `${t}: committed batches whose rows are not all there`).toEqual([]);
			const orphans = await q(
				`SELECT DISTINCT batch_id FROM ${t} WHERE batch_id NOT IN (SELECT batch_id FROM batches WHERE status = 'committed')`
			);
			expect(orphans, `${t}: rows of no committed batch`).toEqual([]);
			const orphanHistory = await q(
				`SELECT DISTINCT replaced_by FROM ${t}_replaced WHERE replaced_by NOT IN (SELECT batch_id FROM batches WHERE status = 'committed')`
			);
			expect(orphanHistory, `${t}_replaced: history of no committed batch`).toEqual([]);
			const keys = s.key.join(', ');
			expect(await q(`SELECT ${keys} FROM ${t} GROUP BY ALL HAVING count(*) > 1 LIMIT 5`), `${t}: duplicate keys`).toEqual([]);
		}
		expect(
			await q(`SELECT batch_id, status FROM batches WHERE status NOT IN ('committed', 'rejected', 'rolled_back', 'aborted')`),
			'batches in no final state'
		).toEqual([]);
		expect(
			await q(`SELECT batch_id FROM batches WHERE status = 'aborted' AND (rows_loaded <> 0 OR abort_reason IS NULL)`),
			'aborted batches with rows or no reason'
		).toEqual([]);
		expect(
			await q(
				`SELECT DISTINCT batch_id FROM rejected_rows WHERE batch_id NOT IN (SELECT batch_id FROM batches WHERE status IN ('committed', 'rejected', 'rolled_back'))`
			),
			'rejected rows of no finished batch'
		).toEqual([]);
		return q<BatchFact>('SELECT batch_id, file_name, status, abort_reason, rows_loaded FROM batches ORDER BY batch_id');
	});
}

/** A small seeded PRNG (mulberry32): a failing trial can be run again with the same seed. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function seedFromEnv(name: string): number {
	const given = Number(process.env[name]);
	return Number.isInteger(given) && process.env[name] !== '' ? given : Math.floor(Math.random() * 2 ** 31);
}
