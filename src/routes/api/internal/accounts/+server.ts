import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { ROLES } from '$lib/shared/auth/roles';
import { getDatabase } from '$lib/server/core/db/process';
import { isHandoffToken } from '$lib/server/core/db/handoff-server';
import { runAccountCommand, type AccountCommand } from '$lib/server/core/auth/commands';
import type { RequestHandler } from './$types';

const locale = z.enum(['zh-CN', 'en']);
const username = z.string().min(1).max(64);
const as = z.string().min(1).max(100);
const passwordHash = z.string().startsWith('$argon2id$').max(512);
const command = z.discriminatedUnion('command', [
	z.object({
		command: z.literal('user-add'),
		username,
		displayName: z.string().max(40),
		role: z.enum(ROLES),
		stores: z.array(z.string().max(100)).max(500).nullable(),
		pii: z.boolean(),
		passwordHash,
		as,
		locale
	}),
	z.object({ command: z.literal('user-passwd'), username, passwordHash, as, locale }),
	z.object({ command: z.enum(['user-disable', 'user-enable']), username, as, locale }),
	z.object({ command: z.literal('user-list'), locale }),
	z.object({ command: z.literal('audit-verify'), locale })
]);

/** `npm run user` / `npm run audit` on this machine, authenticated by the secret in the handoff note. */
export const POST: RequestHandler = async ({ request }) => {
	if (!isHandoffToken(request.headers.get('authorization'))) error(401, 'unauthorized');
	const parsed = command.safeParse(await request.json().catch(() => null));
	if (!parsed.success) error(400, parsed.error.message);
	return json(await runAccountCommand(await getDatabase(), parsed.data as AccountCommand));
};
