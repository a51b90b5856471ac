import { describe, expect, it } from 'vitest';
import { compileMetric, holdsWholeWeek } from '$lib/server/metrics/compile';
import { compileBundles } from '$lib/server/metrics/bundle';
import { DEFAULT_SLA, slaFingerprint } from '$lib/shared/sla';

/** Which rows a request reads: the smallest rollup that keeps its cut and filters, else the raw rows. */
const base = { from: '2025-01-01', to: '2025-06-30', grain: 'month', filters: {}, scope: ['杭州湖滨店'] };
const reads = (input: Record<string, unknown>, options: Parameters<typeof compileMetric>[1] = { rollups: true }) => {
	const q = compileMetric({ ...base, ...input }, options);
	const table =
		/FROM (complaint_cuts|complaint_daily|complaint_times|complaint_time_cuts|complaint_time_weeks|survey_daily|survey_staff_daily|survey_answer_daily|contact_cuts|contact_times|contact_time_weeks|complaints|surveys|appraisals|contacts)\b/u.exec(
			q.sql
		)?.[1];
	return `${q.path}:${table}`;
};

describe('the planner', () => {
	it('reads the rollup of cuts for one cut and a store filter', () => {
		expect(reads({ metric: 'complaint_count', by: 'category' })).toBe('rollup:complaint_cuts');
		expect(reads({ metric: 'repeat_complaint_rate', filters: { store: ['杭州湖滨店'] } })).toBe('rollup:complaint_cuts');
		expect(reads({ metric: 'complaint_rate', by: 'store' })).toBe('rollup:complaint_cuts');
	});

	it('reads the daily cross of every dimension when the request filters on another one', () => {
		expect(reads({ metric: 'closure_rate', by: 'severity', filters: { channel: ['电话'] } })).toBe('rollup:complaint_daily');
		expect(reads({ metric: 'complaint_rate', filters: { category: ['价格'] } })).toBe('rollup:complaint_daily');
	});

	it('reads percentiles from the counts per time when the range holds a whole month, by a grain of whole months', () => {
		expect(reads({ metric: 'resolution_median_h' })).toBe('rollup:complaint_times');
		expect(reads({ metric: 'complaint_count', by: 'response_bucket' })).toBe('rollup:complaint_times');
		expect(compileMetric({ ...base, metric: 'complaint_count', by: 'resolution_bucket' }, { rollups: true }).sql).toMatch(
			/clock = 'resolution'/u
		);
		expect(reads({ metric: 'first_response_p90_h', grain: 'quarter', from: '2025-01-20', to: '2025-03-01' })).toBe(
			'rollup:complaint_times'
		);
		// cut by store: response times from the counts, resolution times from raw rows (a store's month of them hardly compresses)
		expect(reads({ metric: 'first_response_p90_h', by: 'store' })).toBe('rollup:complaint_times');
		expect(reads({ metric: 'resolution_median_h', by: 'store' })).toBe('raw:complaints');
		expect(reads({ metric: 'first_response_p90_h', by: 'category' })).toBe('raw:complaints');
		// over every store: from the counts summed over the stores, uncut or by a dimension of the complaint
		const everyStore = { scope: null };
		expect(reads({ ...everyStore, metric: 'resolution_median_h' })).toBe('rollup:complaint_time_cuts');
		expect(reads({ ...everyStore, metric: 'first_response_p90_h', by: 'category' })).toBe('rollup:complaint_time_cuts');
		expect(compileMetric({ ...base, ...everyStore, metric: 'resolution_p90_h', by: 'severity' }, { rollups: true }).sql).toMatch(
			/cut = 'severity'/u
		);
		expect(reads({ ...everyStore, metric: 'complaint_count', by: 'resolution_bucket' })).toBe('rollup:complaint_time_cuts');
		// by store, or one store filtered: per store as above
		expect(reads({ ...everyStore, metric: 'first_response_p90_h', by: 'store' })).toBe('rollup:complaint_times');
		expect(reads({ ...everyStore, metric: 'resolution_median_h', by: 'store' })).toBe('raw:complaints');
		expect(reads({ ...everyStore, metric: 'resolution_median_h', filters: { store: ['杭州湖滨店'] } })).toBe('rollup:complaint_times');
		expect(reads({ ...everyStore, metric: 'resolution_median_h', by: 'department', filters: { store: ['杭州湖滨店'] } })).toBe(
			'raw:complaints'
		);
		// by week over every store: the counts per week, for a range holding a whole week (Monday to Sunday)
		expect(reads({ ...everyStore, metric: 'resolution_median_h', grain: 'week' })).toBe('rollup:complaint_time_weeks');
		expect(reads({ ...everyStore, metric: 'first_response_p90_h', grain: 'week', from: '2025-01-08', to: '2025-01-19' })).toBe(
			'rollup:complaint_time_weeks'
		);
		expect(reads({ ...everyStore, metric: 'first_response_p90_h', grain: 'week', from: '2025-01-07', to: '2025-01-12' })).toBe(
			'raw:complaints'
		);
		expect(reads({ ...everyStore, metric: 'first_response_p90_h', grain: 'week', by: 'category' })).toBe('raw:complaints');
		expect(reads({ metric: 'first_response_p90_h', grain: 'week' })).toBe('raw:complaints');
		// alone in its query (its shape is its own), beside a count of the same range
		const bundles = compileBundles(
			['first_response_median_h', 'complaint_count'].map((metric) => ({ ...base, metric })),
			{ rollups: true }
		);
		expect(bundles).toHaveLength(2);
	});

	it('knows a range holding a whole week, Monday to Sunday', () => {
		// 2025-01-06 is a Monday, 2025-01-12 its Sunday
		expect(holdsWholeWeek({ from: '2025-01-06', to: '2025-01-12' })).toBe(true);
		expect(holdsWholeWeek({ from: '2025-01-06', to: '2025-01-11' })).toBe(false);
		expect(holdsWholeWeek({ from: '2025-01-07', to: '2025-01-19' })).toBe(true);
		expect(holdsWholeWeek({ from: '2025-01-07', to: '2025-01-18' })).toBe(false);
		expect(holdsWholeWeek({ from: '2025-01-12', to: '2025-01-19' })).toBe(true);
	});

	it('reads survey rollups by store, channel and method, and by question', () => {
		expect(reads({ metric: 'nps', by: 'method', filters: { channel: ['在线'] } })).toBe('rollup:survey_daily');
		expect(reads({ metric: 'extra_answer_mean', by: 'question' })).toBe('rollup:survey_answer_daily');
		// by staff: the counts per staff member (over every channel and method)
		expect(reads({ metric: 'csat', by: 'staff' })).toBe('rollup:survey_staff_daily');
		expect(reads({ metric: 'nps', by: 'staff', filters: { store: ['杭州湖滨店'] } })).toBe('rollup:survey_staff_daily');
	});

	it('reads raw rows for what no rollup keeps, when asked to, and when the rollups are not current', () => {
		expect(reads({ metric: 'complaint_count', by: 'response_bucket', grain: 'week' })).toBe('raw:complaints');
		expect(reads({ metric: 'complaint_count', by: 'resolution_bucket', filters: { channel: ['电话'] } })).toBe('raw:complaints');
		expect(reads({ metric: 'csat', by: 'staff', filters: { channel: ['在线'] } })).toBe('raw:surveys');
		expect(reads({ metric: 'resolution_median_h', grain: 'week' })).toBe('raw:complaints');
		expect(reads({ metric: 'resolution_median_h', from: '2025-01-02', to: '2025-02-27' })).toBe('raw:complaints');
		expect(reads({ metric: 'resolution_median_h', by: 'category' })).toBe('raw:complaints');
		expect(reads({ metric: 'appraisal_mean' })).toBe('raw:appraisals');
		expect(reads({ metric: 'complaint_count' }, { rollups: true, path: 'raw' })).toBe('raw:complaints');
		expect(reads({ metric: 'complaint_count' }, {})).toBe('raw:complaints');
	});

	it('reads the contact rollup by one cut, and by channel where channels are filtered', () => {
		const now = { rollups: true, asOf: '2025-08-01 00:00:00' };
		expect(reads({ metric: 'service_level', by: 'weekday_hour' }, now)).toBe('rollup:contact_cuts');
		expect(reads({ metric: 'aht_mean_s', by: 'staff' }, now)).toBe('rollup:contact_cuts');
		expect(compileMetric({ ...base, metric: 'answer_rate', filters: { channel: ['电话'] } }, now).sql).toMatch(/cut = 'channel'/u);
		expect(reads({ metric: 'answer_rate', by: 'topic', filters: { channel: ['电话'] } }, now)).toBe('raw:contacts');
		// percentiles: from the counts per second over whole months, by a cut they keep and no channel filter
		expect(reads({ metric: 'asa_p90_s' }, now)).toBe('rollup:contact_times');
		expect(reads({ metric: 'aht_median_s', by: 'staff', grain: 'quarter' }, now)).toBe('rollup:contact_times');
		expect(compileMetric({ ...base, metric: 'aht_median_s', by: 'hour' }, now).sql).toMatch(/cut = 'hour'/u);
		expect(reads({ metric: 'asa_p90_s', by: 'weekday_hour' }, now)).toBe('raw:contacts');
		expect(reads({ metric: 'asa_p90_s', filters: { channel: ['电话'] } }, now)).toBe('raw:contacts');
		expect(reads({ metric: 'aht_median_s', grain: 'week' }, now)).toBe('raw:contacts');
		expect(reads({ metric: 'aht_median_s', grain: 'week', scope: null }, now)).toBe('rollup:contact_time_weeks');
		expect(reads({ metric: 'asa_p90_s', grain: 'week', scope: null, by: 'hour' }, now)).toBe('raw:contacts');
		expect(reads({ metric: 'aht_median_s', from: '2025-01-02', to: '2025-02-27' }, now)).toBe('raw:contacts');
	});

	it('reads the contact rollup only with the limits it counted by, and FCR only once its windows have closed', () => {
		const rolled = { shortAbandonSeconds: 5, serviceLevel: { default: 15, byChannel: { 在线: 30, 电话: 20 } }, fcrDays: 7 };
		const same = { ...rolled, serviceLevel: { default: 15, byChannel: { 电话: 20, 在线: 30 } } };
		const options = { rollups: true, asOf: '2025-08-01 00:00:00', rolledContactLimits: rolled };
		expect(reads({ metric: 'answer_rate' }, { ...options, contacts: same })).toBe('rollup:contact_cuts');
		expect(reads({ metric: 'answer_rate' }, { ...options, contacts: { ...same, shortAbandonSeconds: 6 } })).toBe('raw:contacts');
		expect(reads({ metric: 'answer_rate' }, { ...options, rolledContactLimits: undefined })).toBe('rollup:contact_cuts');
		// the range ends 2025-06-30: its 7-day windows have all closed at 2025-07-08 00:00; until then its last days are counted live
		const fcr = (asOf: string, fcrDays = 7) =>
			compileMetric(
				{ ...base, metric: 'fcr_repeat' },
				{ rollups: true, asOf, contacts: { ...same, fcrDays }, rolledContactLimits: { ...rolled, fcrDays: 7 } }
			);
		expect(fcr('2025-07-07 23:59:59').path).toBe('rollup');
		expect(fcr('2025-07-07 23:59:59').sql).toMatch(/FROM contacts s/u);
		expect(fcr('2025-07-07 23:59:59').params).toContain('2025-06-30');
		expect(fcr('2025-07-08 00:00:00').sql).not.toMatch(/FROM contacts s/u);
		expect(fcr('2025-07-08 00:00:00', 8).path).toBe('raw');
	});

	it('reads SLA counts of the rollups only with the limits they were counted with, and raw rows for days still within a limit', () => {
		const counted = { rollups: true, rollupSla: slaFingerprint(DEFAULT_SLA) };
		const sql = (metric: string, asOf: string, options: Parameters<typeof compileMetric>[1] = counted) =>
			compileMetric({ ...base, metric, by: 'severity' }, { ...options, asOf });
		const sla = (metric: string, asOf: string, options: Parameters<typeof compileMetric>[1] = counted) => {
			const q = sql(metric, asOf, options);
			return `${reads({ metric, by: 'severity' }, { ...options, asOf })}${q.sql.includes('UNION ALL BY NAME') ? '+tail' : ''}`;
		};
		// the range ends 2025-06-30; the largest limit is 168 h (重大 resolution): every complaint of it is due by 07-08 00:00
		expect(sla('sla_response_compliance', '2025-07-08 00:00:00')).toBe('rollup:complaint_cuts');
		expect(sla('sla_resolution_compliance', '2025-07-08 00:00:00')).toBe('rollup:complaint_cuts');
		// a second earlier, 06-30's complaints may be within their limit: those of 06-30 are read raw
		const tail = sql('sla_resolution_compliance', '2025-07-07 23:59:59');
		expect(sla('sla_resolution_compliance', '2025-07-07 23:59:59')).toBe('rollup:complaint_cuts+tail');
		expect(tail.params).toContain('2025-06-29');
		// no day of the range is due yet: raw rows
		expect(sla('sla_response_compliance', '2025-01-08 23:59:59')).toBe('raw:complaints');
		expect(sla('sla_response_compliance', '2025-01-09 00:00:00')).toBe('rollup:complaint_cuts+tail');
		// other limits in force than the rollups counted with, or none known
		const other = { ...DEFAULT_SLA, response: { ...DEFAULT_SLA.response, byCategory: { 价格: 6 } } };
		expect(sla('sla_response_compliance', '2026-01-01 00:00:00', { ...counted, sla: other })).toBe('raw:complaints');
		expect(sla('sla_response_compliance', '2026-01-01 00:00:00', { rollups: true })).toBe('raw:complaints');
		// the same limits written in another order are the same limits
		const reordered = { resolution: DEFAULT_SLA.resolution, response: { byCategory: {}, bySeverity: {}, default: 24 } };
		expect(sla('sla_response_compliance', '2026-01-01 00:00:00', { ...counted, sla: reordered })).toBe('rollup:complaint_cuts');
	});

	it('bundles requests over the same relation only', () => {
		const ask = (metric: string, extra: Record<string, unknown> = {}) => ({ ...base, metric, ...extra });
		const bundles = compileBundles(
			[ask('complaint_count'), ask('closure_rate'), ask('repeat_complaint_rate'), ask('csat'), ask('nps'), ask('csat', { grain: 'all' })],
			{ rollups: true }
		);
		expect(bundles.map((b) => b.members.map((m) => m.index))).toEqual([[0, 1], [2], [3, 4], [5]]);
	});
});
