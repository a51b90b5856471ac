import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OWN_PROCESS } from '../projects.js';

/**
 * Most test files share their worker's process (tests/projects.js). A file that changes what the process keeps for
 * the files after it (the environment, a mocked module, the clock, a global) must run in a process of its own: this
 * finds every such file and asks that the list names exactly those.
 */
const LEAKS = /process\.env(\.\w+|\[[^\]]+\])\s*=(?!=)|delete process\.env|vi\.(stubEnv|stubGlobal|mock|doMock|useFakeTimers)\(/u;

function testFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const path = join(dir, e.name);
		if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'paraglide' ? [] : testFiles(path);
		return e.name.endsWith('.test.ts') ? [relative(process.cwd(), path)] : [];
	});
}

describe('test files that change the process', () => {
	it('run in a process of their own, and only they', () => {
		const files = ['tests', 'src', 'pipelines'].flatMap(testFiles);
		expect(files.length).toBeGreaterThan(100);
		const leaking = files.filter((f) => LEAKS.test(readFileSync(f, 'utf8'))).sort();
		expect(leaking).toEqual([...OWN_PROCESS].sort());
	});
});
