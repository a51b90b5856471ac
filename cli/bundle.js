/**
 * `npm run build` (after vite build): the command-line tools compiled to build/cli/<tool>.js, so they start
 * in a fraction of the time tsx needs to transpile them (see cli/start.js, which runs them). Packages stay
 * in node_modules; shared code sits in chunks beside the tools. build/cli/manifest.json lists the sources
 * each build was made from and when, so that a source changed since is run from source instead.
 */
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';

/** The tools cli/start.js runs compiled when it can (demo builds the app itself, and runs from source). */
const TOOLS = ['ingest', 'user', 'audit', 'notify', 'generate'];
const OUT_DIR = 'build/cli';

const builtAt = Date.now();
rmSync(OUT_DIR, { recursive: true, force: true });
const result = await build({
	entryPoints: TOOLS.map((t) => `cli/${t}.ts`),
	outdir: OUT_DIR,
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	packages: 'external',
	tsconfig: 'tsconfig.json',
	metafile: true,
	logLevel: 'warning'
});
// The compiled messages (src/lib/paraglide) are generated from messages/*.json, one module per message by the build
// and one per locale by vitest as it starts: listed as inputs, those files made the tools stale (run from source,
// ~570 ms to a first line instead of ~400) after any test run. The tools depend on the messages, so those are listed.
const GENERATED = 'src/lib/paraglide/';
const MESSAGE_SOURCES = ['messages/en.json', 'messages/zh-CN.json', 'project.inlang/settings.json'];
const sources = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/'));
const inputs = [
	...sources.filter((p) => !p.startsWith(GENERATED)),
	...(sources.some((p) => p.startsWith(GENERATED)) ? MESSAGE_SOURCES : [])
];
writeFileSync(`${OUT_DIR}/manifest.json`, `${JSON.stringify({ builtAt, tools: TOOLS, inputs }, null, 1)}\n`);
console.log(`CLI tools compiled to ${OUT_DIR}/ (${TOOLS.join(', ')}; ${inputs.length} sources)`);
