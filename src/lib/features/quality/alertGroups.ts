/**
 * The alert list arranged for a Monday morning: one group per store (the chain and departments too), the
 * groups with the most severe open alert first; inside a group open before closed, then by severity, then
 * the longest waiting first. Pure, for the page and its test.
 */
export type Severity = 'high' | 'medium' | 'low' | 'improved';
const RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2, improved: 3 };

export interface GroupableAlert {
	alert_id: number;
	scope_kind: 'all' | 'store' | 'department';
	scope: string;
	severity: Severity;
	status: string;
	created_ms: number;
}

export interface AlertGroup<A extends GroupableAlert> {
	key: string;
	scopeKind: A['scope_kind'];
	scope: string;
	open: number;
	closed: number;
	alerts: A[];
}

const isOpen = (a: GroupableAlert) => a.status !== 'closed';

const byUrgency = (a: GroupableAlert, b: GroupableAlert) =>
	Number(isOpen(b)) - Number(isOpen(a)) || RANK[a.severity] - RANK[b.severity] || a.created_ms - b.created_ms || a.alert_id - b.alert_id;

export function groupAlerts<A extends GroupableAlert>(alerts: readonly A[]): AlertGroup<A>[] {
	const groups = new Map<string, AlertGroup<A>>();
	for (const a of alerts) {
		const key = `${a.scope_kind}:${a.scope}`;
		const g =
			groups.get(key) ?? groups.set(key, { key, scopeKind: a.scope_kind, scope: a.scope, open: 0, closed: 0, alerts: [] }).get(key)!;
		g.alerts.push(a);
		if (isOpen(a)) g.open++;
		else g.closed++;
	}
	const worst = (g: AlertGroup<A>) => (g.open ? RANK[g.alerts[0]!.severity] : 9);
	return [...groups.values()]
		.map((g) => ({ ...g, alerts: g.alerts.sort(byUrgency) }))
		.sort((x, y) => worst(x) - worst(y) || y.open - x.open || x.scope.localeCompare(y.scope, 'zh-CN'));
}
