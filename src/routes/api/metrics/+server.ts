import { json } from '@sveltejs/kit';
import { publicCatalog, LOW_SAMPLE_N, REPEAT_WINDOW_DAYS } from '$lib/server/metrics/catalog';
import { getDatabase } from '$lib/server/core/db/process';
import { slaLimits } from '$lib/server/metrics/sla';
import type { RequestHandler } from './$types';

/** The metric catalog with labels and passports (口径说明); no SQL. */
export const GET: RequestHandler = async () =>
	json({
		metrics: publicCatalog(),
		settings: { sla_limits_hours: await slaLimits(await getDatabase()), low_sample_n: LOW_SAMPLE_N, repeat_window_days: REPEAT_WINDOW_DAYS }
	});
