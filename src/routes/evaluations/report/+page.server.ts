import { displayTime } from '$lib/server/core/time';
import { m } from '$lib/paraglide/messages.js';
import { gradeBars } from '$lib/charts/gradeBars';
import { dimensionDots } from '$lib/charts/dimensionDots';
import { printTheme } from '$lib/charts/theme';
import { EVAL_DIMENSIONS } from '$lib/features/evaluations/model';
import { dimensionLabel } from '$lib/features/evaluations/labels';
import { getDatabase } from '$lib/server/core/db/process';
import { appraisalStores, viewRequest } from '$lib/server/features/evaluations/request';
import { chartSvg } from '$lib/server/features/evaluations/svg';
import { evaluationView } from '$lib/server/features/evaluations/view';
import type { PageServerLoad } from './$types';

/** 月度/季度/年度绩效报告: the period's view with its charts drawn on the server, for print and PDF. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const storeOptions = await appraisalStores(db, user.stores);
	const req = viewRequest(url.searchParams, storeOptions);
	const view = await evaluationView(db, user, req);
	const emptyText = m.dash_no_data();
	const distSvg = chartSvg(
		gradeBars(
			{ grades: view.distribution, maxA: view.settings.guidelineMaxA },
			{ name: m.eval_share(), guidelineLabel: m.eval_guideline(), emptyText },
			printTheme
		),
		340,
		220
	);
	const radarSvg = chartSvg(
		dimensionDots(
			{
				dimensions: EVAL_DIMENSIONS.map((d) => dimensionLabel(d)),
				// suppressed groups have no means; a group whose means are everyone's (the one store of a report) would draw the same dots twice
				series: view.radar
					.filter((r, i) => !r.suppressed && (i === 0 || EVAL_DIMENSIONS.some((d) => r.means[d] !== view.radar[0]?.means[d])))
					.map((r) => ({
						name: r.group || m.eval_everyone(),
						values: EVAL_DIMENSIONS.map((d) => r.means[d])
					}))
			},
			{ emptyText, legend: 'plain' },
			printTheme
		),
		340,
		280
	);
	return { view, stores: req.stores, distSvg, radarSvg, generatedBy: user.displayName, generatedAt: displayTime(Date.now()) };
};
