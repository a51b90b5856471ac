import { extractLocaleFromRequest } from '$lib/paraglide/runtime.js';
import { mayOpen } from '$lib/server/core/auth/guard';
import type { PublicUser } from '$lib/shared/auth/roles';
import type { LayoutServerLoad } from './$types';

/** The pages of the top bar, by route id; a link shows only when the guard would let the user in. */
const NAV_ROUTES = [
	'/',
	'/dashboard',
	'/complaints',
	'/satisfaction',
	'/quality',
	'/evaluations',
	'/targets',
	'/upload',
	'/batches',
	'/admin/users',
	'/admin/audit',
	'/admin/retention'
] as const;

/**
 * Only the UI locale and a whitelist of the user's fields go to the browser. The locale is decided
 * from the request exactly as Paraglide's middleware decides it (cookie, then Accept-Language, then
 * zh-CN), so server and browser agree.
 */
export const load: LayoutServerLoad = ({ request, locals }) => {
	const u = locals.user;
	const user: PublicUser | null = u
		? { username: u.username, displayName: u.displayName, role: u.role, stores: u.stores, pii: u.pii }
		: null;
	return {
		locale: extractLocaleFromRequest(request),
		user,
		nav: u ? NAV_ROUTES.filter((route) => mayOpen(route, u)) : []
	};
};
