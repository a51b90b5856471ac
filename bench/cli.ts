/** npm run bench -- <ingest|queries|load|cost|upkeep|scaling|warm-up|memory> [options]: benchmarks measured as ratios against the bare engine in the same run. */
const [which] = process.argv.slice(2);
if (which === 'ingest') await import('./ingest');
else if (which === 'queries') await import('./queries');
else if (which === 'load') await import('./load');
else if (which === 'cost') await import('./cost');
else if (which === 'upkeep') await import('./upkeep');
else if (which === 'scaling') await import('./scaling');
else if (which === 'warm-up') await import('./warm-up');
else if (which === 'memory') await import('./memory');
else {
	console.error(
		'usage: npm run bench -- ingest [--rows N] [--repeat N] [--scaling 100000,1000000] [--skip-naive] [--skip-xlsx] [--contacts FILE]\n       npm run bench -- queries [--complaints N] [--responses N] [--contacts N] [--repeat N] [--page-runs N]\n       npm run bench -- load [--complaints N] [--responses N] [--ingest-rows N] [--users 50] [--idle-s 45] [--after-s 20] [--think-ms 1000-3000] [--max-requests N] [--max-s N] [--warmup-s 15] [--threadpool 24] [--from DB]\n       npm run bench -- cost [--complaints N] [--responses N] [--from DB] [--visits 250] [--tag T]\n       npm run bench -- upkeep [--complaints N] [--responses N] [--from DB] [--rows 1000] [--big-rows 1000000] [--repeat 3] [--tag T]\n       npm run bench -- scaling [--complaints 100000,1000000,5000000] [--repeat N]\n       npm run bench -- warm-up [--complaints N] [--responses N] [--rounds N] [--settle-s N]\n       npm run bench -- memory --db PATH [--users 20,50] [--seconds 90] [--warmup-s 10] [--port 4610] [--env NAME=VALUE …] [--tag T]'
	);
	process.exit(2);
}
export {};
