/** npm run bench -- <ingest|queries> [options]: benchmarks measured as ratios against the bare engine in the same run. */
const [which] = process.argv.slice(2);
if (which === 'ingest') await import('./ingest');
else if (which === 'queries') await import('./queries');
else if (which === 'scaling') await import('./scaling');
else {
	console.error('usage: npm run bench -- ingest [--rows N] [--repeat N] [--scaling 100000,1000000] [--skip-naive]\n       npm run bench -- queries [--complaints N] [--responses N] [--repeat N]\n       npm run bench -- scaling [--complaints 100000,1000000,5000000] [--repeat N]');
	process.exit(2);
}
