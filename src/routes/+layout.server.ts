import { mayOpen } from '$lib/server/core/auth/guard';
import { config } from '$lib/server/core/config';
import { getDatabase } from '$lib/server/core/db/process';
import { displayTime } from '$lib/server/core/time';
import { dataAsOf } from '$lib/server/metrics/as-of';
import type { DataTime } from '$lib/shared/views';
import type { PublicUser } from '$lib/shared/auth/roles';
import type { LayoutServerLoad } from './$types';

/** The pages of the top bar, by route id; a link shows only when the guard would let the user in. */
const NAV_ROUTES = [
	'/dashboard',
	'/complaints',
	'/satisfaction',
	'/service',
	'/quality',
	'/inspections',
	'/evaluations',
	'/targets',
	'/upload',
	// 数据状态 (the data inventory) beside 导入记录, not first: 总览 is where the news is
	'/',
	'/batches',
	'/notifications',
	'/admin/users',
	'/admin/audit',
	'/admin/retention',
	'/admin/notifications'
] as const;

/**
 * Only a whitelist of the user's fields goes to the browser. The language needs no field: the page is
 * rendered in the request's locale (Paraglide's middleware) and the browser reads it from <html lang>
 * (hooks.client.ts). The display zone does: the browser formats times in it (shared/time.ts), so the server
 * render and the hydrated page agree.
 */
export const load: LayoutServerLoad = async ({ locals }) => {
	const u = locals.user;
	const user: PublicUser | null = u
		? { username: u.username, displayName: u.displayName, role: u.role, stores: u.stores, pii: u.pii }
		: null;
	return {
		user,
		nav: u ? NAV_ROUTES.filter((route) => mayOpen(route, u)) : [],
		timeZone: config().timeZone,
		dataTime: u ? await dataTime() : null
	};
};

/** 数据截至 … and the kinds whose loads are late, for every signed-in page. */
async function dataTime(): Promise<DataTime> {
	const { asOf, kinds } = await dataAsOf(await getDatabase());
	return {
		asOf,
		stale: kinds.flatMap((k) => (k.staleDays === null ? [] : [{ kind: k.kind, days: k.staleDays, last: displayTime(k.lastLoadMs) }]))
	};
}
