import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { INCLUDE, OWN_PROCESS } from './tests/projects.js';

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit()
	],
	ssr: { external: ['@duckdb/node-api'] },
	test: {
		// Two projects: most files share their worker's process with the files before them (`isolate: false`: each file's
		// own process cost ~1 s of imports, some 110 s in a run); the files that set the environment before the
		// configuration is read (it is read once per process) keep a process of their own. What a file keeps between its
		// tests lives per database (the metric caches and rollup states are WeakMaps by database), and no file mocks a
		// module or the clock.
		projects: [
			{ extends: true, test: { name: 'own-process', include: OWN_PROCESS } },
			{ extends: true, test: { name: 'shared', include: INCLUDE, exclude: OWN_PROCESS, isolate: false } }
		],
		globalSetup: ['tests/global-setup.ts'],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: 'forks',
		// a worker per core (vitest's default leaves one idle): the tests wait on servers, browsers and child processes
		// much of the time, and one worker left a core idle for most of the run
		maxWorkers: Math.max(2, availableParallelism())
	}
});
