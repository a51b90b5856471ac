import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadSlots } from './read-slots';
import { Database, queryRows } from '$lib/server/core/db';

/** A promise and the function that settles it: work that ends when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
	let open!: () => void;
	const promise = new Promise<void>((r) => (open = r));
	return { promise, open };
}
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('read slots', () => {
	it('runs at most `size` at once and starts the others in the order they came', async () => {
		const slots = new ReadSlots(2);
		const started: number[] = [];
		const gates = [0, 1, 2, 3, 4].map(() => gate());
		const runs = gates.map((g, i) =>
			slots.run(async () => {
				started.push(i);
				await g.promise;
				return i;
			})
		);
		await tick();
		expect(started).toEqual([0, 1]);
		expect(slots.state).toEqual({ running: 2, waiting: 3 });
		gates[1]!.open();
		await tick();
		expect(started).toEqual([0, 1, 2]);
		gates[0]!.open();
		await tick();
		expect(started).toEqual([0, 1, 2, 3]);
		for (const g of gates) g.open();
		expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
		expect(slots.state).toEqual({ running: 0, waiting: 0 });
	});

	it('frees the slot of work that fails, and passes the failure on', async () => {
		const slots = new ReadSlots(1);
		const failed = slots.run(async () => {
			await tick();
			throw new Error('query failed');
		});
		const next = slots.run(async () => 'ran');
		await expect(failed).rejects.toThrow('query failed');
		expect(await next).toBe('ran');
		expect(slots.state).toEqual({ running: 0, waiting: 0 });
	});

	it('gives work that holds a slot its nested reads at once (no waiting on its own slot)', async () => {
		const slots = new ReadSlots(1);
		const waiting = gate();
		const outer = slots.run(async () => {
			const inner = await slots.run(async () => 'nested');
			await waiting.promise;
			return inner;
		});
		const other = slots.run(async () => 'other');
		await tick();
		expect(slots.state).toEqual({ running: 1, waiting: 1 });
		waiting.open();
		expect(await outer).toBe('nested');
		expect(await other).toBe('other');
	});

	it('makes work left running after its slot was freed take a slot of its own', async () => {
		const slots = new ReadSlots(1);
		const later = gate();
		let leftBehind: Promise<string> | null = null;
		await slots.run(async () => {
			leftBehind = later.promise.then(() => slots.run(async () => 'own slot'));
		});
		const holder = gate();
		const holding = slots.run(() => holder.promise);
		later.open();
		await tick();
		expect(slots.state).toEqual({ running: 1, waiting: 1 });
		holder.open();
		await holding;
		expect(await leftBehind!).toBe('own slot');
	});

	it('runs exempt work, and the reads it nests, past a full bound', async () => {
		const slots = new ReadSlots(1);
		const holder = gate();
		const holding = slots.run(() => holder.promise);
		expect(await slots.exempt(() => slots.run(async () => 'past'))).toBe('past');
		holder.open();
		await holding;
	});

	it('refuses a size that is not a positive whole number', () => {
		expect(() => new ReadSlots(0)).toThrow();
		expect(() => new ReadSlots(1.5)).toThrow();
	});
});

describe('reads and writes on a database with one read slot', () => {
	let dir: string;
	let db: Database;
	afterEach(() => {
		db?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('lets a write, its nested connections and a lookup run while reads hold and wait for the slot', async () => {
		dir = mkdtempSync(join(tmpdir(), 'sqa-readslots-'));
		db = await Database.open(join(dir, 'q.duckdb'), { readers: 1 });
		const holder = gate();
		const order: string[] = [];
		const reading = db.withConnection(async (c) => {
			await queryRows(c, 'SELECT 1');
			order.push('read 1 started');
			await holder.promise;
			order.push('read 1 done');
		});
		await tick();
		const waitingRead = db.withConnection(async (c) => {
			order.push('read 2 started');
			return queryRows<{ n: number }>(c, 'SELECT count(*)::INTEGER AS n FROM t');
		});
		await tick();
		expect(db.reads).toEqual({ running: 1, waiting: 1 });

		await db.withWriteLock(async (conn) => {
			await conn.run('CREATE TABLE t AS SELECT 42 AS x');
			// write work reading through the database (a batch record, a setting) does not queue either
			const [row] = await db.withConnection((c) => queryRows<{ x: number }>(c, 'SELECT x FROM t'));
			expect(row!.x).toBe(42);
			order.push('write done');
		});
		const [v] = await db.withConnection((c) => queryRows<{ one: number }>(c, 'SELECT 1 AS one'), { lookup: true });
		expect(v!.one).toBe(1);
		order.push('lookup done');
		expect(order).toEqual(['read 1 started', 'write done', 'lookup done']);

		holder.open();
		await reading;
		expect(await waitingRead).toEqual([{ n: 1 }]);
		expect(order).toEqual(['read 1 started', 'write done', 'lookup done', 'read 1 done', 'read 2 started']);
		expect(db.reads).toEqual({ running: 0, waiting: 0 });
	});
});
