import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * True when `npm run build` compiled `tool` (cli/bundle.js wrote build/cli/manifest.json) and no source
 * it was compiled from has changed, moved or gone since; false sends cli/start.js to the source.
 * @param {string} root the project folder
 * @param {string} tool
 * @returns {boolean}
 */
export function compiledIsCurrent(root, tool) {
	try {
		const manifest = JSON.parse(readFileSync(join(root, 'build/cli/manifest.json'), 'utf8'));
		return (
			manifest.tools.includes(tool) &&
			statSync(join(root, 'build/cli', `${tool}.js`)).isFile() &&
			manifest.inputs.every((/** @type {string} */ p) => statSync(join(root, p)).mtimeMs <= manifest.builtAt)
		);
	} catch {
		return false;
	}
}
