/**
 * vitest's two projects (vite.config.ts): the test files share their worker's process, except the files that set the
 * environment before the configuration is read (config.ts reads it once per process), which keep one of their own.
 * tests/unit/test-isolation.test.ts keeps this list true. (JavaScript: vite.config.ts imports it with its extension.)
 */
/** @type {string[]} */
export const INCLUDE = [
	'tests/unit/**/*.test.ts',
	'tests/integration/**/*.test.ts',
	'tests/generate/**/*.test.ts',
	'src/**/*.test.ts',
	'pipelines/**/*.test.ts'
];
/** @type {string[]} */
export const OWN_PROCESS = [
	'src/lib/server/core/db/process.test.ts',
	'tests/integration/rollups-after.test.ts',
	'tests/integration/rollup-ties-exact.test.ts',
	'tests/integration/load-threads.test.ts'
];
