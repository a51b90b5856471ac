import { writeFileSync } from 'node:fs';
import { columnsMarkdown } from '../src/lib/shared/schema/doc';

writeFileSync('docs/columns.md', columnsMarkdown());
console.log('wrote docs/columns.md');
