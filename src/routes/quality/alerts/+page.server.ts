import { getDatabase } from '$lib/server/core/db/process';
import { audit } from '$lib/server/core/db/audit';
import { ALERT_STATUSES, evaluateAlerts, evaluationSettled, listAlerts, type AlertStatus } from '$lib/server/features/quality/alerts';
import { roleCan } from '$lib/shared/auth/roles';
import type { Actions, PageServerLoad } from './$types';

/** The alert list (grouped and ordered by the page), filtered by status; users see their stores' alerts. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const asked = url.searchParams.get('status');
	const status = (ALERT_STATUSES as readonly string[]).includes(asked ?? '') ? (asked as AlertStatus) : null;
	const db = await getDatabase();
	const alerts = await db.withConnection((c) => listAlerts(c, { stores: user.stores, status }));
	return { alerts, status, canEdit: roleCan(user.role, 'targets') };
};

export const actions: Actions = {
	evaluate: async ({ locals, getClientAddress }) => {
		const db = await getDatabase();
		await evaluationSettled(db);
		const r = await evaluateAlerts(db);
		await db.withConnection((c) =>
			audit(c, { actor: locals.user!.username, action: 'qc_evaluated', target: 'alerts', ip: getClientAddress(), detail: r })
		);
		return { ok: true as const, created: r.created };
	}
};
