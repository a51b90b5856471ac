/**
 * tsx cli/generate.ts --scale <complaints> --seed <n> --out <dir>
 *     [--encoding utf8|utf8-bom|gbk] [--from 2024-01-01] [--days 731] [--surveys <n>] [--contacts-per-complaint <n>] [--quiet]
 * Writes staff.csv, traffic.csv, complaints.csv, surveys.csv, appraisals.csv, contacts.csv and truth.json.
 * Exit 0 on success, 2 on a usage error, 1 when writing fails.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULTS, generate, type OutputEncoding } from '../pipelines/generate/index';
import { parseIsoDate } from '../pipelines/generate/calendar';

const USAGE =
	'usage: tsx cli/generate.ts --scale <complaints> --seed <n> --out <dir> [--encoding utf8|utf8-bom|gbk] [--from YYYY-MM-DD] [--days N] [--surveys N] [--contacts-per-complaint N] [--quiet]';

function fail(message: string): never {
	process.stderr.write(`${message}\n${USAGE}\n`);
	process.exit(2);
}

function integer(name: string, text: string | undefined, fallback: number, min: number): number {
	if (text === undefined) return fallback;
	if (!/^\d+$/.test(text)) fail(`--${name} must be a whole number: ${text}`);
	const n = Number(text);
	if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be at least ${min}: ${text}`);
	return n;
}

async function main(): Promise<void> {
	let values: Record<string, string | boolean | undefined>;
	try {
		({ values } = parseArgs({
			options: {
				scale: { type: 'string' },
				seed: { type: 'string' },
				out: { type: 'string' },
				encoding: { type: 'string' },
				from: { type: 'string' },
				days: { type: 'string' },
				surveys: { type: 'string' },
				'contacts-per-complaint': { type: 'string' },
				quiet: { type: 'boolean' },
				help: { type: 'boolean' }
			},
			strict: true,
			allowPositionals: false
		}));
	} catch (e) {
		fail(e instanceof Error ? e.message : String(e));
	}
	if (values.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	if (typeof values.out !== 'string') fail('--out is required');
	const encoding = (values.encoding ?? DEFAULTS.encoding) as string;
	if (!['utf8', 'utf8-bom', 'gbk'].includes(encoding)) fail(`--encoding must be utf8, utf8-bom or gbk: ${encoding}`);
	const from = typeof values.from === 'string' ? values.from : DEFAULTS.from;
	try {
		parseIsoDate(from);
	} catch (e) {
		fail(`--from: ${e instanceof Error ? e.message : String(e)}`);
	}
	const scale = integer('scale', values.scale as string | undefined, DEFAULTS.scale, 1);
	const seed = integer('seed', values.seed as string | undefined, DEFAULTS.seed, 0);
	const days = integer('days', values.days as string | undefined, DEFAULTS.days, 60);
	const surveys = values.surveys === undefined ? undefined : integer('surveys', values.surveys as string, 0, 0);
	const perComplaint = values['contacts-per-complaint'];
	const contactsPerComplaint = perComplaint === undefined ? undefined : integer('contacts-per-complaint', perComplaint as string, 0, 0);
	const outDir = resolve(values.out);
	const started = performance.now();
	const log = values.quiet
		? undefined
		: (line: string) => process.stderr.write(`${line} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
	const truth = await generate({
		outDir,
		scale,
		seed,
		encoding: encoding as OutputEncoding,
		from,
		days,
		surveys,
		contactsPerComplaint,
		log
	});
	process.stdout.write(
		`${JSON.stringify({ out: outDir, files: truth.files, seconds: Math.round((performance.now() - started) / 100) / 10 })}\n`
	);
}

main().catch((e: unknown) => {
	process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
	process.exit(1);
});
