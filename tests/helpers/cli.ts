import { join } from 'node:path';

/** The command-line tools `npm run <tool>` runs (package.json's scripts: `node cli/start.js <tool>`). */
export type Tool = 'ingest' | 'user' | 'audit' | 'notify' | 'generate';

/**
 * The command and arguments that run a tool as `npm run <tool> -- <args>` does, without npm in between (so a signal
 * reaches the tool itself): `node cli/start.js <tool> <args>`, which runs the tool compiled at build when it is
 * current and its TypeScript source through tsx otherwise (a test run alone after an edit tests the edit).
 */
export const toolCommand = (tool: Tool, args: readonly string[]): [string, string[]] => [
	process.execPath,
	[join(process.cwd(), 'cli/start.js'), tool, ...args]
];
