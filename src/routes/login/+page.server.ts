import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { getDatabase } from '$lib/server/core/db/process';
import { config } from '$lib/server/core/config';
import { landingPage, safeNext } from '$lib/server/core/auth/guard';
import { logins } from '$lib/server/core/auth/service';
import { deleteSession, SESSION_COOKIE, sessionCookieOptions } from '$lib/server/core/auth/sessions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	// Signed in already: straight on to where they were going.
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next'), url.origin, landingPage(locals.user)));
	return {};
};

const form = z.object({
	username: z.string().trim().min(1).max(64),
	password: z.string().min(1).max(1024)
});

const clock = (ms: number) => {
	const d = new Date(ms);
	return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
};

export const actions: Actions = {
	default: async ({ request, url, cookies, getClientAddress }) => {
		const data = await request.formData();
		const username = String(data.get('username') ?? '');
		const parsed = form.safeParse({ username, password: data.get('password') ?? '' });
		if (!parsed.success) return fail(400, { username, message: m.auth_login_missing() });

		const now = Date.now();
		const outcome = await logins.login(await getDatabase(), { ...parsed.data, ip: getClientAddress() }, now);
		if (!outcome.ok) {
			switch (outcome.reason) {
				case 'throttled': {
					const seconds = Math.max(1, Math.ceil((outcome.retryAtMs - now) / 1000));
					return fail(429, { username, message: m.auth_login_throttled({ seconds, time: clock(outcome.retryAtMs) }) });
				}
				case 'disabled':
					return fail(403, { username, message: m.auth_login_disabled() });
				case 'invalid':
					return fail(401, { username, message: m.auth_login_invalid() });
			}
		}
		// Signing in over an open session replaces it: the old one ends on the server too.
		const previous = cookies.get(SESSION_COOKIE);
		if (previous) await (await getDatabase()).withConnection((c) => deleteSession(c, previous));
		// The cookie lives as long as a session can; the server ends it earlier when idle (sliding expiry).
		cookies.set(SESSION_COOKIE, outcome.token, sessionCookieOptions(url, now + config().auth.sessionMaxMs));
		redirect(303, safeNext(url.searchParams.get('next'), url.origin, landingPage(outcome.user)));
	}
};
