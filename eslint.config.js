import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/** `npm run lint`: typescript-eslint and eslint-plugin-svelte, recommended rules, with the few exceptions below. */
export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{ languageOptions: { globals: { ...globals.browser, ...globals.node } } },
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			// no TypeScript program (`project`): svelte-check type-checks every file in the same run, and building a
			// second program here took 60 % of lint's CPU (63 -> 24 s, 2.2 GB -> 0.6 GB) for the one rule that reads
			// types (svelte/no-unused-props, off below; an unused destructured prop is still no-unused-vars)
			parserOptions: {
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		rules: {
			// a leading underscore marks a value left out on purpose (a destructured field, a positional argument)
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
			],
			// control characters are what the hostile-input checks look for (NUL, C0 bytes in files and names)
			'no-control-regex': 'off',
			// the app has no base path (paths.relative is off): root-absolute links are what resolve() would give
			'svelte/no-navigation-without-resolve': 'off',
			// URLSearchParams and Map built inside a function to make a link or a lookup are not state
			'svelte/prefer-svelte-reactivity': 'off',
			// needs a TypeScript program (see the parser options above); without one it would pass silently
			'svelte/no-unused-props': 'off'
		}
	},
	{ files: ['**/*.test.ts', 'tests/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
	{ files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'src/lib/paraglide/',
			'node_modules/',
			'bench/results/',
			'bench/tmp/',
			'test-results/',
			'data/',
			'**/__layer_probe__/'
		]
	}
);
