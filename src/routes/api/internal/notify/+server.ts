import { error, json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/core/db/process';
import { isHandoffToken } from '$lib/server/core/db/handoff-server';
import { notifyCommandSchema, runNotifyCommand } from '$lib/server/features/notifications/commands';
import type { RequestHandler } from './$types';

/** Commands from `npm run notify` on this machine, authenticated by the secret in the handoff note. */
export const POST: RequestHandler = async ({ request }) => {
	if (!isHandoffToken(request.headers.get('authorization'))) error(401, 'unauthorized');
	const parsed = notifyCommandSchema.safeParse(await request.json().catch(() => null));
	if (!parsed.success) error(400, parsed.error.message);
	return json(await runNotifyCommand(await getDatabase(), parsed.data));
};
