/**
 * The command-line tools' entry (package.json scripts): `node cli/start.js <tool> [arguments]`.
 * Runs build/cli/<tool>.js, compiled by `npm run build` (cli/bundle.js), when it is there and no source
 * it was made from has changed since; otherwise the TypeScript source through tsx, as in development or
 * on a fresh clone before its first build. Plain JavaScript, so it starts at once.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledIsCurrent } from './compiled.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tool = process.argv[2] ?? '';
if (!/^[a-z-]+$/u.test(tool)) {
	console.error('usage: node cli/start.js <tool> [arguments]');
	process.exit(2);
}
// the tool reads its arguments from argv[2] on, as when run as `tsx cli/<tool>.ts`
process.argv.splice(2, 1);

if (compiledIsCurrent(root, tool)) {
	await import(pathToFileURL(join(root, 'build/cli', `${tool}.js`)).href);
} else {
	const { register } = await import('tsx/esm/api');
	register();
	await import(pathToFileURL(join(root, 'cli', `${tool}.ts`)).href);
}
