import { m } from '$lib/paraglide/messages.js';
import type { Role } from '$lib/shared/auth/roles';
import type { UiLocale } from '$lib/shared/views';

type Label = (inputs?: Record<string, never>, options?: { locale?: UiLocale }) => string;

const LABELS: Record<Role, Label> = {
	viewer: m.auth_role_viewer,
	manager: m.auth_role_manager,
	quality_officer: m.auth_role_quality_officer,
	leadership: m.auth_role_leadership,
	admin: m.auth_role_admin
};

const HINTS: Record<Role, Label> = {
	viewer: m.admin_role_hint_viewer,
	manager: m.admin_role_hint_manager,
	quality_officer: m.admin_role_hint_quality_officer,
	leadership: m.admin_role_hint_leadership,
	admin: m.admin_role_hint_admin
};

export const roleLabel = (role: Role) => LABELS[role]();
export const roleHint = (role: Role) => HINTS[role]();

const catalog = m as unknown as Record<string, Label | undefined>;

/** An audit action in words (login, user_updated …); an action without a label shows as it is. */
export const auditActionLabel = (action: string) => catalog[`admin_action_${action}`]?.() ?? action;
