import { registerNow } from '$lib/server/metrics/compile';
import { getDatabase } from '$lib/server/core/db/process';
import { reportWorkbook } from '$lib/server/features/quality/export';
import { lastDataDay } from '$lib/server/features/quality/page';
import { qualityReport } from '$lib/server/features/quality/report';
import { reportParams } from '$lib/server/features/quality/report-params';
import type { RequestHandler } from './$types';

/** The report as an Excel workbook (aggregates only, within the user's stores). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const lastDay = (await lastDataDay(db, user.stores)) ?? registerNow().slice(0, 10);
	const { grain, at } = reportParams(url.searchParams, lastDay);
	const report = await qualityReport(db, { grain, at, lastDay, scope: user.stores });
	const body = await reportWorkbook(report);
	const name = `quality-report-${grain}-${report.current.from}.xlsx`;
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'private, no-store'
		}
	});
};
