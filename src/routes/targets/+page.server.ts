import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { roleCan, type AuthUser } from '$lib/shared/auth/roles';
import { formatTime } from '$lib/server/core/auth/commands';
import { getDatabase } from '$lib/server/core/db/process';
import { METRICS, metricById } from '$lib/server/metrics/catalog';
import {
	readAllTargets,
	readTargets,
	saveScopedTarget,
	saveTarget,
	SCOPE_KINDS,
	targetBounds,
	type ScopeKind
} from '$lib/server/metrics/targets';
import { departmentChoices, storeChoices } from '$lib/server/features/overview/dashboard';
import { saveSla, slaLimits } from '$lib/server/metrics/sla';
import { contactLimits, saveContactLimits } from '$lib/server/metrics/contact-limits';
import { category, channel, severity } from '$lib/shared/schema/vocabularies';
import type { Actions, PageServerLoad } from './$types';
import { inLocale } from '$lib/shared/bilingual';

/** Every metric with its target; everyone who sees metrics may read them, the guard lets only `targets` users post. */
export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDatabase();
	const [targets, all, stores, departments] = await Promise.all([
		db.withConnection((c) => readTargets(c)),
		db.withConnection((c) => readAllTargets(c)),
		storeChoices(db, locals.user!.stores),
		departmentChoices(db, locals.user!.stores)
	]);
	const user = locals.user!;
	// a scoped user sees the targets of their stores (and the chain-wide and department ones)
	const scoped = all.filter(
		(t) =>
			!(t.scope.kind === 'all' && t.warn === undefined) &&
			(t.scope.kind !== 'store' || user.stores === null || user.stores.includes(t.scope.name))
	);
	return {
		scoped: scoped.map((t) => ({
			metric: t.metric,
			label: metricById(t.metric)!.label,
			unit: metricById(t.metric)!.unit,
			direction: metricById(t.metric)!.direction,
			scope: t.scope,
			value: t.value,
			warn: t.warn ?? null,
			updatedAt: formatTime(t.updatedAtMs)
		})),
		stores,
		departments,
		canEdit: roleCan(locals.user!.role, 'targets'),
		// chain-wide and department targets and the SLA limits apply to every store: only users of every store change them
		canEditChain: roleCan(locals.user!.role, 'targets') && locals.user!.stores === null,
		sla: await slaLimits(db),
		contactLimits: await contactLimits(db),
		// the channels a contact centre answers: calls and chats
		contactChannels: channel.values.filter((c) => c === '电话' || c === '在线' || c === '社交媒体'),
		categories: category.values,
		severities: severity.values,
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

/**
 * Why a user may not set a target of this scope (null: allowed). A store's target
 * needs the store in the user's scope; chain-wide and department targets and the SLA limits apply to every
 * store and need a user of every store.
 */
function scopeRefusal(user: AuthUser, kind: ScopeKind | 'chain', name: string): string | null {
	if (user.stores === null) return null;
	if (kind === 'store') return user.stores.includes(name) ? null : m.scope_store_forbidden({ store: name });
	return m.scope_all_stores_needed();
}

/** A number (hours, seconds or days) from a form field (full-width digits accepted); '' → undefined; anything else → NaN. */
function hoursOf(raw: FormDataEntryValue | null): number | undefined {
	const text = String(raw ?? '')
		.normalize('NFKC')
		.trim();
	if (text === '') return undefined;
	return /^\d+(\.\d+)?$/u.test(text) ? Number(text) : Number.NaN;
}

export const actions: Actions = {
	/** a target for a metric and scope (all / store / department), with an optional warning line; empty value removes it */
	scoped: async ({ request, locals, getClientAddress }) => {
		const locale = getLocale();
		const form = await request.formData();
		const id = String(form.get('metric') ?? '');
		const metric = metricById(id);
		if (!metric) return fail(400, { scoped: true, ok: false as const, message: m.tgt_error_metric() });
		const kind = String(form.get('scope_kind') ?? 'all') as ScopeKind;
		const name = kind === 'all' ? '' : String(form.get(kind === 'store' ? 'store' : 'department') ?? '').trim();
		if (!SCOPE_KINDS.includes(kind)) return fail(400, { scoped: true, ok: false as const, message: m.qc_scope_invalid() });
		const refused = scopeRefusal(locals.user!, kind, name);
		if (refused) return fail(403, { scoped: true, ok: false as const, message: refused });
		const read = (field: string) => {
			const raw = String(form.get(field) ?? '')
				.normalize('NFKC')
				.trim();
			return raw === '' ? null : /^[-+]?\d+(\.\d+)?$/u.test(raw) ? Number(raw) : Number.NaN;
		};
		const value = read('target');
		const warn = read('warn');
		if (Number.isNaN(value) || Number.isNaN(warn)) return fail(400, { scoped: true, ok: false as const, message: m.tgt_error_number() });
		const result = await (
			await getDatabase()
		).withConnection((c) =>
			saveScopedTarget(c, { metric: id, scope: { kind, name }, value, warn }, { name: locals.user!.username, ip: getClientAddress() })
		);
		const label = inLocale(metric.label, locale);
		if (!result.ok) {
			const { min, max } = targetBounds(metric);
			const message =
				result.error === 'warn_side'
					? m.qc_warn_side()
					: result.error === 'scope'
						? m.qc_scope_invalid()
						: m.tgt_error_range({ metric: label, min, max });
			return fail(400, { scoped: true, ok: false as const, message });
		}
		const message = !result.changed
			? m.tgt_unchanged({ metric: label })
			: value === null
				? m.tgt_cleared({ metric: label })
				: m.tgt_saved({ metric: label });
		return { scoped: true, ok: true as const, message };
	},
	/** SLA limits: a default per kind, optional per severity and per category (empty = no override). */
	sla: async ({ request, locals, getClientAddress }) => {
		const refused = scopeRefusal(locals.user!, 'chain', '');
		if (refused) return fail(403, { form: 'sla' as const, ok: false as const, message: refused });
		const form = await request.formData();
		const limits: Record<string, { default: number | undefined; bySeverity: Record<string, number>; byCategory: Record<string, number> }> =
			{};
		for (const kind of ['response', 'resolution'] as const) {
			const entry = {
				default: hoursOf(form.get(`${kind}.default`)),
				bySeverity: {} as Record<string, number>,
				byCategory: {} as Record<string, number>
			};
			for (const s of severity.values) {
				const h = hoursOf(form.get(`${kind}.severity.${s}`));
				if (h !== undefined) entry.bySeverity[s] = h;
			}
			for (const c of category.values) {
				const h = hoursOf(form.get(`${kind}.category.${c}`));
				if (h !== undefined) entry.byCategory[c] = h;
			}
			limits[kind] = entry;
		}
		const values = Object.values(limits).flatMap((l) => [l.default, ...Object.values(l.bySeverity), ...Object.values(l.byCategory)]);
		if (values.some((v) => v === undefined || Number.isNaN(v) || v <= 0 || v > 24 * 365)) {
			return fail(400, { form: 'sla' as const, ok: false as const, message: m.tgt_sla_error() });
		}
		const result = await saveSla(await getDatabase(), limits, { name: locals.user!.username, ip: getClientAddress() });
		if (!result.ok) return fail(400, { form: 'sla' as const, ok: false as const, message: m.tgt_sla_error() });
		return {
			form: 'sla' as const,
			ok: true as const,
			message: result.changed ? m.tgt_sla_saved() : m.tgt_sla_unchanged()
		};
	},

	/** Contact-centre limits: short abandon, service level (default and per channel; empty = the default), FCR window. */
	contacts: async ({ request, locals, getClientAddress }) => {
		const refused = scopeRefusal(locals.user!, 'chain', '');
		if (refused) return fail(403, { form: 'contacts' as const, ok: false as const, message: refused });
		const form = await request.formData();
		const byChannel: Record<string, number | undefined> = {};
		for (const c of channel.values) {
			const s = hoursOf(form.get(`service_level.channel.${c}`));
			if (s !== undefined) byChannel[c] = s;
		}
		const limits = {
			shortAbandonSeconds: hoursOf(form.get('short_abandon')),
			serviceLevel: { default: hoursOf(form.get('service_level.default')), byChannel },
			fcrDays: hoursOf(form.get('fcr_days'))
		};
		const result = await saveContactLimits(await getDatabase(), limits, { name: locals.user!.username, ip: getClientAddress() });
		if (!result.ok) return fail(400, { form: 'contacts' as const, ok: false as const, message: m.svc_limits_error() });
		return { form: 'contacts' as const, ok: true as const, message: result.changed ? m.svc_limits_saved() : m.svc_limits_unchanged() };
	},

	target: async ({ request, locals, getClientAddress }) => {
		const locale = getLocale();
		const form = await request.formData();
		const id = String(form.get('metric') ?? '');
		const metric = metricById(id);
		if (!metric) return fail(400, { form: 'target' as const, metric: id, ok: false as const, message: m.tgt_error_metric() });
		const refused = scopeRefusal(locals.user!, 'chain', '');
		if (refused) return fail(403, { form: 'target' as const, metric: id, ok: false as const, message: refused });
		const name = inLocale(metric.label, locale);
		// full-width digits and signs (from a Chinese input method) are read as ASCII
		const raw = String(form.get('target') ?? '')
			.normalize('NFKC')
			.trim();
		const value = raw === '' ? null : /^[-+]?\d+(\.\d+)?$/u.test(raw) ? Number(raw) : Number.NaN;
		if (value !== null && Number.isNaN(value))
			return fail(400, { form: 'target' as const, metric: id, ok: false as const, message: m.tgt_error_number() });
		const result = await (
			await getDatabase()
		).withConnection((c) => saveTarget(c, id, value, { name: locals.user!.username, ip: getClientAddress() }));
		if (!result.ok) {
			const { min, max } = targetBounds(metric);
			return fail(400, {
				form: 'target' as const,
				metric: id,
				ok: false as const,
				message: m.tgt_error_range({ metric: name, min, max })
			});
		}
		const message = !result.changed
			? m.tgt_unchanged({ metric: name })
			: value === null
				? m.tgt_cleared({ metric: name })
				: m.tgt_saved({ metric: name });
		return { form: 'target' as const, metric: id, ok: true as const, message };
	}
};
