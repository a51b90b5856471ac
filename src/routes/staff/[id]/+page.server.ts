import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { CYCLES, type Cycle } from '$lib/features/evaluations/model';
import { getDatabase } from '$lib/server/core/db/process';
import { readEvalConfig } from '$lib/server/features/evaluations/config';
import { staffScorecard } from '$lib/server/features/evaluations/scorecard';
import type { PageServerLoad } from './$types';

/** 员工档案: one staff member of the user's stores; another store's staff is "not found". */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = locals.user!;
	const c = url.searchParams.get('cycle');
	const cycle: Cycle = c && (CYCLES as readonly string[]).includes(c) ? (c as Cycle) : 'month';
	const db = await getDatabase();
	const [card, config] = await Promise.all([staffScorecard(db, user.stores, params.id, cycle), db.withConnection(readEvalConfig)]);
	if (!card) error(404, m.err_staff_not_found({ id: params.id }));
	return { card, settings: config.settings };
};
