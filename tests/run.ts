/**
 * `npm test`: the production build, the type check, unit and integration tests (the layer check among them) (vitest, real DuckDB files), then
 * the browser tests (Playwright driving Debian's chromium against the real server).
 * Ends with one line "N passed, N failed" counting both.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { ensureBrowser } from './ensure-browser';

mkdirSync('test-results', { recursive: true });
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
	spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

let passed = 0;
let failed = 0;

// The integration tests start the built server and run the compiled tools too, so build both once, first (as
// `npm run build`: a build without the tools is stale to the tests' `ensureBuilt`, which would build again).
const build = run('npm', ['run', '--silent', 'build'], { NODE_ENV: 'production' });
if (build !== 0) {
	console.log('\n0 passed, 1 failed');
	process.exit(1);
}

// Types everywhere (svelte-check over src, pipelines, cli, tests and bench): one check, counted as one test.
const check = run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human']);
if (check === 0) passed += 1;
else failed += 1;

// Lint and format (eslint with typescript-eslint and eslint-plugin-svelte; prettier): one check, counted as one test.
const lint = run('npm', ['run', '--silent', 'lint']);
if (lint === 0) passed += 1;
else failed += 1;

const vitestJson = 'test-results/vitest.json';
const unit = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
	const r = JSON.parse(readFileSync(vitestJson, 'utf8')) as { numPassedTests: number; numFailedTests: number };
	passed += r.numPassedTests;
	failed += r.numFailedTests;
}
if (unit !== 0 && failed === 0) failed += 1;

let e2e = 0;
if (process.env.SKIP_E2E !== '1') {
	ensureBrowser();
	{
		const pwJson = 'test-results/playwright.json';
		e2e = run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
		if (existsSync(pwJson)) {
			const r = JSON.parse(readFileSync(pwJson, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number } };
			passed += r.stats.expected + r.stats.flaky;
			failed += r.stats.unexpected;
		}
		if (e2e !== 0 && failed === 0) failed += 1;
	}
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(check !== 0 || lint !== 0 || unit !== 0 || e2e !== 0 || failed > 0 ? 1 : 0);
