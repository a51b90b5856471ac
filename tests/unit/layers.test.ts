import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { holdingBuildLock } from '../helpers/build-lock';

/**
 * The one-way layers of docs/architecture.md, checked by dependency-cruiser with .dependency-cruiser.cjs:
 * the tree as it is has no cycle and no upward or browser-to-server import, and each kind of breach,
 * planted in a probe file, is caught.
 */

interface Violation {
	rule: { name: string };
	from: string;
	to: string;
}

function cruise(paths: string[]): Violation[] {
	const r = spawnSync('npx', ['depcruise', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...paths], {
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024
	});
	if (!r.stdout.trim().startsWith('{')) throw new Error(`depcruise failed: ${r.stderr}`);
	return (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('layers', () => {
	it('the tree has no import cycle, no upward import and no browser code importing server code', () => {
		const violations = cruise(['src', 'pipelines', 'cli']);
		expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
	}, 120_000);

	it('catches each kind of breach', () => {
		const probe = (dir: string) => join(dir, '__layer_probe__');
		const probes = {
			'src/lib/shared': "import { log } from '$lib/server/core/log';\nexport const x = log;\n",
			'src/lib/server/core': "import { ingest } from '$pipelines/engine';\nexport const x = ingest;\n",
			pipelines: "import { METRICS } from '$lib/server/metrics/catalog';\nexport const x = METRICS;\n",
			'src/lib/server/metrics':
				"import { complaintsPage } from '$lib/server/features/complaints/page';\nexport const x = complaintsPage;\n",
			'src/lib/features/upload': "import { schemas } from '$pipelines/engine';\nexport const x = schemas;\n",
			'src/lib/charts': "import { scheduleEvaluation } from '$lib/server/features/quality/alerts';\nexport const x = scheduleEvaluation;\n"
		};
		const written: string[] = [];
		// the probes come and go inside source folders: their folders keep their times, or the build would look older than
		// its sources (tests/helpers/server.ts) and the next test to start the server would build everything again; and
		// while they are there the build lock is held, so no test decides meanwhile that the build is stale
		const times = Object.keys(probes).map((dir) => {
			const st = statSync(dir);
			return { dir, atime: st.atime, mtime: st.mtime };
		});
		holdingBuildLock(() => {
			try {
				for (const [dir, text] of Object.entries(probes)) {
					mkdirSync(probe(dir), { recursive: true });
					writeFileSync(join(probe(dir), 'probe.ts'), text);
					written.push(probe(dir));
				}
				// a cycle between two probe files
				writeFileSync(join(probe('pipelines'), 'a.ts'), "import { b } from './b';\nexport const a = () => b;\n");
				writeFileSync(join(probe('pipelines'), 'b.ts'), "import { a } from './a';\nexport const b = () => a;\n");
				const rules = new Set(cruise(written).map((v) => `${v.rule.name} ${v.from.split('/__layer_probe__')[0]}`));
				// each probe is caught by its own rule (some by a second one too: a chart importing server code is also browser code)
				expect([...rules]).toEqual(
					expect.arrayContaining([
						'shared-imports-above src/lib/shared',
						'core-imports-above src/lib/server/core',
						'ingestion-imports-above pipelines',
						'metrics-imports-above src/lib/server/metrics',
						'browser-imports-server src/lib/features/upload',
						'charts-and-ui-import-data src/lib/charts',
						'no-cycles pipelines'
					])
				);
			} finally {
				for (const d of written) rmSync(d, { recursive: true, force: true });
				for (const t of times) utimesSync(t.dir, t.atime, t.mtime);
			}
		});
	}, 120_000);
});
