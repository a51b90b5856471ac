import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
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
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/generate/**/*.test.ts', 'src/**/*.test.ts', 'pipelines/**/*.test.ts'],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: 'forks'
	}
});
