import { loadNotifications, notificationActions } from '$lib/server/features/notifications/page';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadNotifications(locals.user!, false);
export const actions: Actions = notificationActions(false);
