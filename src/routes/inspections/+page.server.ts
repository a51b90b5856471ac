import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { roleCan } from '$lib/shared/auth/roles';
import { getDatabase } from '$lib/server/core/db/process';
import { saveChecklist } from '$lib/server/features/inspections/checklist';
import { inspectionsPage } from '$lib/server/features/inspections/page';
import { DEFAULT_MARGIN_POINTS } from '$lib/shared/inspections/sampling';
import type { ChecklistProblem } from '$lib/shared/inspections/checklist';
import type { Actions, PageServerLoad } from './$types';

/** 质检: the month (`month=YYYY-MM`) and the sampling plan's margin (`margin`, ±points) from the URL. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const askedMonth = url.searchParams.get('month');
	const month = askedMonth && /^\d{4}-(0[1-9]|1[0-2])$/u.test(askedMonth) ? askedMonth : null;
	const askedMargin = Number(url.searchParams.get('margin'));
	const marginPoints = Number.isInteger(askedMargin) && askedMargin >= 3 && askedMargin <= 30 ? askedMargin : DEFAULT_MARGIN_POINTS;
	const data = await inspectionsPage(await getDatabase(), { month, marginPoints, scope: user.stores, displayName: user.displayName });
	return { ...data, canEdit: roleCan(user.role, 'targets') };
};

const PROBLEM: Record<ChecklistProblem, () => string> = {
	effective_from: m.insp_checklist_error_date,
	no_items: m.insp_checklist_error_items,
	item_name: m.insp_checklist_error_name,
	item_duplicate: m.insp_checklist_error_duplicate,
	max_points: m.insp_checklist_error_points,
	pass_line: m.insp_checklist_error_pass
};

/** Numbers as typed, full-width digits (a Chinese input method) read as ASCII. */
const numberOf = (v: FormDataEntryValue | null): number => {
	const raw = String(v ?? '')
		.normalize('NFKC')
		.trim();
	return /^\d+(\.\d+)?$/u.test(raw) ? Number(raw) : Number.NaN;
};

export const actions: Actions = {
	checklist: async ({ request, locals, getClientAddress }) => {
		// the checklist scores every store's inspections: only a user of every store may set it
		if (locals.user!.stores !== null) return fail(403, { ok: false as const, message: m.scope_all_stores_needed() });
		const form = await request.formData();
		const names = form.getAll('item').map((v) => String(v).normalize('NFKC').trim());
		const points = form.getAll('max_points').map(numberOf);
		const items = names
			.map((item, i) => ({ item, maxPoints: points[i] ?? Number.NaN }))
			.filter((i) => i.item !== '' || !Number.isNaN(i.maxPoints));
		const result = await (
			await getDatabase()
		).withWriteLock((conn) =>
			saveChecklist(
				conn,
				{
					effectiveFrom: String(form.get('effective_from') ?? '').trim(),
					items,
					passLine: numberOf(form.get('pass_line')),
					fatalZero: form.get('fatal_zero') === 'on'
				},
				{ name: locals.user!.username, ip: getClientAddress() }
			)
		);
		if (!result.ok) return fail(400, { ok: false as const, message: PROBLEM[result.error]() });
		return { ok: true as const, message: result.changed ? m.insp_checklist_saved() : m.insp_checklist_unchanged() };
	}
};
