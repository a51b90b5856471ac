import { fail } from '@sveltejs/kit';
import { roleCan } from '$lib/shared/auth/roles';
import { boundsNotice, isIsoDay, periodStart } from '$lib/shared/dashboard/range';
import { registerNow } from '$lib/server/metrics/compile';
import { getDatabase } from '$lib/server/core/db/process';
import { storeChoices } from '$lib/server/features/overview/dashboard';
import { evaluateAlerts, evaluationSettled } from '$lib/server/features/quality/alerts';
import { saveBaseline } from '$lib/server/features/quality/baselines';
import { controlCharts, isChartId, QC_CHARTS } from '$lib/server/features/quality/charts';
import { canSeeStore, lastDataDay, qcParams } from '$lib/server/features/quality/page';
import { readAllTargets, targetFor } from '$lib/server/metrics/targets';
import { audit } from '$lib/server/core/db/audit';
import type { NelsonRule } from '$lib/shared/quality/spc';
import { attentionSignals, byAttention } from '$lib/shared/quality/direction';
import type { Actions, PageServerLoad } from './$types';

/** 质量监控: control charts of every store in the user's scope; settings in the URL. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const db = await getDatabase();
	const [lastDay, storeOptions] = await Promise.all([lastDataDay(db, user.stores), storeChoices(db, user.stores)]);
	const anchor = lastDay ?? registerNow().slice(0, 10);
	const params = qcParams(url, anchor, storeOptions);
	const [set, targets] = await Promise.all([
		controlCharts(db, {
			chart: params.chart,
			grain: params.grain,
			range: params.range,
			scope: user.stores,
			rules: params.rules as NelsonRule[],
			laney: params.laney,
			baseline: params.baseline
		}),
		db.withConnection((c) => readAllTargets(c))
	]);
	const def = QC_CHARTS[params.chart];
	// worst store first; with no store asked for (and not the chain: view=all) the worst store's chart opens
	const charts = byAttention(set.charts, set.metric.direction);
	const worst = charts.find((c) => c.store !== null && attentionSignals(c.chart, set.metric.direction).length > 0);
	const shown = params.store ?? (url.searchParams.get('view') === 'all' ? null : (worst?.store ?? null));
	const target = (store: string | null) => targetFor(targets, def.metric, { stores: store === null ? [] : [store] })?.value ?? null;
	return {
		lastDay,
		params,
		rangeBounds: boundsNotice(params.rangeAdjusted),
		storeOptions,
		kind: def.kind,
		unit: def.unit,
		metric: set.metric,
		periods: set.periods,
		charts: charts.map((c) => ({ ...c, target: target(c.store) })),
		shown,
		canEdit: roleCan(user.role, 'targets')
	};
};

export const actions: Actions = {
	/** sets a new baseline after a confirmed process change (recorded with its reason, audited) */
	baseline: async ({ request, locals, getClientAddress }) => {
		const user = locals.user!;
		const form = await request.formData();
		const chart = String(form.get('chart') ?? '');
		const grain = form.get('grain') === 'week' ? 'week' : 'month';
		const store = String(form.get('store') ?? '');
		const start = String(form.get('bstart') ?? '');
		const end = String(form.get('bend') ?? '');
		const reason = String(form.get('reason') ?? '')
			.trim()
			.slice(0, 500);
		if (!isChartId(chart) || !isIsoDay(start) || !isIsoDay(end) || start > end)
			return fail(400, { action: 'baseline', ok: false as const, code: 'baseline_invalid' });
		if (!reason) return fail(400, { action: 'baseline', ok: false as const, code: 'reason_required' });
		if (store && !canSeeStore(user, store)) return fail(403, { action: 'baseline', ok: false as const, code: 'store' });
		if (!store && user.stores !== null) return fail(403, { action: 'baseline', ok: false as const, code: 'store' });
		const db = await getDatabase();
		await db.withConnection((c) =>
			saveBaseline(
				c,
				{ chart, scope: store, grain, start: periodStart(start, grain), end: periodStart(end, grain), reason },
				{ name: user.username, ip: getClientAddress() }
			)
		);
		return { action: 'baseline', ok: true as const, code: 'baseline_saved' };
	},
	/** evaluates every chart and target now (as after a committed batch) */
	evaluate: async ({ locals, getClientAddress }) => {
		const db = await getDatabase();
		await evaluationSettled(db);
		const r = await evaluateAlerts(db);
		await db.withConnection((c) =>
			audit(c, { actor: locals.user!.username, action: 'qc_evaluated', target: 'alerts', ip: getClientAddress(), detail: r })
		);
		return { action: 'evaluate', ok: true as const, code: 'evaluated', created: r.created };
	}
};
