import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { roleCan } from '$lib/shared/auth/roles';
import { getDatabase } from '$lib/server/core/db/process';
import { ALERT_STATUSES, getAlert, updateAlert } from '$lib/server/features/quality/alerts';
import { controlCharts, isChartId, QC_CHARTS } from '$lib/server/features/quality/charts';
import { followUp } from '$lib/server/features/quality/followup';
import { lastDataDay } from '$lib/server/features/quality/page';
import { evaluationRange } from '$lib/server/features/quality/alerts';
import { DEFAULT_RULES } from '$lib/shared/quality/spc';
import type { Actions, PageServerLoad } from './$types';

/** One alert: what, where, the chart around it, the owner/status/note form and the before/after comparison. */
export const load: PageServerLoad = async ({ locals, params }) => {
	const user = locals.user!;
	const id = Number.parseInt(params.id, 10);
	const db = await getDatabase();
	const alert = Number.isSafeInteger(id) ? await db.withConnection((c) => getAlert(c, id, user.stores)) : null;
	if (!alert) error(404, m.err_alert_not_found({ id: params.id }));
	const lastDay = (await lastDataDay(db, user.stores)) ?? alert.period;
	const chartId = isChartId(alert.chart) ? alert.chart : null;
	const follow = await followUp(db, alert, lastDay);
	let chart = null;
	if (chartId) {
		const set = await controlCharts(db, {
			chart: chartId,
			grain: 'month',
			range: evaluationRange(lastDay),
			scope: user.stores,
			rules: DEFAULT_RULES,
			laney: 'auto'
		});
		const one = set.charts.find((c) => (c.store ?? '') === alert.scope) ?? null;
		if (one) chart = { result: one.chart, unit: QC_CHARTS[chartId].unit, metric: set.metric };
	}
	return { alert, follow, chart, statuses: ALERT_STATUSES, canEdit: roleCan(user.role, 'targets') };
};

export const actions: Actions = {
	default: async ({ request, locals, params, getClientAddress }) => {
		const user = locals.user!;
		const id = Number.parseInt(params.id, 10);
		const form = await request.formData();
		const db = await getDatabase();
		const r = await db.withConnection((c) =>
			updateAlert(
				c,
				id,
				{ status: String(form.get('status') ?? ''), owner: String(form.get('owner') ?? ''), note: String(form.get('note') ?? '') },
				{ name: user.username, ip: getClientAddress(), stores: user.stores }
			)
		);
		if (!r.ok) return fail(r.error === 'not_found' ? 404 : 400, { ok: false as const, code: r.error });
		return { ok: true as const, code: 'saved' };
	}
};
