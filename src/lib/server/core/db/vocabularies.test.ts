import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, queryRows } from '$lib/server/core/db';
import { schemas } from '$lib/shared/schema';
import { allVocabularies } from '$lib/shared/schema/vocabularies';

let db: Database;
beforeAll(async () => {
	db = await Database.open(':memory:');
});
afterAll(() => db.close());

describe('database ENUM types match the ingestion vocabularies', () => {
	it.each(allVocabularies.map((v) => [v.dbType, v] as const))('%s', async (dbType, vocab) => {
		const [row] = await db.withConnection((conn) => queryRows<{ v: string[] }>(conn, `SELECT enum_range(NULL::${dbType}) AS v`));
		expect(row?.v).toEqual([...vocab.values]);
	});

	it('every alias points at a value of its vocabulary', () => {
		for (const v of allVocabularies) {
			for (const [alias, target] of Object.entries(v.aliases ?? {})) expect(v.values, `${v.dbType}: ${alias}`).toContain(target);
		}
	});

	it('every enum column of every schema uses a vocabulary whose type exists', () => {
		const types = new Set(allVocabularies.map((v) => v.dbType));
		for (const s of Object.values(schemas)) {
			for (const c of s.columns.filter((c) => c.type === 'enum')) expect(types.has(c.enum!.dbType), `${s.kind}.${c.name}`).toBe(true);
		}
	});

	it('every schema column (and derived column) exists in its table', async () => {
		for (const s of Object.values(schemas)) {
			const cols = await db.withConnection((conn) =>
				queryRows<{ column_name: string }>(conn, 'SELECT column_name FROM information_schema.columns WHERE table_name = $1', [s.table])
			);
			const names = new Set(cols.map((c) => c.column_name));
			for (const c of [...s.columns.map((c) => c.name), ...(s.derived ?? []).map((d) => d.name)])
				expect(names.has(c), `${s.table}.${c}`).toBe(true);
		}
	});
});
