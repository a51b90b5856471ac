import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { EVAL_COMPONENTS, EVAL_DIMENSIONS, type ComponentWeights, type Weights } from '$lib/features/evaluations/model';
import { formatTime } from '$lib/server/core/auth/commands';
import { queryRows } from '$lib/server/core/db';
import { getDatabase } from '$lib/server/core/db/process';
import { readEvalConfig, saveEvalSettings, saveWeightRule } from '$lib/server/features/evaluations/config';
import type { Actions, PageServerLoad } from './$types';

/** Evaluation settings: leadership and admins read and change them (the guard lets no one else in). */
export const load: PageServerLoad = async () => {
	const db = await getDatabase();
	const [config, positions] = await Promise.all([
		db.withConnection(readEvalConfig),
		db.withConnection((c) =>
			queryRows<{ position: string }>(
				c,
				'SELECT DISTINCT position FROM appraisals WHERE position IS NOT NULL UNION SELECT DISTINCT position FROM staff WHERE position IS NOT NULL ORDER BY 1'
			)
		)
	]);
	return {
		config,
		positions: positions.map((p) => p.position),
		updatedAt: config.updatedAtMs === null ? null : formatTime(config.updatedAtMs)
	};
};

/** Numbers as typed, full-width digits (a Chinese input method) read as ASCII; blank = null. */
const numberOf = (v: FormDataEntryValue | null): number | null => {
	const raw = String(v ?? '')
		.normalize('NFKC')
		.trim();
	if (raw === '') return null;
	return /^[-+]?\d+(\.\d+)?$/u.test(raw) ? Number(raw) : Number.NaN;
};

export const actions: Actions = {
	default: async ({ request, locals, getClientAddress }) => {
		// the weight rules and grade settings apply to every store's staff: only a user of every store may set them
		if (locals.user!.stores !== null) return fail(403, { ok: false as const, message: m.scope_all_stores_needed() });
		const form = await request.formData();
		const actor = { name: locals.user!.username, ip: getClientAddress() };
		const db = await getDatabase();
		const kind = form.get('kind');
		if (kind === 'weights') {
			const weights = Object.fromEntries(EVAL_DIMENSIONS.map((d) => [d, numberOf(form.get(d)) ?? Number.NaN])) as Weights;
			// the optional components: blank (or absent) = 0, off
			const components = Object.fromEntries(EVAL_COMPONENTS.map((c) => [c, numberOf(form.get(c)) ?? 0])) as ComponentWeights;
			const rule = {
				position: String(form.get('position') ?? '').trim() || '*',
				effectiveFrom: String(form.get('effective_from') ?? '').trim(),
				weights,
				components
			};
			const r = await db.withConnection((c) => saveWeightRule(c, rule, actor));
			if (!r.ok)
				return fail(400, {
					ok: false as const,
					kind: 'weights',
					message:
						r.error === 'weights_sum'
							? m.eval_set_error_weights()
							: r.error === 'period'
								? m.eval_set_error_month()
								: m.eval_set_error_invalid()
				});
			return {
				ok: true as const,
				kind: 'weights',
				message: r.changed ? m.eval_set_saved() : m.eval_set_unchanged()
			};
		}
		if (kind === 'settings') {
			const n = (name: string) => numberOf(form.get(name));
			const input = {
				bands: { A: n('band_a'), B: n('band_b'), C: n('band_c') },
				warningThreshold: n('warning_threshold'),
				guidelineMaxA: n('guideline_max_a'),
				guidelineMinCD: n('guideline_min_cd'),
				rollupMinMonths: { quarter: n('rollup_quarter'), year: n('rollup_year') },
				starMinTotal: n('star_min_total'),
				starMinCsat: n('star_min_csat'),
				starMinResponses: n('star_min_responses'),
				swingPoints: n('swing_points'),
				minGroupSize: n('min_group_size'),
				leniencyMinN: n('leniency_min_n')
			};
			const r = await db.withConnection((c) => saveEvalSettings(c, input, actor));
			if (!r.ok) return fail(400, { ok: false as const, kind: 'settings', message: m.eval_set_error_invalid() });
			return {
				ok: true as const,
				kind: 'settings',
				message: r.changed ? m.eval_set_saved() : m.eval_set_unchanged()
			};
		}
		return fail(400, { ok: false as const, kind: 'unknown', message: m.eval_set_error_invalid() });
	}
};
