import { config } from '$lib/server/core/config';
import { log } from '$lib/server/core/log';

/** With SQA_PROFILE=1, how long each step of a load took, on stderr (for the benchmark). */
export function profiler(label: string): (step: string) => void {
	if (!config().profile) return () => {};
	let last = performance.now();
	return (step) => {
		const now = performance.now();
		log('ingest').info({ profile: label, step, ms: Math.round(now - last) }, 'profile');
		last = now;
	};
}
