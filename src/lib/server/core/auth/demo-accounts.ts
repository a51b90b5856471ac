import type { Role } from '$lib/shared/auth/roles';

/**
 * The demo's accounts, one per role, with known passwords. Plain data (no database code) so that
 * browser tests can import the credentials. Never use these on real data.
 */
export interface DemoAccount {
	username: string;
	displayName: string;
	role: Role;
	stores: string[] | null;
	pii: boolean;
	password: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
	{ username: 'viewer', displayName: '赵查看', role: 'viewer', stores: ['杭州湖滨店'], pii: false, password: 'viewer-demo-2025' },
	{ username: 'manager', displayName: '张经理', role: 'manager', stores: ['南京新街口店'], pii: false, password: 'manager-demo-2025' },
	{ username: 'qc', displayName: '李质检', role: 'quality_officer', stores: null, pii: false, password: 'qc-demo-2025' },
	{ username: 'leader', displayName: '王总', role: 'leadership', stores: null, pii: true, password: 'leader-demo-2025' },
	{ username: 'admin', displayName: '刘管理员', role: 'admin', stores: null, pii: false, password: 'admin-demo-2025' }
];

export const demoAccount = (role: Role): DemoAccount => DEMO_ACCOUNTS.find((a) => a.role === role)!;
