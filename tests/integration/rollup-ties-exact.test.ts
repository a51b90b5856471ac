import { vi } from 'vitest';
import { tiesSuite } from '../helpers/ties';

/**
 * A big write (ROLLUP_EXACT_ORDER_FROM rows or more; here every write) orders its phones' rows by time and id at once
 * (tests/helpers/ties.ts). In a process of its own (tests/projects.js): the setting is read once per process.
 */
vi.hoisted(() => {
	process.env.ROLLUP_EXACT_ORDER_FROM = '1';
});

tiesSuite('rows of one phone at one time, kept current in the order by id (at once)');
