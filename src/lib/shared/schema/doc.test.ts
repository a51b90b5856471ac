import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { columnsMarkdown } from '$lib/shared/schema/doc';

it('docs/columns.md matches the schemas (run `npm run docs:columns` after a schema edit)', () => {
	expect(readFileSync('docs/columns.md', 'utf8')).toBe(columnsMarkdown());
});
