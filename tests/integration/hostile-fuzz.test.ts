import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IngestFailure } from '../../src/lib/shared/schema/errors';
import type { KindId } from '../../src/lib/shared/schema';
import type { Database } from '../../src/lib/server/core/db';
import { load, rows, tempDatabase } from '../helpers/db';
import { COMPLAINTS_HEADER, SURVEYS_HEADER, complaint, gbk, survey, utf16le, utf8Bom } from '../helpers/hostile-bytes';

/**
 * Random bytes and random mutations of valid files (byte flips, inserted quotes, delimiters and line
 * breaks, truncation, duplicated lines, re-encoding) never throw out of the engine — only a summary or an
 * IngestFailure — and never load a row that breaks the schema's rules: after every load, SQL checks
 * every row of the tables. Bounded runs with a fixed seed (fast-check prints it with the counterexample).
 */
let db: Database;
let dir: string;
let close: () => void;
beforeAll(async () => ({ db, dir, close } = await tempDatabase()));
afterAll(() => close());

// FUZZ_SEED explores other inputs; the default keeps CI reproducible
const RUNS = { numRuns: 120, seed: Number(process.env.FUZZ_SEED ?? 4417) };

const VALID: Record<'complaints' | 'surveys', string> = {
	complaints:
		[
			COMPLAINTS_HEADER,
			complaint('F-1'),
			complaint('F-2', '2025/3/2 10:00', '"引号,逗号\n换行"', '+86 139 0000 1111'),
			complaint('F-3', '45717', '普通', '')
		].join('\n') + '\n',
	surveys:
		[
			SURVEYS_HEADER,
			survey('S-1'),
			survey('S-2', '2025年3月2日', '5', '10', '很好'),
			survey('S-3', '2025-03-03', '1', '0', '"差,很差"')
		].join('\n') + '\n'
};

/** Rows that break a rule: must always be zero. */
const VIOLATIONS: Record<'complaints' | 'surveys', string> = {
	complaints: `SELECT count(*)::INTEGER AS n FROM complaints WHERE complaint_id IS NULL OR trim(complaint_id) = '' OR received_at IS NULL OR store IS NULL OR trim(store) = ''
		OR NOT coalesce(follow_up_satisfaction BETWEEN 1 AND 5, true) OR NOT coalesce(compensation >= 0, true)
		OR NOT coalesce(regexp_full_match(customer_phone, '\\d{7,12}'), true) OR first_response_at < received_at OR resolved_at < received_at
		OR year(received_at) NOT BETWEEN 1900 AND 2200`,
	surveys: `SELECT count(*)::INTEGER AS n FROM surveys WHERE response_id IS NULL OR trim(response_id) = '' OR submitted_at IS NULL OR store IS NULL OR trim(store) = ''
		OR NOT coalesce(overall BETWEEN 1 AND 5, true) OR NOT coalesce(nps BETWEEN 0 AND 10, true)
		OR NOT coalesce(environment BETWEEN 1 AND 5, true) OR NOT coalesce(price BETWEEN 1 AND 5, true) OR year(submitted_at) NOT BETWEEN 1900 AND 2200`
};

type Mutation =
	| { op: 'flip'; at: number; byte: number }
	| { op: 'insert'; at: number; text: string }
	| { op: 'truncate'; at: number }
	| { op: 'duplicate'; line: number }
	| { op: 'delete'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
	fc.record({
		op: fc.constant('insert' as const),
		at: fc.nat(),
		text: fc.constantFrom('"', ',', '\n', '\r\n', '""', ',,', '\t', ';', '\u3000', '\u200b', '=1+1', '６', '\n\n', '"\n')
	}),
	fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
	fc.record({ op: fc.constant('duplicate' as const), line: fc.nat() }),
	fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) })
);

function mutate(bytes: Buffer, ms: Mutation[]): Buffer {
	let b = Buffer.from(bytes);
	for (const m of ms) {
		const at = b.length ? (m.op === 'duplicate' ? 0 : 'at' in m ? m.at % (b.length + 1) : 0) : 0;
		if (m.op === 'flip' && b.length) b[at % b.length] = m.byte;
		else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text), b.subarray(at)]);
		else if (m.op === 'truncate') b = b.subarray(0, at);
		else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
		else if (m.op === 'duplicate') {
			const lines = b.toString('latin1').split('\n');
			const i = m.line % lines.length;
			lines.splice(i, 0, lines[i]!);
			b = Buffer.from(lines.join('\n'), 'latin1');
		}
	}
	return b;
}

let n = 0;
/** Loads the bytes (accept-partial: as much as can load) and checks the outcome and the tables. */
async function loadChecked(kind: 'complaints' | 'surveys', bytes: Buffer): Promise<void> {
	const file = join(dir, `fuzz-${n++}.csv`);
	writeFileSync(file, bytes);
	let loaded = 0;
	let batch: number | null = null;
	try {
		const s = await load(db, kind as KindId, file, { acceptPartial: true });
		expect(['committed', 'rejected', 'duplicate']).toContain(s.status);
		expect(s.message.length).toBeGreaterThan(0);
		for (const e of s.errors) expect(e.reason).not.toMatch(/^reason_/u);
		if (s.status === 'committed') [loaded, batch] = [s.rows_loaded, s.batch_id];
		if (s.status === 'rejected') expect(s.rows_loaded).toBe(0);
	} catch (e) {
		if (process.env.FUZZ_LOG && !(e instanceof IngestFailure))
			console.log('FUZZ', n - 1, JSON.stringify(bytes.toString('latin1')), String(e).slice(0, 300));
		// the only thing that may leave the engine: a file it cannot read at all, with its reason
		expect(e).toBeInstanceOf(IngestFailure);
		expect((e as IngestFailure).unreadable).toBe(true);
	}
	const [bad] = await rows<{ n: number }>(db, VIOLATIONS[kind]);
	expect(bad?.n).toBe(0);
	if (batch !== null) {
		const [mine] = await rows<{ n: number }>(db, `SELECT count(*)::INTEGER AS n FROM ${kind} WHERE batch_id = $1`, [batch]);
		expect(mine?.n).toBe(loaded);
	}
}

const encodings = fc.constantFrom('utf-8', 'utf-8-bom', 'gbk', 'utf-16le');
const encode = (text: string, enc: string) =>
	enc === 'gbk' ? gbk(text) : enc === 'utf-8-bom' ? utf8Bom(text) : enc === 'utf-16le' ? utf16le(text) : Buffer.from(text);

describe('the engine under random input', () => {
	it('random bytes: a structured outcome, never an invalid row', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.constantFrom('complaints', 'surveys' as const), async (bytes, kind) => {
				await loadChecked(kind as 'complaints' | 'surveys', Buffer.from(bytes));
			}),
			{ ...RUNS, numRuns: 60 }
		);
	});

	// Found here: a file with a UTF-8 BOM and a stray invalid byte made DuckDB's reader fail internally,
	// invalidating the database; such files are now refused before DuckDB reads them (file_bad_utf8).
	it.each(['complaints', 'surveys'] as const)('mutations of a valid %s file: a structured outcome, never an invalid row', async (kind) => {
		await fc.assert(
			fc.asyncProperty(encodings, fc.array(mutation, { minLength: 1, maxLength: 4 }), async (enc, ms) => {
				await loadChecked(kind, mutate(encode(VALID[kind], enc), ms));
			}),
			RUNS
		);
	});
});
