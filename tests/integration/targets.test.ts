import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/core/db';
import { listAudit } from '../../src/lib/server/core/db/audit';
import { readTargets, saveTarget } from '../../src/lib/server/metrics/targets';
import { meetsTarget } from '../../src/lib/shared/dashboard/targets';
import { tempDatabase } from '../helpers/db';

let db: Database;
let close: () => void;
const QC = { name: 'qc', ip: '127.0.0.1' };

beforeAll(async () => {
	({ db, close } = await tempDatabase());
});
afterAll(() => close?.());

describe('metric targets', () => {
	it('sets, changes and clears a target, each change audited with the old and new value', async () => {
		await db.withConnection(async (c) => {
			expect(await readTargets(c)).toEqual({});
			expect(await saveTarget(c, 'complaint_rate', 1.2, QC, 1_000)).toEqual({ ok: true, changed: true });
			expect(await saveTarget(c, 'complaint_rate', 1.2, QC, 2_000)).toEqual({ ok: true, changed: false });
			expect(await saveTarget(c, 'csat', 85, QC, 3_000)).toEqual({ ok: true, changed: true });
			expect(await readTargets(c)).toEqual({ complaint_rate: { value: 1.2, updatedAtMs: 1_000 }, csat: { value: 85, updatedAtMs: 3_000 } });
			expect(await saveTarget(c, 'complaint_rate', null, QC, 4_000)).toEqual({ ok: true, changed: true });
			expect(Object.keys(await readTargets(c))).toEqual(['csat']);
			const entries = (await listAudit(c, { action: 'settings_changed', page: 1, pageSize: 10 })).rows;
			expect(entries.map((e) => JSON.parse(e.detail) as unknown)).toEqual([
				{ 'target:complaint_rate': { from: 1.2, to: null } },
				{ 'target:csat': { from: null, to: 85 } },
				{ 'target:complaint_rate': { from: null, to: 1.2 } }
			]);
		});
	});

	it('refuses unknown metrics and values outside the unit’s range', async () => {
		await db.withConnection(async (c) => {
			expect(await saveTarget(c, 'no_such', 1, QC)).toEqual({ ok: false, error: 'unknown_metric' });
			expect(await saveTarget(c, 'csat', 101, QC)).toEqual({ ok: false, error: 'out_of_range' });
			expect(await saveTarget(c, 'nps', -101, QC)).toEqual({ ok: false, error: 'out_of_range' });
			expect(await saveTarget(c, 'nps', -20, QC)).toEqual({ ok: true, changed: true });
			expect(await saveTarget(c, 'first_response_median_h', Number.NaN, QC)).toEqual({ ok: false, error: 'out_of_range' });
		});
	});

	it('judges a value against a target in the metric’s direction', () => {
		expect(meetsTarget(1.1, 1.2, 'lower')).toBe(true);
		expect(meetsTarget(1.3, 1.2, 'lower')).toBe(false);
		expect(meetsTarget(85, 85, 'higher')).toBe(true);
		expect(meetsTarget(null, 85, 'higher')).toBeNull();
	});
});

describe('targets per scope with a warning band', () => {
	it('keeps chain-wide targets where they were; adds store and department targets with a band, audited', async () => {
		const { readAllTargets, saveScopedTarget } = await import('../../src/lib/server/metrics/targets');
		const { targetState } = await import('../../src/lib/shared/dashboard/targets');
		await db.withConnection(async (c) => {
			expect(
				await saveScopedTarget(
					c,
					{ metric: 'complaint_rate', scope: { kind: 'store', name: '武汉光谷店' }, value: 1, warn: 0.8 },
					QC,
					5_000
				)
			).toEqual({ ok: true, changed: true });
			expect(
				await saveScopedTarget(c, { metric: 'csat', scope: { kind: 'department', name: '客服中心' }, value: 85, warn: 88 }, QC, 6_000)
			).toEqual({ ok: true, changed: true });
			// the band must lie on the safe side of the target
			expect(await saveScopedTarget(c, { metric: 'complaint_rate', scope: { kind: 'all', name: '' }, value: 1, warn: 1.2 }, QC)).toEqual({
				ok: false,
				error: 'warn_side'
			});
			expect(await saveScopedTarget(c, { metric: 'csat', scope: { kind: 'store', name: ' ' }, value: 80 }, QC)).toEqual({
				ok: false,
				error: 'scope'
			});
			const all = await readAllTargets(c);
			expect(all.find((t) => t.scope.kind === 'store')).toMatchObject({
				metric: 'complaint_rate',
				scope: { kind: 'store', name: '武汉光谷店' },
				value: 1,
				warn: 0.8
			});
			expect(all.find((t) => t.scope.kind === 'department')).toMatchObject({ metric: 'csat', value: 85, warn: 88 });
			// the tiles' chain-wide view is unchanged by scoped targets
			expect(Object.keys(await readTargets(c))).toEqual(['csat', 'nps']);
			const rows = await c.runAndReadAll(`SELECT value FROM app_settings WHERE name = 'target:complaint_rate@store:武汉光谷店'`);
			expect(rows.getRowObjectsJS()[0]!.value).toBe('{"value":1,"warn":0.8}');
		});
		expect(targetState(0.7, 1, 'lower', 0.8)).toBe('met');
		expect(targetState(0.9, 1, 'lower', 0.8)).toBe('warning');
		expect(targetState(1.1, 1, 'lower', 0.8)).toBe('missed');
		expect(targetState(86, 85, 'higher', 88)).toBe('warning');
		expect(targetState(86, 85, 'higher')).toBe('met');
	});
});

describe('the target that applies to a view', () => {
	it('prefers the one store in view, then the one department, then the chain-wide target', async () => {
		const { readAllTargets, saveScopedTarget, targetFor } = await import('../../src/lib/server/metrics/targets');
		await db.withConnection(async (c) => {
			await saveTarget(c, 'complaint_rate', 1.0, QC);
			expect(
				(await saveScopedTarget(c, { metric: 'complaint_rate', scope: { kind: 'store', name: '杭州湖滨店' }, value: 0.8, warn: 0.7 }, QC))
					.ok
			).toBe(true);
			expect(
				(await saveScopedTarget(c, { metric: 'complaint_rate', scope: { kind: 'department', name: '客服部' }, value: 0.9, warn: null }, QC))
					.ok
			).toBe(true);
			const all = await readAllTargets(c);
			expect(targetFor(all, 'complaint_rate', { stores: ['杭州湖滨店'] })).toMatchObject({
				value: 0.8,
				warn: 0.7,
				scope: { kind: 'store' }
			});
			expect(targetFor(all, 'complaint_rate', { stores: ['南京新街口店'], departments: ['客服部'] })).toMatchObject({ value: 0.9 });
			expect(targetFor(all, 'complaint_rate', { stores: ['杭州湖滨店', '南京新街口店'] })).toMatchObject({
				value: 1.0,
				scope: { kind: 'all' }
			});
			expect(targetFor(all, 'csat_mean')).toBeNull();
		});
	});
});
