import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/core/db/process';
import { audit } from '$lib/server/core/db/audit';
import { deleteSession, SESSION_COOKIE } from '$lib/server/core/auth/sessions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	// Nothing to sign out of.
	if (!locals.user) redirect(303, '/login');
	return {};
};

export const actions: Actions = {
	/** Ends the session on the server (the token stops working everywhere), then clears the cookie. */
	default: async ({ cookies, locals, getClientAddress }) => {
		const token = cookies.get(SESSION_COOKIE);
		const db = await getDatabase();
		await db.withConnection(async (c) => {
			const ended = await deleteSession(c, token);
			if (ended && locals.user) await audit(c, { actor: locals.user.username, action: 'logout', ip: getClientAddress() });
		});
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login');
	}
};
