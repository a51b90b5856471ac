import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { config } from '$lib/server/core/config';
import { getDatabase } from '$lib/server/core/db/process';
import { listMappings, saveMapping, saveMappingFields } from '$lib/server/features/upload/mappings';
import type { Actions, PageServerLoad } from './$types';

/** 数据上传: the upload limit and the saved mappings; the file itself goes to POST /api/ingest/<kind>. */
export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDatabase();
	const mappings = await db.withConnection((c) => listMappings(c));
	return {
		limitBytes: config().auth.bodyLimitBytes,
		// saved mappings are shared by every loader of every store: saving one is a chain-wide write
		canSaveMapping: locals.user!.stores === null,
		mappings: mappings.map(({ kind, name, header_key, mapping, created_by, updated_at }) => ({
			kind,
			name,
			header_key,
			mapping,
			created_by,
			updated_at
		}))
	};
};

export const actions: Actions = {
	/** Saves the current mapping under a name (same name and kind: replaced), to be offered for the same header again. */
	saveMapping: async ({ request, locals }) => {
		if (locals.user!.stores !== null) return fail(403, { saved: false as const, message: m.scope_all_stores_needed() });
		const form = await request.formData();
		const f = saveMappingFields.safeParse({
			kind: form.get('kind'),
			name: form.get('name') ?? '',
			header: form.get('header') ?? '',
			mapping: form.get('mapping') ?? ''
		});
		if (!f.success) return fail(400, { saved: false as const, message: m.upload_mapping_save_invalid() });
		const { kind, name, header, mapping } = f.data;
		const db = await getDatabase();
		await db.withConnection((c) => saveMapping(c, { kind: kind as never, name, header, mapping, by: locals.user!.username }));
		return { saved: true as const, name, message: m.upload_mapping_saved({ name }) };
	}
};
