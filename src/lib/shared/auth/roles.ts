/**
 * Roles and what each may do. Pure data, safe for browser code (the header hides links with it);
 * the server decides with the same table in `$lib/server/auth/guard.ts`.
 *
 * Roles are a ladder: each role may do everything the one before it may, plus its own row.
 * An admin can grant themselves any role anyway, so withholding data from admins would be theatre;
 * the audit log is the control on admins. The `pii` permission is separate and granted per user.
 */
export const ROLES = ['viewer', 'manager', 'quality_officer', 'leadership', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const CAPABILITIES = [
	/** aggregate metrics of the user's stores */
	'metrics',
	/** complaint rows behind a metric (customer PII masked unless the user has `pii`) */
	'rows',
	/** staff scorecards of the user's stores */
	'scorecards',
	/** upload / ingest files, see and roll back batches, see rejected rows */
	'ingest',
	/** set metric targets */
	'targets',
	/** periodic performance evaluations and rankings */
	'evaluations',
	/** reports and alerts delivered to one's own e-mail or group bot */
	'subscribe',
	/** exports (CSV / Excel) */
	'export',
	/** users, roles, store scopes, retention settings, audit log */
	'admin'
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const ADDED_BY: Record<Role, readonly Capability[]> = {
	viewer: ['metrics'],
	manager: ['rows', 'scorecards', 'subscribe'],
	quality_officer: ['ingest', 'targets'],
	leadership: ['evaluations', 'export'],
	admin: ['admin']
};

export const ROLE_CAPABILITIES: Readonly<Record<Role, ReadonlySet<Capability>>> = (() => {
	const out = {} as Record<Role, ReadonlySet<Capability>>;
	const acc: Capability[] = [];
	for (const role of ROLES) {
		acc.push(...ADDED_BY[role]);
		out[role] = new Set(acc);
	}
	return out;
})();

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export const roleCan = (role: Role, capability: Capability): boolean => ROLE_CAPABILITIES[role].has(capability);

/** Leadership and admins always see every store; the other roles may be limited to some. */
export const roleSeesAllStores = (role: Role): boolean => role === 'leadership' || role === 'admin';

/**
 * The signed-in user as the server resolves it from the session on every request (`locals.user`).
 * `stores` is the store scope: null = all stores; otherwise only these, and every query binds them.
 */
export interface AuthUser {
	id: number;
	username: string;
	displayName: string;
	role: Role;
	stores: string[] | null;
	pii: boolean;
}

/** The fields the browser gets (no id). */
export type PublicUser = Omit<AuthUser, 'id'>;
