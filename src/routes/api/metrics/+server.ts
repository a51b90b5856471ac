import { json } from '@sveltejs/kit';
import { publicCatalog, SLA_LIMITS, LOW_SAMPLE_N, REPEAT_WINDOW_DAYS } from '$lib/server/metrics/catalog';
import type { RequestHandler } from './$types';

/** The metric catalog with labels and passports (口径说明); no SQL. */
export const GET: RequestHandler = () =>
	json({ metrics: publicCatalog(), settings: { sla_limits_hours: SLA_LIMITS, low_sample_n: LOW_SAMPLE_N, repeat_window_days: REPEAT_WINDOW_DAYS } });
