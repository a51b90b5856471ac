import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { roleCan } from '$lib/auth/roles';
import { formatTime } from '$lib/server/auth/commands';
import { getDatabase } from '$lib/server/database';
import { METRICS, metricById } from '$lib/server/metrics/catalog';
import { readTargets, saveTarget, targetBounds } from '$lib/server/targets';
import type { Actions, PageServerLoad } from './$types';

/** Every metric with its target; everyone who sees metrics may read them, the guard lets only `targets` users post. */
export const load: PageServerLoad = async ({ locals }) => {
	const targets = await (await getDatabase()).withConnection((c) => readTargets(c));
	return {
		canEdit: roleCan(locals.user!.role, 'targets'),
		metrics: METRICS.map((metric) => ({
			id: metric.id,
			label: metric.label,
			unit: metric.unit,
			direction: metric.direction,
			bounds: targetBounds(metric),
			target: targets[metric.id]?.value ?? null,
			updatedAt: targets[metric.id] ? formatTime(targets[metric.id]!.updatedAtMs) : null
		}))
	};
};

export const actions: Actions = {
	default: async ({ request, locals, getClientAddress }) => {
		const locale = getLocale();
		const form = await request.formData();
		const id = String(form.get('metric') ?? '');
		const metric = metricById(id);
		if (!metric) return fail(400, { metric: id, ok: false as const, message: m.tgt_error_metric({}, { locale }) });
		const name = locale === 'zh-CN' ? metric.label.zh : metric.label.en;
		// full-width digits and signs (from a Chinese input method) are read as ASCII
		const raw = String(form.get('target') ?? '').normalize('NFKC').trim();
		const value = raw === '' ? null : /^[-+]?\d+(\.\d+)?$/u.test(raw) ? Number(raw) : Number.NaN;
		if (value !== null && Number.isNaN(value)) return fail(400, { metric: id, ok: false as const, message: m.tgt_error_number({}, { locale }) });
		const result = await (await getDatabase()).withConnection((c) => saveTarget(c, id, value, { name: locals.user!.username, ip: getClientAddress() }));
		if (!result.ok) {
			const { min, max } = targetBounds(metric);
			return fail(400, { metric: id, ok: false as const, message: m.tgt_error_range({ metric: name, min, max }, { locale }) });
		}
		const message = !result.changed ? m.tgt_unchanged({ metric: name }, { locale }) : value === null ? m.tgt_cleared({ metric: name }, { locale }) : m.tgt_saved({ metric: name }, { locale });
		return { metric: id, ok: true as const, message };
	}
};
