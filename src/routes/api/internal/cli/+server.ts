import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { auditCliCommand } from '$pipelines/audit';
import { runCommand, type Command } from '$pipelines/commands';
import { getDatabase } from '$lib/server/core/db/process';
import { isHandoffToken } from '$lib/server/core/db/handoff-server';
import type { RequestHandler } from './$types';

const locale = z.enum(['zh-CN', 'en']);
const command = z.discriminatedUnion('command', [
	z.object({
		command: z.literal('ingest'),
		kind: z.string(),
		file: z.string(),
		fileName: z.string().optional(),
		mapping: z.unknown().optional(),
		sheet: z.string().max(300).optional(),
		acceptPartial: z.boolean(),
		dryRun: z.boolean(),
		as: z.string(),
		locale
	}),
	z.object({ command: z.literal('rollback'), batchId: z.number().int().positive(), as: z.string(), locale }),
	z.object({ command: z.literal('batches'), limit: z.number().int().positive().max(10_000), locale }),
	z.object({ command: z.literal('backup'), dir: z.string().min(1).max(4096), as: z.string(), locale }),
	z.object({ command: z.literal('export_parquet'), dir: z.string().min(1).max(4096), as: z.string(), locale }),
	z.object({ command: z.literal('rollups'), action: z.enum(['rebuild', 'verify']), locale })
]);

/** Commands from `npm run ingest` on this machine, authenticated by the secret in the handoff note. */
export const POST: RequestHandler = async ({ request }) => {
	if (!isHandoffToken(request.headers.get('authorization'))) error(401, 'unauthorized');
	const parsed = command.safeParse(await request.json().catch(() => null));
	if (!parsed.success) error(400, parsed.error.message);
	const db = await getDatabase();
	const cmd = parsed.data as Command;
	const result = await runCommand(db, cmd);
	await auditCliCommand(db, cmd, result);
	return json(result);
};
