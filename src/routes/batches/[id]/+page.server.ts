import { error, fail } from '@sveltejs/kit';
import { auditCliCommand } from '$pipelines/audit';
import { runCommand, type Command } from '$pipelines/commands';
import type { RollbackResult } from '$pipelines/batches';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { getDatabase } from '$lib/server/core/db/process';
import { batchAccess, batchDetail, rejectedRows } from '$lib/server/features/upload/batches';
import type { Actions, PageServerLoad } from './$types';

const locale = () => (getLocale() === 'en' ? 'en' : 'zh-CN');

function batchId(raw: string): number {
	const id = /^\d{1,9}$/u.test(raw) ? Number(raw) : NaN;
	if (!Number.isInteger(id) || id < 1) error(404, m.batches_not_found({ batch: raw }, { locale: locale() }));
	return id;
}

/** One batch: its record, rejected rows (customer data masked without pii) and whether it can be rolled back. */
export const load: PageServerLoad = async ({ params, locals, getClientAddress }) => {
	const id = batchId(params.id);
	const db = await getDatabase();
	return db.withConnection(async (conn) => {
		const access = await batchAccess(conn, id, locals.user!.stores);
		if (access === 'forbidden') error(403, m.batches_forbidden_store({ batch: id }, { locale: locale() }));
		const batch = access === 'visible' ? await batchDetail(conn, id, locale()) : null;
		if (!batch) error(404, m.batches_not_found({ batch: id }, { locale: locale() }));
		const rejected = await rejectedRows(conn, id, batch.kind, locals.user!, locale(), getClientAddress());
		return { batch, rejected };
	});
};

export const actions: Actions = {
	/** Undo the batch exactly (the engine refuses when later batches replaced its rows). Audited. */
	rollback: async ({ params, request, locals, getClientAddress }) => {
		const id = batchId(params.id);
		const form = await request.formData();
		if (form.get('confirm') !== 'on')
			return fail(400, { ok: false as const, message: m.batches_rollback_confirm_needed({}, { locale: locale() }) });
		const db = await getDatabase();
		const cmd: Command = { command: 'rollback', batchId: id, as: locals.user!.username, locale: locale(), stores: locals.user!.stores };
		const result = await runCommand(db, cmd);
		await auditCliCommand(db, cmd, result, getClientAddress(), locals.user!.username);
		const r = result.json as RollbackResult;
		return r.ok
			? { ok: true as const, message: r.message }
			: fail(r.code === 'store' ? 403 : 409, { ok: false as const, message: r.message });
	}
};
