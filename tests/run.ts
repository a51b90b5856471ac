/**
 * `npm test`: lint beside the production build, then side by side: the type check; the unit and integration tests (the
 * layer check among them) (vitest, real DuckDB files); the browser tests (Playwright driving Debian's chromium against
 * the real server). Each part's output goes to test-logs/<part>.log (Playwright empties test-results/ as it starts),
 * printed whole when the part ends. Ends with one line "N passed, N failed" counting them all.
 *
 * Side by side because each part alone leaves a core idle much of the time (a test waiting on a server, a browser, a
 * child process): one after the other they took some 29 minutes on two cores, the same work side by side less (the
 * figures: docs/decisions.md, "The test command's parts side by side"). `SKIP_E2E=1` leaves the browser tests out.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { ensureBrowser } from './ensure-browser';

// emptied first: a report left by an earlier run must not be counted for a part that did not write one
rmSync('test-logs', { recursive: true, force: true });
mkdirSync('test-logs', { recursive: true });

const started = Date.now();
const clock = () => `${Math.round((Date.now() - started) / 1000)} s`;

/**
 * Runs a part with its output to test-logs/<name>.log; prints the log once it ended. Resolves with its exit code.
 * `seen`: called once, when `pattern` first shows in the part's output, or when the part ends without it.
 */
function part(
	name: string,
	cmd: string,
	args: string[],
	env: NodeJS.ProcessEnv = {},
	seen?: { pattern: RegExp; then: () => void }
): Promise<number> {
	const logPath = `test-logs/${name}.log`;
	const log = createWriteStream(logPath);
	console.log(`[${clock()}] ${name}: started (${cmd} ${args.join(' ')})`);
	let waiting = seen;
	const saw = () => {
		waiting?.then();
		waiting = undefined;
	};
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
		child.stdout.pipe(log, { end: false });
		child.stderr.pipe(log, { end: false });
		if (waiting) child.stdout.on('data', (chunk: Buffer) => waiting?.pattern.test(chunk.toString()) && saw());
		const finish = (code: number) =>
			log.end(() => {
				saw();
				console.log(`\n===== ${name} (${logPath}) =====\n${readFileSync(logPath, 'utf8')}`);
				console.log(`[${clock()}] ${name}: ended with exit code ${code}`);
				resolve(code);
			});
		child.once('error', (e) => {
			log.write(`${String(e)}\n`);
			finish(1);
		});
		child.once('close', (code) => finish(code ?? 1));
	});
}

let passed = 0;
let failed = 0;
/** What failed, by name, printed again at the very end (CI may keep only the tail of the output). */
const failures: string[] = [];
/** Parts counted as one test that failed: their logs' last lines are printed again at the end, for the same reason. */
const failedLogs: string[] = [];
/** A part that counts as one test: passed when it exits 0. */
const asOne = (name: string) => (code: number) => {
	if (code === 0) passed += 1;
	else {
		failed += 1;
		failures.push(`${name}: exit code ${code} (test-logs/${name}.log)`);
		failedLogs.push(name);
	}
	return code;
};

// Lint and format (eslint with typescript-eslint and eslint-plugin-svelte; prettier), counted as one test, start
// first: they read only the sources (not the build's output, which they ignore), so they use the core the build leaves
// idle (the build runs mostly on one).
const lint = part('lint', 'npm', ['run', '--silent', 'lint']).then(asOne('lint'));

// The integration tests start the built server and run the compiled tools too, so build both once, first (as
// `npm run build`: a build without the tools is stale to the tests' `ensureBuilt`, which would build again).
/** Runs a command to its end without holding up the parts already running (their output is read meanwhile). */
const finished = (cmd: string, args: string[], opts: SpawnOptions) =>
	new Promise<number>((resolve) => {
		const child = spawn(cmd, args, opts);
		child.once('error', () => resolve(1));
		child.once('close', (code) => resolve(code ?? 1));
	});
const build = await finished('npm', ['run', '--silent', 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
if (build !== 0) {
	await lint;
	console.log(`\n${passed} passed, ${failed + 1} failed`);
	process.exit(1);
}
// The messages' compiled modules (src/lib/paraglide): vitest rewrites them as it starts (one module per locale, where
// the build wrote one per message), which must not happen while the browser tests' servers import them through tsx.
// Listing the test files runs that compile alone, first; the vitest run below then finds them as it would write them
// and writes nothing.
if ((await finished('npx', ['vitest', 'list', '--filesOnly'], { stdio: 'ignore' })) !== 0) {
	await lint;
	console.log(`\nvitest could not list the test files\n${passed} passed, ${failed + 1} failed`);
	process.exit(1);
}
// the build the tests run against: built again during them (a test found it stale), it changed under running servers
const builtAt = statSync('build/index.js').mtimeMs;
const e2eWanted = process.env.SKIP_E2E !== '1';
if (e2eWanted) ensureBrowser();

// Types everywhere (svelte-check over src, pipelines, cli, tests and bench; after the build, which writes the route
// types it reads), counted as one test. It starts once vitest has finished a first test file: as vitest starts, SvelteKit's
// plugin writes every route's types in .svelte-kit/types anew (truncating each file first), and a type check reading
// them meanwhile can find one empty (a stop's CI once failed its type check alone, at 1,270 passed).
let vitestUnderway = () => {};
const afterVitestStart = new Promise<void>((resolve) => (vitestUnderway = resolve));
const statics = (async () => {
	await afterVitestStart;
	const check = asOne('types')(
		await part('types', 'npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human'])
	);
	return check || (await lint);
})();

/**
 * Adds a part's tests, as its JSON report counts them, to the totals; a part that failed without a failed test in its
 * report (it did not start, or ended early) counts as one failure.
 */
function counted<R>(
	name: string,
	code: number,
	report: string,
	counts: (json: R) => { passed: number; failed: number; names: string[] }
): number {
	const c = existsSync(report) ? counts(JSON.parse(readFileSync(report, 'utf8')) as R) : { passed: 0, failed: 0, names: [] };
	passed += c.passed;
	failed += c.failed + (code !== 0 && c.failed === 0 ? 1 : 0);
	failures.push(...c.names.map((n) => `${name}: ${n}`));
	if (code !== 0 && c.failed === 0) failures.push(`${name}: exit code ${code} with no failed test in its report (test-logs/${name}.log)`);
	return code;
}

interface VitestReport {
	numPassedTests: number;
	numFailedTests: number;
	testResults: {
		name: string;
		status: string;
		message?: string;
		assertionResults: { fullName: string; status: string; ancestorTitles: string[] }[];
	}[];
}
/**
 * A vitest file that failed without a failed test (a hook that timed out or threw: its tests are then skipped), named
 * with its message's first line, or the groups whose tests it skipped: counted as one failure (CI keeps only the tail).
 */
const failedFiles = (r: VitestReport) =>
	r.testResults
		.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'))
		.map((f) => {
			// the message is often empty (a hook's error is in the log); the groups whose tests were skipped say where
			const skipped = [...new Set(f.assertionResults.filter((a) => a.status === 'skipped').map((a) => a.ancestorTitles.join(' › ')))];
			const why = f.message?.trim().split('\n')[0]?.slice(0, 300) || 'failed outside its tests (a hook?), see test-logs/vitest.log';
			return `${f.name.replace(`${process.cwd()}/`, '')} › ${why}${skipped.length ? `; skipped: ${skipped.join('; ')}` : ''}`;
		});

interface PwSuite {
	title: string;
	file?: string;
	suites?: PwSuite[];
	specs?: { title: string; file: string; line: number; tests: { status: string }[] }[];
}
/** The names of a Playwright report's specs that ended unexpected, with their file, line and describe titles. */
function pwFailed(suites: PwSuite[] | undefined, path: string[] = [], top = true): string[] {
	return (suites ?? []).flatMap((s) => {
		// a top suite is the file itself: its title is the file's name, given once with the line
		const titles = top ? path : [...path, s.title];
		return [
			...(s.specs ?? [])
				.filter((sp) => sp.tests.some((t) => t.status === 'unexpected'))
				.map((sp) => `${sp.file}:${sp.line} ${[...titles, sp.title].join(' › ')}`),
			...pwFailed(s.suites, titles, false)
		];
	});
}

const vitestJson = 'test-logs/vitest.json';
// a file's result line (✓, or ❯ or × for one that failed; colours may follow the mark) comes after the start's type writing
const unit = part(
	'vitest',
	'npx',
	['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
	{},
	{ pattern: /[✓❯×]/, then: vitestUnderway }
).then((code) =>
	counted('vitest', code, vitestJson, (r: VitestReport) => ({
		passed: r.numPassedTests,
		failed: r.numFailedTests + failedFiles(r).length,
		names: [
			...r.testResults.flatMap((f) =>
				f.assertionResults.filter((a) => a.status === 'failed').map((a) => `${f.name.replace(`${process.cwd()}/`, '')} › ${a.fullName}`)
			),
			...failedFiles(r)
		]
	}))
);

const pwJson = 'test-logs/playwright.json';
const e2e = e2eWanted
	? part('playwright', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson }).then((code) =>
			counted('playwright', code, pwJson, (r: { stats: { expected: number; unexpected: number; flaky: number }; suites?: PwSuite[] }) => ({
				passed: r.stats.expected + r.stats.flaky,
				failed: r.stats.unexpected,
				names: pwFailed(r.suites)
			}))
		)
	: Promise.resolve(0);

const codes = await Promise.all([statics, unit, e2e]);
console.log(`\n[${clock()}] all parts ended`);
if (statSync('build/index.js').mtimeMs !== builtAt) {
	failed += 1;
	failures.push('the app was built again while the tests ran: a test found the build stale (tests/helpers/build-lock.ts)');
}
for (const name of failedLogs) {
	const lines = readFileSync(`test-logs/${name}.log`, 'utf8').trimEnd().split('\n');
	console.log(`\n----- the last lines of test-logs/${name}.log -----\n${lines.slice(-40).join('\n')}`);
}
if (failures.length > 0) console.log(`failed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(codes.some((c) => c !== 0) || failed > 0 ? 1 : 0);
