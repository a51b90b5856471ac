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

/** The lower layers, lowest first: [name, folder, the folders it may import] (each may import those before it). */
const LAYERS = [
	['shared', 'src/lib/shared/', ['src/lib/shared/', 'src/lib/paraglide/']],
	['core', 'src/lib/server/core/', ['src/lib/shared/', 'src/lib/paraglide/', 'src/lib/server/core/']],
	['ingestion', 'pipelines/', ['src/lib/shared/', 'src/lib/paraglide/', 'src/lib/server/core/', 'pipelines/']],
	[
		'metrics',
		'src/lib/server/metrics/',
		['src/lib/shared/', 'src/lib/paraglide/', 'src/lib/server/core/', 'pipelines/', 'src/lib/server/metrics/']
	]
];

module.exports = {
	forbidden: [
		{
			name: 'no-cycles',
			severity: 'error',
			comment: 'an import cycle: split the shared part into a lower module',
			from: {},
			to: { circular: true }
		},
		{
			name: 'browser-imports-server',
			severity: 'error',
			comment: 'code the browser loads must not import server code (it would ship it, or fail the build)',
			from: { path: BROWSER, pathNot: '\\.test\\.ts$' },
			to: { path: SERVER }
		},
		...LAYERS.map(([name, folder, mayImport], i) => ({
			name: `${name}-imports-above`,
			severity: 'error',
			comment: `${name} may import only ${LAYERS.slice(0, i + 1)
				.map((l) => l[0])
				.join(', ')}`,
			from: { path: `^${folder}` },
			to: { path: '^(src|pipelines|cli)/', pathNot: `^(${mayImport.join('|')})` }
		})),
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
			extensions: ['.ts', '.js', '.svelte'],
			exportsFields: ['exports'],
			conditionNames: ['import', 'require', 'node', 'default', 'types']
		},
		reporterOptions: { text: { highlightFocused: true } }
	}
};
