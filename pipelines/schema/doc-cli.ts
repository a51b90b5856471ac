import { writeFileSync } from 'node:fs';
import { columnsMarkdown } from './doc';

writeFileSync('docs/columns.md', columnsMarkdown());
console.log('wrote docs/columns.md');
