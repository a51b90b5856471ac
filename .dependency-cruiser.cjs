/**
 * The layers, one direction (see docs/architecture.md). `npm run deps` checks them and `npm test` runs it:
 *
 *   shared (src/lib/shared: pure code the browser and the server both use)
 *   core (src/lib/server/core: config, db, log, auth, files)
 *   ingestion (pipelines/)
 *   metrics (src/lib/server/metrics)
 *   features (src/lib/server/features/<f>: server halves; src/lib/features/<f>, ui, charts: browser halves)
 *   routes (src/routes, hooks) and commands (cli/)
 *
 * Each may import only from layers above it in this list (and itself); browser code never imports
 * server code; no cycles anywhere.
 */
const SERVER = '^(src/lib/server/|pipelines/|cli/)';
const BROWSER = '^(src/lib/(shared|features|ui|charts)/|src/routes/.*\\.svelte$|src/routes/.*\\+page\\.ts$|src/routes/.*\\+layout\\.ts$)';

module.exports = {
	forbidden: [
		{ name: 'no-cycles', severity: 'error', comment: 'an import cycle: split the shared part into a lower module', from: {}, to: { circular: true } },
		{
			name: 'browser-imports-server',
			severity: 'error',
			comment: 'code the browser loads must not import server code (it would ship it, or fail the build)',
			from: { path: BROWSER, pathNot: '\\.test\\.ts$' },
			to: { path: SERVER }
		},
		{
			name: 'shared-imports-above',
			severity: 'error',
			comment: 'shared code is the lowest layer: it imports only shared code and generated messages',
			from: { path: '^src/lib/shared/' },
			to: { path: '^(src|pipelines|cli)/', pathNot: '^src/lib/(shared|paraglide)/' }
		},
		{
			name: 'core-imports-above',
			severity: 'error',
			comment: 'core may import only shared code and itself',
			from: { path: '^src/lib/server/core/' },
			to: { path: '^(src|pipelines|cli)/', pathNot: '^src/lib/(shared|paraglide|server/core)/' }
		},
		{
			name: 'ingestion-imports-above',
			severity: 'error',
			comment: 'ingestion may import only shared, core and itself',
			from: { path: '^pipelines/' },
			to: { path: '^(src|pipelines|cli)/', pathNot: '^(src/lib/(shared|paraglide|server/core)/|pipelines/)' }
		},
		{
			name: 'metrics-imports-above',
			severity: 'error',
			comment: 'metrics may import shared, core, ingestion and itself',
			from: { path: '^src/lib/server/metrics/' },
			to: { path: '^(src|pipelines|cli)/', pathNot: '^(src/lib/(shared|paraglide|server/core|server/metrics)/|pipelines/)' }
		},
		{
			name: 'features-import-routes',
			severity: 'error',
			comment: 'features never import routes or commands',
			from: { path: '^src/lib/' },
			to: { path: '^(src/routes/|src/hooks|cli/)' }
		},
		{
			name: 'charts-and-ui-import-data',
			severity: 'error',
			comment: 'charts and generic ui take data and return markup or ECharts options; they never reach for features',
			from: { path: '^src/lib/(charts|ui)/' },
			to: { path: '^src/lib/(features|server)/' }
		}
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		exclude: { path: '(^|/)(node_modules|\\.svelte-kit|build)/|^src/lib/paraglide/' },
		tsConfig: { fileName: 'tsconfig.json' },
		// the SvelteKit aliases: tsconfig paths without a baseUrl are not followed by the resolver, webpack-style aliases are
		webpackConfig: { fileName: 'tests/deps/aliases.cjs' },
		tsPreCompilationDeps: true,
		enhancedResolveOptions: {
			extensions: ['.ts', '.js', '.svelte'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
		reporterOptions: { text: { highlightFocused: true } }
	}
};
