/** npm run bench -- <ingest> [options]: benchmarks measured as ratios against the bare engine in the same run. */
const [which] = process.argv.slice(2);
if (which === 'ingest') await import('./ingest');
else {
	console.error('usage: npm run bench -- ingest [--rows N] [--repeat N] [--scaling 100000,1000000] [--skip-naive]');
	process.exit(2);
}
