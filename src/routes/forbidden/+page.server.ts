import { z } from 'zod';
import type { PageServerLoad } from './$types';

const query = z.object({
	reason: z.enum(['role', 'pii', 'store', 'unknown_route']).catch('role'),
	path: z.string().max(500).startsWith('/').nullable().catch(null),
	store: z.string().max(100).nullable().catch(null)
});

/**
 * The 403 page. hooks.server.ts renders it in place of any page the guard refuses (the URL stays the
 * refused one and the status is 403); opened directly it simply explains.
 */
export const load: PageServerLoad = ({ url }) => {
	const q = query.parse({
		reason: url.searchParams.get('reason'),
		path: url.searchParams.get('path'),
		store: url.searchParams.get('store')
	});
	return { reason: q.reason, path: q.path, store: q.store };
};
