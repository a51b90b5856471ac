import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { ROLES } from '$lib/shared/auth/roles';
import { getDatabase } from '$lib/server/core/db/process';
import type { DuckDBConnection } from '$lib/server/core/db';
import { formatTime, userErrorText } from '$lib/server/core/auth/commands';
import { hashPassword, passwordProblem } from '$lib/server/core/auth/password';
import {
	createUser,
	knownStores,
	listUsers,
	setDisabled,
	setPassword,
	updateUser,
	type Actor,
	type UserResult
} from '$lib/server/core/auth/users';
import type { Actions, PageServerLoad } from './$types';

/** Users and their roles, store scopes and pii, for admins (the guard lets no one else in). */
export const load: PageServerLoad = async ({ url }) => {
	const db = await getDatabase();
	const [users, stores] = await db.withConnection(async (c) => [await listUsers(c), await knownStores(c)] as const);
	return {
		users: users.map((u) => ({
			username: u.username,
			displayName: u.displayName,
			role: u.role,
			stores: u.stores,
			pii: u.pii,
			disabled: u.disabled,
			createdAt: formatTime(u.createdAtMs),
			lastLoginAt: u.lastLoginAtMs === null ? null : formatTime(u.lastLoginAtMs)
		})),
		knownStores: stores,
		editing: url.searchParams.get('edit'),
		creating: url.searchParams.has('new')
	};
};

const checkbox = z.preprocess((v) => v === 'on' || v === 'true', z.boolean());
const username = z.string().trim().min(1).max(64);

/** The scope fields: 'all', or 'some' with ticked known stores plus any typed in (comma or 、 separated). */
const scopeFields = {
	scope: z.enum(['all', 'some']),
	stores: z.array(z.string().max(100)).max(500),
	stores_other: z.string().max(2000)
};

const userFields = z.object({ username, display_name: z.string().trim().max(40), role: z.enum(ROLES), pii: checkbox, ...scopeFields });

function fields(data: FormData) {
	return {
		username: data.get('username') ?? '',
		display_name: data.get('display_name') ?? '',
		role: data.get('role') ?? '',
		pii: data.get('pii') ?? '',
		scope: data.get('scope') ?? 'all',
		stores: data.getAll('stores'),
		stores_other: data.get('stores_other') ?? '',
		password: data.get('password') ?? ''
	};
}

const scopeOf = (f: { scope: 'all' | 'some'; stores: string[]; stores_other: string }): string[] | null =>
	f.scope === 'all' ? null : [...f.stores, ...f.stores_other.split(/[,，、;；\n]/u)];

type Action = 'create' | 'update' | 'disable' | 'enable' | 'reset';

function outcome(action: Action, name: string, result: UserResult, success: string) {
	const locale = getLocale();
	if (!result.ok) return fail(400, { action, username: name, ok: false as const, message: userErrorText(result.error, locale) });
	return { action, username: result.user.username, ok: true as const, message: success };
}

const invalid = (action: Action, name: string, message: string) => fail(400, { action, username: name, ok: false as const, message });

const actor = (locals: App.Locals, ip: string): Actor => ({ name: locals.user!.username, ip });

const withDb = async <T>(work: (c: DuckDBConnection) => Promise<T>): Promise<T> => (await getDatabase()).withConnection(work);

function passwordInvalid(password: string): string | null {
	const problem = passwordProblem(password);
	return problem ? m[`admin_error_password_${problem}`]({}, { locale: getLocale() }) : null;
}

export const actions: Actions = {
	create: async ({ request, locals, getClientAddress }) => {
		const raw = fields(await request.formData());
		const f = userFields.safeParse(raw);
		const name = String(raw.username);
		if (!f.success) return invalid('create', name, m.admin_error_form({}, { locale: getLocale() }));
		const problem = passwordInvalid(String(raw.password));
		if (problem) return invalid('create', name, problem);
		const passwordHash = await hashPassword(String(raw.password));
		const result = await withDb((c) =>
			createUser(
				c,
				{
					username: f.data.username,
					displayName: f.data.display_name || f.data.username,
					role: f.data.role,
					stores: scopeOf(f.data),
					pii: f.data.pii,
					passwordHash
				},
				actor(locals, getClientAddress())
			)
		);
		return outcome('create', name, result, m.admin_created({ username: result.ok ? result.user.username : name }, { locale: getLocale() }));
	},

	update: async ({ request, locals, getClientAddress }) => {
		const raw = fields(await request.formData());
		const f = userFields.safeParse(raw);
		const name = String(raw.username);
		if (!f.success) return invalid('update', name, m.admin_error_form({}, { locale: getLocale() }));
		const result = await withDb((c) =>
			updateUser(
				c,
				f.data.username,
				{ displayName: f.data.display_name || undefined, role: f.data.role, stores: scopeOf(f.data), pii: f.data.pii },
				actor(locals, getClientAddress())
			)
		);
		return outcome('update', name, result, m.admin_updated({ username: name }, { locale: getLocale() }));
	},

	disable: async ({ request, locals, getClientAddress }) => {
		const name = String((await request.formData()).get('username') ?? '');
		const result = await withDb((c) => setDisabled(c, name, true, actor(locals, getClientAddress())));
		return outcome('disable', name, result, m.admin_disabled({ username: name }, { locale: getLocale() }));
	},

	enable: async ({ request, locals, getClientAddress }) => {
		const name = String((await request.formData()).get('username') ?? '');
		const result = await withDb((c) => setDisabled(c, name, false, actor(locals, getClientAddress())));
		return outcome('enable', name, result, m.admin_enabled({ username: name }, { locale: getLocale() }));
	},

	reset: async ({ request, locals, getClientAddress }) => {
		const data = await request.formData();
		const name = String(data.get('username') ?? '');
		const password = String(data.get('password') ?? '');
		const problem = passwordInvalid(password);
		if (problem) return invalid('reset', name, problem);
		const passwordHash = await hashPassword(password);
		const result = await withDb((c) => setPassword(c, name, passwordHash, actor(locals, getClientAddress())));
		return outcome('reset', name, result, m.admin_password_reset({ username: name }, { locale: getLocale() }));
	}
};
