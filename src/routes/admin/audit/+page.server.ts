import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { getDatabase } from '$lib/server/core/db/process';
import { auditFacets, listAudit, verifyAuditChain } from '$lib/server/core/db/audit';
import { describeChain, formatTime } from '$lib/server/core/auth/commands';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 50;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u);
const filters = z.object({
	actor: z.string().trim().max(64).catch(''),
	action: z.string().trim().max(40).catch(''),
	from: day.or(z.literal('')).catch(''),
	to: day.or(z.literal('')).catch(''),
	page: z.coerce.number().int().min(1).max(100_000).catch(1)
});

/** Local midnight of a YYYY-MM-DD day, as epoch ms (the server's time zone, as the times are shown). */
const midnight = (d: string, plusDays = 0) => {
	const [y, mo, da] = d.split('-').map(Number) as [number, number, number];
	return new Date(y, mo - 1, da + plusDays).getTime();
};

/** An entry's detail for people: `role: manager → quality_officer · pii: true`; stores null = all stores. */
function readableDetail(detail: string, allStores: string): string {
	let value: unknown;
	try {
		value = JSON.parse(detail);
	} catch {
		return detail;
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return detail === '{}' ? '' : detail;
	const show = (key: string, v: unknown): string => {
		if (v === null) return key === 'stores' ? allStores : '—';
		if (Array.isArray(v)) return v.map((x) => show(key, x)).join('、');
		if (typeof v === 'object') {
			const o = v as Record<string, unknown>;
			if ('from' in o && 'to' in o) return `${show(key, o.from)} → ${show(key, o.to)}`;
			return JSON.stringify(v);
		}
		return String(v);
	};
	return Object.entries(value as Record<string, unknown>)
		.map(([k, v]) => `${k}: ${show(k, v)}`)
		.join(' · ');
}

/** The audit log, newest first, filtered by actor, action and days; state in the URL. */
export const load: PageServerLoad = async ({ url }) => {
	const f = filters.parse({
		actor: url.searchParams.get('actor') ?? '',
		action: url.searchParams.get('action') ?? '',
		from: url.searchParams.get('from') ?? '',
		to: url.searchParams.get('to') ?? '',
		page: url.searchParams.get('page') ?? 1
	});
	const allStores = m.admin_all_stores({}, { locale: getLocale() });
	const db = await getDatabase();
	const [{ rows, total }, facets] = await db.withConnection(
		async (c) =>
			[
				await listAudit(c, {
					actor: f.actor || undefined,
					action: f.action || undefined,
					fromMs: f.from ? midnight(f.from) : undefined,
					toMs: f.to ? midnight(f.to, 1) : undefined,
					page: f.page,
					pageSize: PAGE_SIZE
				}),
				await auditFacets(c)
			] as const
	);
	return {
		filters: f,
		total,
		pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
		facets,
		entries: rows.map((r) => ({
			seq: r.seq,
			at: formatTime(r.at_ms),
			actor: r.actor,
			action: r.action,
			target: r.target,
			ip: r.ip,
			detail: readableDetail(r.detail, allStores),
			hash: r.hash.slice(0, 12)
		}))
	};
};

export const actions: Actions = {
	/** Re-computes the whole chain on request (not on every page view: it reads every entry). */
	verify: async () => {
		const report = await (await getDatabase()).withConnection((c) => verifyAuditChain(c));
		return { verify: { ok: report.ok, text: describeChain(report, getLocale() === 'en' ? 'en' : 'zh-CN') } };
	}
};
