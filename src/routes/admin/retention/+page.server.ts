import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { getDatabase } from '$lib/server/core/db/process';
import { formatTime } from '$lib/server/core/auth/commands';
import type { Actor } from '$lib/server/core/auth/users';
import {
	applyRetention,
	MAX_CUSTOMER_MONTHS,
	previewRetention,
	readRetentionSetting,
	saveRetentionSetting
} from '$lib/server/features/admin/retention';
import { formatCount } from '$lib/shared/format';
import type { Actions, PageServerLoad } from './$types';

/** The retention setting and what applying it now would erase, for admins (the guard lets no one else in). */
export const load: PageServerLoad = async () => {
	const db = await getDatabase();
	return db.withConnection(async (c) => {
		const setting = await readRetentionSetting(c);
		const preview = await previewRetention(c, setting.customerMonths);
		return {
			setting: {
				months: setting.customerMonths,
				saved: setting.saved,
				updatedAt: setting.updatedAtMs === null ? null : formatTime(setting.updatedAtMs)
			},
			preview: {
				cutoff: preview.cutoff,
				complaints: preview.complaints,
				contacts: preview.contacts,
				history: preview.history,
				rejected: preview.rejected,
				expiredSessions: preview.expiredSessions
			}
		};
	});
};

/** Whole months, 0–600; empty = 0 (kept). Full-width digits are read as digits. */
const months = z
	.string()
	.transform((s) => s.normalize('NFKC').trim())
	.pipe(z.string().regex(/^\d{0,4}$/u))
	.transform((s) => (s === '' ? 0 : Number(s)))
	.pipe(z.number().int().min(0).max(MAX_CUSTOMER_MONTHS));

const count = z.coerce.number().int().min(0);
const applyFields = z.object({ months, complaints: count, contacts: count, history: count, rejected: count, confirm: z.literal('on') });

type Action = 'save' | 'apply';

const failed = (action: Action, message: string) => fail(400, { action, ok: false as const, message });
const done = (action: Action, message: string) => ({ action, ok: true as const, message });

const actor = (locals: App.Locals, ip: string): Actor => ({ name: locals.user!.username, ip });

export const actions: Actions = {
	save: async ({ request, locals, getClientAddress }) => {
		const f = months.safeParse(String((await request.formData()).get('months') ?? ''));
		if (!f.success) return failed('save', m.retention_error_months());
		const result = await (await getDatabase()).withConnection((c) => saveRetentionSetting(c, f.data, actor(locals, getClientAddress())));
		if (!result.ok) return failed('save', m.retention_error_months());
		const kept = result.setting.customerMonths;
		return done('save', kept === 0 ? m.retention_saved_keep() : m.retention_saved({ months: kept }));
	},

	/** Applies exactly what the admin saw and confirmed: refused if the setting or the counts changed since. */
	apply: async ({ request, locals, getClientAddress }) => {
		const locale = getLocale();
		const data = await request.formData();
		const raw = {
			months: data.get('months') ?? '',
			complaints: data.get('complaints') ?? '',
			contacts: data.get('contacts') ?? '',
			history: data.get('history') ?? '',
			rejected: data.get('rejected') ?? '',
			confirm: data.get('confirm') ?? ''
		};
		if (raw.confirm !== 'on') return failed('apply', m.retention_error_confirm());
		const f = applyFields.safeParse(raw);
		if (!f.success) return failed('apply', m.retention_error_months());
		const db = await getDatabase();
		const setting = await db.withConnection((c) => readRetentionSetting(c));
		if (setting.customerMonths !== f.data.months) return failed('apply', m.retention_error_setting_changed());
		if (setting.customerMonths === 0) return failed('apply', m.retention_error_keep());
		const result = await applyRetention(db, {
			months: setting.customerMonths,
			actor: actor(locals, getClientAddress()),
			trigger: 'manual',
			expected: { complaints: f.data.complaints, contacts: f.data.contacts, history: f.data.history, rejected: f.data.rejected }
		});
		if (!result.ok) {
			if (result.error === 'count_changed')
				return failed('apply', m.retention_error_changed({ count: formatCount(result.counts.complaints, locale) }));
			return failed('apply', m.retention_error_months());
		}
		const a = result.applied;
		return done(
			'apply',
			m.retention_applied({
				complaints: formatCount(a.complaints, locale),
				contacts: formatCount(a.contacts, locale),
				history: formatCount(a.history, locale),
				rejected: formatCount(a.rejected, locale),
				sessions: formatCount(a.sessions, locale)
			})
		);
	}
};
