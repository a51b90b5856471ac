import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledIsCurrent } from '../../cli/compiled.js';
import { ensureBuilt } from '../helpers/server';

/** `npm run ingest` and the other tools run compiled when the build is current, from source otherwise. */

describe('which copy of a tool runs', () => {
	let root: string;
	const builtAt = Date.parse('2026-01-01T00:00:00Z');
	const at = (path: string, ms: number) => utimesSync(join(root, path), new Date(ms), new Date(ms));
	beforeAll(() => {
		root = mkdtempSync(join(tmpdir(), 'sqa-cli-start-'));
		mkdirSync(join(root, 'build/cli'), { recursive: true });
		mkdirSync(join(root, 'cli'));
		for (const f of ['cli/ingest.ts', 'cli/run.ts', 'build/cli/ingest.js']) writeFileSync(join(root, f), '');
		writeFileSync(
			join(root, 'build/cli/manifest.json'),
			JSON.stringify({ builtAt, tools: ['ingest', 'user'], inputs: ['cli/ingest.ts', 'cli/run.ts'] })
		);
		at('cli/ingest.ts', builtAt - 60_000);
		at('cli/run.ts', builtAt - 60_000);
	});
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	it('the compiled one, when every source is older than the build', () => {
		expect(compiledIsCurrent(root, 'ingest')).toBe(true);
	});

	it('the source, for a tool the build did not write or did not list', () => {
		expect(compiledIsCurrent(root, 'user')).toBe(false);
		expect(compiledIsCurrent(root, 'audit')).toBe(false);
	});

	it('the source, once a source changed or went away since the build', () => {
		at('cli/run.ts', builtAt + 1000);
		expect(compiledIsCurrent(root, 'ingest')).toBe(false);
		at('cli/run.ts', builtAt - 1000);
		expect(compiledIsCurrent(root, 'ingest')).toBe(true);
		rmSync(join(root, 'cli/run.ts'));
		expect(compiledIsCurrent(root, 'ingest')).toBe(false);
	});

	it('the source, without a build', () => {
		expect(compiledIsCurrent(join(root, 'cli'), 'ingest')).toBe(false);
	});
});

describe('the compiled tools', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'sqa-cli-compiled-'));
		// the build the suite runs against (built here when stale, as `npm run build`), not a bundle of its own: the bundler
		// empties build/cli before writing it again, and other tests run those tools meanwhile (a CI run lost one of
		// their loads that way)
		ensureBuilt();
	}, 300_000);
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('are current right after the build, and load a file saying first what they read', () => {
		for (const tool of ['ingest', 'user', 'audit', 'notify', 'generate']) expect(compiledIsCurrent(process.cwd(), tool)).toBe(true);
		// they depend on the messages' sources, not on the modules generated from them (vitest writes those anew)
		const { inputs } = JSON.parse(readFileSync('build/cli/manifest.json', 'utf8')) as { inputs: string[] };
		expect(inputs).toEqual(expect.arrayContaining(['messages/en.json', 'messages/zh-CN.json', 'src/lib/server/core/db/migrations.ts']));
		expect(inputs.filter((p) => p.startsWith('src/lib/paraglide/'))).toEqual([]);
		const db = join(dir, 'q.duckdb');
		const r = spawnSync(process.execPath, ['cli/start.js', 'ingest', 'staff', 'data/samples/staff.csv', '--db', db], {
			encoding: 'utf8',
			env: { ...process.env, QUALITY_LANG: 'zh-CN' }
		});
		expect(r.status, r.stderr).toBe(0);
		expect(r.stderr.split('\n')[0]).toBe('读取 staff.csv …');
		expect(r.stdout).toContain('导入 36 行');
		const json = spawnSync(process.execPath, ['cli/start.js', 'ingest', 'batches', '--db', db, '--json'], { encoding: 'utf8' });
		expect(json.stderr).toBe('');
		expect(JSON.parse(json.stdout)).toHaveLength(1);
		// the language and the database file from the environment (read before the rest of the settings)
		const fromEnv = join(dir, 'env.duckdb');
		const en = spawnSync(process.execPath, ['cli/start.js', 'ingest', 'staff', 'data/samples/staff.csv'], {
			encoding: 'utf8',
			env: { ...process.env, QUALITY_LANG: 'en', DATABASE_PATH: fromEnv }
		});
		expect(en.status, en.stderr).toBe(0);
		expect(en.stderr.split('\n')[0]).toBe('Reading staff.csv …');
		expect(existsSync(fromEnv)).toBe(true);
	});
});
