// The SvelteKit aliases for the dependency check (.dependency-cruiser.cjs), as a resolver reads them.
const { resolve } = require('node:path');
const root = resolve(__dirname, '../..');
module.exports = { resolve: { alias: { $lib: resolve(root, 'src/lib'), $pipelines: resolve(root, 'pipelines') } } };
