import { describe, expect, it } from 'vitest';
import { groupAlerts, type GroupableAlert } from './alertGroups';

const a = (
	alert_id: number,
	scope: string,
	severity: GroupableAlert['severity'],
	status = 'new',
	created_ms = alert_id
): GroupableAlert => ({
	alert_id,
	scope_kind: scope ? 'store' : 'all',
	scope,
	severity,
	status,
	created_ms
});

describe('the alert list grouped by store', () => {
	it('puts the store with the most severe open alert first and counts each group', () => {
		const groups = groupAlerts([
			a(1, 'B', 'medium'),
			a(2, 'A', 'low'),
			a(3, 'A', 'improved'),
			a(4, 'C', 'high', 'closed'),
			a(5, 'B', 'high')
		]);
		expect(groups.map((g) => g.scope)).toEqual(['B', 'A', 'C']);
		expect(groups.map((g) => [g.open, g.closed])).toEqual([
			[2, 0],
			[2, 0],
			[0, 1]
		]);
	});

	it('sorts inside a group: open first, then severity, then the longest waiting', () => {
		const [g] = groupAlerts([
			a(1, 'A', 'high', 'closed', 1),
			a(2, 'A', 'medium', 'new', 50),
			a(3, 'A', 'medium', 'in_progress', 10),
			a(4, 'A', 'high', 'new', 99)
		]);
		expect(g!.alerts.map((x) => x.alert_id)).toEqual([4, 3, 2, 1]);
	});
});
