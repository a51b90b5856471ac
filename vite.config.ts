import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

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
		include: [
			'tests/unit/**/*.test.ts',
			'tests/integration/**/*.test.ts',
			'tests/generate/**/*.test.ts',
			'src/**/*.test.ts',
			'pipelines/**/*.test.ts'
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
