import { pino, type Logger } from 'pino';
import { maskPhonesInText } from '$lib/server/core/auth/masking';
import { config } from '$lib/server/core/config';

/**
 * The one logger of the server, the ingestion engine and the CLIs: JSON lines (pino), one event each.
 *
 * No personal information by design: callers log ids, kinds, counts, statuses and durations — never
 * row values, usernames, file names or query strings (they may carry customer names and phones). As a
 * second line of defence every message and error text has phone numbers masked and the fields that
 * could hold customer data are redacted wherever they appear.
 *
 * Where it goes: the server writes to stdout (collected by systemd/docker). A CLI calls `logToStderr()`
 * first, since its stdout is for people or for `--json`. Level: LOG_LEVEL (trace … fatal, silent);
 * default info; warn for CLIs and under vitest (servers a test starts inherit it; a test that reads
 * the request lines sets LOG_LEVEL).
 */

const REDACT = ['customer_name', 'customer_phone', 'password', 'username', 'cookie', 'authorization', 'token'].flatMap((k) => [
	k,
	`*.${k}`
]);

let destination: 1 | 2 = 1;
let fallbackLevel = 'info';
let instance: Logger | null = null;
const children = new Map<string, Logger>();

const maskString = (s: string) => maskPhonesInText(s) ?? s;

function create(): Logger {
	const level = config().logLevel ?? (config().underTest ? 'warn' : fallbackLevel);
	return pino(
		{
			level,
			base: { pid: process.pid },
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: { level: (label) => ({ level: label }) },
			redact: { paths: REDACT, censor: '[redacted]' },
			serializers: {
				// stack included; a DuckDB message may quote a cell, so phone numbers in it are masked
				err: (e: unknown) => {
					const s = pino.stdSerializers.err(e instanceof Error ? e : new Error(String(e)));
					return { ...s, message: maskString(s.message), stack: maskString(s.stack) };
				}
			},
			hooks: {
				logMethod(args, method) {
					const masked = args.map((a) => (typeof a === 'string' ? maskString(a) : a)) as Parameters<typeof method>;
					method.apply(this, masked);
				}
			}
		},
		pino.destination({ fd: destination, sync: true })
	);
}

/** The process's logger, made on first use (so a CLI can choose stderr before anything logs). */
export function logger(): Logger {
	instance ??= create();
	return instance;
}

/** For CLIs: logs go to stderr, warnings and errors only unless LOG_LEVEL says otherwise. */
export function logToStderr(): void {
	destination = 2;
	// SQA_PROFILE=1 asks for the load's step times, which are info lines
	fallbackLevel = config().profile ? 'info' : 'warn';
	instance = null;
	children.clear();
}

/** A child logger for one part of the system (`component` field: http, ingest, retention, …). */
export function log(component: string): Logger {
	let child = children.get(component);
	if (!child) children.set(component, (child = logger().child({ component })));
	return child;
}
