import type { Handle, ServerInit } from '@sveltejs/kit';
import { building, dev } from '$app/environment';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { closeDatabase, getDatabase } from '$lib/server/database';
import { publishHandoff } from '$lib/server/handoff';

export const init: ServerInit = async () => {
	if (building) return;
	// Open (and migrate) the database at start, so a bad file fails loudly before the first request.
	await getDatabase();
	if (!dev) {
		publishHandoff(Number(process.env.PORT ?? 3000));
		process.once('sveltekit:shutdown' as 'exit', () => void closeDatabase());
	}
};

export const handle: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});
