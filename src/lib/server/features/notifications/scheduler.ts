import { Cron } from 'croner';
import type { Database } from '$lib/server/core/db';
import { log } from '$lib/server/core/log';
import { runDue } from './deliveries';

/**
 * The server's scheduler: once a minute (croner, in the configured zone), what is due is run. Catch-up
 * after downtime and retries come from runDue itself (it looks at the latest run time of each schedule and
 * at pending deliveries), so a tick that was missed loses nothing.
 */
export function startScheduler(db: Database, timeZone: string): { stop(): void } {
	const job = new Cron('* * * * *', { timezone: timeZone, protect: true }, async () => {
		try {
			const s = await runDue(db);
			if (s.due + s.retrying + s.failed > 0) log('notify').info({ ...s }, 'deliveries run');
		} catch (e) {
			log('notify').error({ err: e }, 'the delivery run failed');
		}
	});
	return { stop: () => job.stop() };
}
