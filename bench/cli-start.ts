/**
 * How soon `npm run ingest` says something: from the process's start to its first line (stderr or
 * stdout) and to its exit, loading the 36-row sample roster into a fresh file; beside it, `node` doing
 * nothing (the floor any Node tool pays) and `npm run` of a script doing nothing (what npm adds).
 * The compiled tools are used when `npm run build` made them (cli/start.js), else the source through tsx.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledIsCurrent } from '../cli/compiled.js';

export interface StartTimes {
	compiled: boolean;
	firstLineMsP50: number;
	exitMsP50: number;
	firstLine: string;
	nodeMsP50: number;
	npmMsP50: number;
}

function once(cmd: string, args: string[]): Promise<{ firstMs: number; exitMs: number; line: string }> {
	const t0 = performance.now();
	const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let firstMs = -1;
	let line = '';
	const seen = (d: Buffer) => {
		if (firstMs >= 0) return;
		firstMs = performance.now() - t0;
		line = String(d).split('\n')[0]!;
	};
	child.stdout.on('data', seen);
	child.stderr.on('data', seen);
	return new Promise((ok) => child.on('close', () => ok({ firstMs, exitMs: performance.now() - t0, line })));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function cliStartTimes(runs = 5): Promise<StartTimes> {
	const dir = mkdtempSync(join(tmpdir(), 'sqa-bench-cli-'));
	try {
		const ingest: Awaited<ReturnType<typeof once>>[] = [];
		const node: number[] = [];
		const npm: number[] = [];
		for (let i = 0; i < runs; i++) {
			const db = join(dir, `q${i}.duckdb`);
			ingest.push(await once('npm', ['run', '--silent', 'ingest', '--', 'staff', 'data/samples/staff.csv', '--db', db]));
			node.push((await once(process.execPath, ['-e', ''])).exitMs);
			npm.push((await once('npm', ['run', '--silent', 'env', '--', 'true'])).exitMs);
		}
		return {
			compiled: compiledIsCurrent(process.cwd(), 'ingest'),
			firstLineMsP50: median(ingest.map((r) => r.firstMs)),
			exitMsP50: median(ingest.map((r) => r.exitMs)),
			firstLine: ingest[0]!.line,
			nodeMsP50: median(node),
			npmMsP50: median(npm)
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
