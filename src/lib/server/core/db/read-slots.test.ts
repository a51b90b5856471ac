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

	it('runs background reads one at a time, each in its turn with users’ reads', async () => {
		const slots = new ReadSlots(2);
		const started: string[] = [];
		const gates = new Map<string, ReturnType<typeof gate>>();
		const read = (name: string, background = false) => {
			const g = gate();
			gates.set(name, g);
			const work = () =>
				slots.run(async () => {
					started.push(name);
					await g.promise;
				});
			return background ? slots.background(work) : work();
		};
		const runs = [read('bg1', true), read('bg2', true)];
		await tick();
		// one background read at a time, though a slot is free: users always have the others
		expect(started).toEqual(['bg1']);
		expect(slots.state).toEqual({ running: 1, waiting: 1 });
		runs.push(read('user1'));
		await tick();
		expect(started).toEqual(['bg1', 'user1']);
		runs.push(read('user2'));
		await tick();
		expect(slots.state).toEqual({ running: 2, waiting: 2 });
		// bg1 ends: its slot goes to the user waiting, and bg2 takes its turn in line behind that user
		gates.get('bg1')!.open();
		await tick();
		expect(started).toEqual(['bg1', 'user1', 'user2']);
		runs.push(read('user3'));
		await tick();
		// a user's read that comes after bg2 queued goes after it: a page joining bg2's query is not passed over
		gates.get('user1')!.open();
		await tick();
		expect(started).toEqual(['bg1', 'user1', 'user2', 'bg2']);
		gates.get('user2')!.open();
		await tick();
		expect(started).toEqual(['bg1', 'user1', 'user2', 'bg2', 'user3']);
		for (const g of gates.values()) g.open();
		await Promise.all(runs);
		expect(slots.state).toEqual({ running: 0, waiting: 0 });
	});

	it('lets a background read waiting for its turn go without it when a user’s request joins it', async () => {
		const slots = new ReadSlots(2);
		const holder = gate();
		const started: string[] = [];
		// bg1 has the background turn and holds it
		const first = slots.background(() =>
			slots.run(async () => {
				started.push('bg1');
				await holder.promise;
			})
		);
		let promote: (() => void) | undefined;
		const second = slots.background(() =>
			slots.run(
				async () => void started.push('bg2'),
				(p) => (promote = p)
			)
		);
		await tick();
		expect(started).toEqual(['bg1']);
		expect(promote).toBeTypeOf('function');
		// a user's request joined bg2's query: it runs in the free slot, though bg1 still has the turn
		promote!();
		await second;
		expect(started).toEqual(['bg1', 'bg2']);
		promote!();
		holder.open();
		await first;
		// the turn was bg1's alone: the next background read takes it at once
		expect(await slots.background(() => slots.run(async () => 'next'))).toBe('next');
		expect(slots.state).toEqual({ running: 0, waiting: 0 });
	});

	it('gives a background read’s further connections at once, and its turn back when it fails', async () => {
		const slots = new ReadSlots(1);
		const nested = await slots.background(() => slots.run(() => slots.run(async () => 'nested')));
		expect(nested).toBe('nested');
		await expect(slots.background(() => slots.run(() => Promise.reject(new Error('read failed'))))).rejects.toThrow('read failed');
		// the turn was passed on: the next background read runs
		expect(await slots.background(() => slots.run(async () => 'next'))).toBe('next');
		expect(slots.state).toEqual({ running: 0, waiting: 0 });
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
