/** The options of `npm run bench -- load` (see bench/load.ts for what they mean). */
import { parseArgs } from 'node:util';

export interface LoadOptions {
	complaints: number;
	responses: number;
	ingestRows: number;
	users: number;
	idleS: number;
	afterS: number;
	warmupS: number;
	/** think time between two requests of a user: [min, max] ms */
	thinkMs: [number, number];
	maxRequests: number;
	maxS: number;
	/** 0: a free port */
	port: number;
	/** UV_THREADPOOL_SIZE of the server, as `npm start` sets it; `--threadpool 4` is Node's default */
	threadpool: string;
	/** appended to the results file's name */
	tag: string;
	/**
	 * A database already loaded (e.g. the queries benchmark's, with its `.keys.json` beside it) to use as the
	 * base set instead of generating and loading one: copied, with the per-store accounts added (give
	 * `--complaints` and `--responses` as it holds them: they name the results).
	 */
	from: string | null;
}

export function loadOptions(argv: string[]): LoadOptions {
	const { values } = parseArgs({
		args: argv.filter((a) => a !== 'load'),
		options: {
			complaints: { type: 'string', default: '1000000' },
			responses: { type: 'string', default: '1000000' },
			'ingest-rows': { type: 'string', default: '1000000' },
			users: { type: 'string', default: '50' },
			'idle-s': { type: 'string', default: '45' },
			'after-s': { type: 'string', default: '20' },
			'think-ms': { type: 'string', default: '1000-3000' },
			'max-requests': { type: 'string', default: '200000' },
			'max-s': { type: 'string', default: '900' },
			port: { type: 'string', default: '0' },
			'warmup-s': { type: 'string', default: '15' },
			threadpool: { type: 'string', default: '24' },
			tag: { type: 'string', default: '' },
			from: { type: 'string' }
		}
	});
	return {
		complaints: Number(values.complaints),
		responses: Number(values.responses),
		ingestRows: Number(values['ingest-rows']),
		users: Number(values.users),
		idleS: Number(values['idle-s']),
		afterS: Number(values['after-s']),
		warmupS: Number(values['warmup-s']),
		thinkMs: values['think-ms']!.split('-').map(Number) as [number, number],
		maxRequests: Number(values['max-requests']),
		maxS: Number(values['max-s']),
		port: Number(values.port),
		threadpool: values.threadpool!,
		tag: values.tag!,
		from: values.from ?? null
	};
}
