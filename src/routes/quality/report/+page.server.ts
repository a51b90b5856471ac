import { registerNow } from '$lib/server/metrics/compile';
import { getDatabase } from '$lib/server/core/db/process';
import { lastDataDay } from '$lib/server/features/quality/page';
import { qualityReport } from '$lib/server/features/quality/report';
import { reportParams } from '$lib/server/features/quality/report-params';
import type { PageServerLoad } from './$types';

/** 周报/月报: one report within the user's stores; `?kind=week|month&at=YYYY-MM-DD`. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const lastDay = (await lastDataDay(db, user.stores)) ?? registerNow().slice(0, 10);
	const { grain, at } = reportParams(url.searchParams, lastDay);
	const report = await qualityReport(db, { grain, at, lastDay, scope: user.stores });
	return { report, at, query: url.searchParams.toString() };
};
