import { describe, expect, it } from 'vitest';
import { grainFromParams } from '../../src/lib/shared/dashboard/filters';
import {
	countPeriods,
	DATE_MIN,
	lastYearRange,
	latestDay,
	MAX_PERIODS,
	PERIOD_CAP,
	PERIOD_GRAINS,
	periodsOf,
	previousRange,
	rangeIssue,
	rangeRequest,
	type DateRange,
	type PeriodGrain
} from '../../src/lib/shared/dashboard/range';
import { rangeProblem } from '../../src/lib/server/metrics/http';
import { inRequestLocale } from '../helpers/locale';
import { qcParams } from '../../src/lib/server/features/quality/page';
import { comparisonFromParams, reportPeriods } from '../../src/lib/server/features/quality/periods';
import { reportParams } from '../../src/lib/server/features/quality/report-params';

/**
 * Date input can never make period generation run away: a range to 9999-12-31 once looped for ever
 * ("+010000-01" sorted before "9999-12-31"). periodsOf ends whatever it is given, and every parser of
 * a route's date parameters yields ranges within the bounds and at most MAX_PERIODS periods.
 */
const TODAY = '2026-12-02';
const MAX = latestDay(TODAY);

describe('periodsOf ends whatever it is given', () => {
	it('lists the periods of the last days of year 9999 and stops', () => {
		const r = { from: '9999-12-01', to: '9999-12-31' };
		expect(periodsOf(r, 'day')).toHaveLength(31);
		expect(periodsOf(r, 'day').at(-1)).toBe('9999-12-31');
		expect(periodsOf(r, 'week')).toEqual(['9999-11-29', '9999-12-06', '9999-12-13', '9999-12-20', '9999-12-27']);
		expect(periodsOf({ from: '9999-01-01', to: '9999-12-31' }, 'month')).toHaveLength(12);
		expect(periodsOf({ from: '9999-01-01', to: '9999-12-31' }, 'quarter')).toHaveLength(4);
		expect(periodsOf({ from: '9999-01-01', to: '9999-12-31' }, 'year')).toEqual(['9999-01-01']);
	});

	it('throws past its cap instead of running on', () => {
		for (const grain of ['day', 'week'] as const)
			expect(() => periodsOf({ from: '0001-01-01', to: '9999-12-31' }, grain)).toThrow(RangeError);
		expect(() => periodsOf({ from: '0001-01-01', to: '9999-12-31' }, 'month')).toThrow(/more than 1000/u);
		expect(periodsOf({ from: '2000-01-01', to: '2000-01-01' }, 'day')).toEqual(['2000-01-01']);
		expect(() => periodsOf({ from: 'garbage', to: '2025-01-01' }, 'day')).toThrow(RangeError);
	});

	it('counts periods without listing them, as periodsOf lists them', () => {
		const ranges: DateRange[] = [
			{ from: '2024-11-15', to: '2025-02-03' },
			{ from: '2024-12-29', to: '2025-01-06' },
			{ from: '2025-01-01', to: '2025-01-01' },
			{ from: '2000-01-01', to: '2027-12-02' }
		];
		for (const r of ranges)
			for (const g of PERIOD_GRAINS) if (countPeriods(r, g) <= PERIOD_CAP) expect(countPeriods(r, g)).toBe(periodsOf(r, g).length);
	});
});

/** Deterministic pseudo-random days of every year 0001–9999 and the edges that matter. */
function* hostileQueries(n: number): Generator<string> {
	let s = 20261202;
	const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
	const pad = (v: number, w: number) => String(v).padStart(w, '0');
	const edges = [
		'0001-01-01',
		'1999-12-31',
		DATE_MIN,
		'2025-02-28',
		'2024-02-29',
		TODAY,
		MAX,
		'2027-12-03',
		'9999-12-01',
		'9999-12-31',
		'2025-02-30',
		'+010000-01-01',
		''
	];
	const randomDay = () =>
		rnd() < 0.4
			? edges[Math.floor(rnd() * edges.length)]!
			: `${pad(1 + Math.floor(rnd() * 9999), 4)}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(1 + Math.floor(rnd() * 28), 2)}`;
	const grains = [...PERIOD_GRAINS, 'all', 'decade', ''];
	for (let i = 0; i < n; i++) {
		const q = new URLSearchParams({
			from: randomDay(),
			to: randomDay(),
			pfrom: randomDay(),
			pto: randomDay(),
			at: randomDay(),
			grain: grains[Math.floor(rnd() * grains.length)]!
		});
		if (rnd() < 0.5) q.set('kind', 'week');
		yield q.toString();
	}
	yield 'from=0001-01-01&to=9999-12-31&grain=day';
	yield 'from=9999-12-01&to=9999-12-31&grain=day';
	yield 'from=9999-01-01&to=9999-12-31&grain=month';
	yield 'from=2000-01-01&to=2027-12-02&grain=week';
}

const inBounds = (r: DateRange) => r.from >= DATE_MIN && r.to <= MAX && r.from <= r.to;

describe('no route’s date parameters get past the bounds', () => {
	const anchors = ['2025-03-31', '9999-12-31', '1970-01-01'];

	it('dashboard, complaints, satisfaction: range and grain', () => {
		for (const query of hostileQueries(400)) {
			const q = new URLSearchParams(query);
			for (const anchor of anchors) {
				const { range } = rangeRequest(q, anchor, TODAY);
				expect(inBounds(range), `${query} @${anchor}: ${JSON.stringify(range)}`).toBe(true);
				const grain = grainFromParams(q, range);
				expect(periodsOf(range, grain).length).toBeLessThanOrEqual(MAX_PERIODS);
				// the dashboard's monthly series and its comparison with the period before
				expect(periodsOf(range, 'month').length).toBeLessThanOrEqual(MAX_PERIODS);
				expect(periodsOf(previousRange(range), grain).length).toBeLessThanOrEqual(MAX_PERIODS + 1);
			}
		}
	});

	it('quality: control charts, causes, reports', () => {
		for (const query of hostileQueries(400)) {
			const q = new URLSearchParams(query);
			for (const anchor of anchors) {
				const qc = qcParams(new URL(`http://x/quality?${query}`), anchor, [], TODAY);
				expect(inBounds(qc.range), `${query}: ${JSON.stringify(qc.range)}`).toBe(true);
				expect(periodsOf(qc.range, qc.grain).length).toBeLessThanOrEqual(MAX_PERIODS);
				const cmp = comparisonFromParams(q, anchor, TODAY);
				for (const r of [cmp.current, cmp.previous]) {
					expect(inBounds(r), `${query}: ${JSON.stringify(r)}`).toBe(true);
					expect(periodsOf(r, 'month').length).toBeLessThanOrEqual(MAX_PERIODS);
				}
				const rp = reportParams(q, anchor, TODAY);
				expect(rp.at >= DATE_MIN && rp.at <= MAX).toBe(true);
				const { current, previous } = reportPeriods(rp.grain, rp.at);
				for (const r of [current, previous]) expect(periodsOf(r, 'day').length).toBeLessThanOrEqual(31);
			}
		}
	});

	it('metric and drill-down API: a range passes only within the bounds and the period cap', () => {
		for (const query of hostileQueries(400)) {
			const url = new URL(`http://x/api/metrics/complaint_rate?${query}`);
			const problem = rangeProblem(url, { today: TODAY });
			const [from, to, g] = [url.searchParams.get('from')!, url.searchParams.get('to')!, url.searchParams.get('grain') || 'month'];
			if (problem) {
				expect(problem.status).toBe(400);
				continue;
			}
			// what passes is either malformed (the compiler refuses it) or within the bounds and the cap
			const valid =
				/^\d{4}-\d{2}-\d{2}$/u.test(from) &&
				/^\d{4}-\d{2}-\d{2}$/u.test(to) &&
				!Number.isNaN(Date.parse(from)) &&
				new Date(`${from}T00:00:00Z`).toISOString().startsWith(from) &&
				new Date(`${to}T00:00:00Z`).toISOString().startsWith(to) &&
				from <= to;
			if (!valid) continue;
			const range = { from, to };
			expect(inBounds(range), query).toBe(true);
			if (!(PERIOD_GRAINS as readonly string[]).includes(g)) continue;
			const grain = g as PeriodGrain;
			expect(periodsOf(range, grain).length).toBeLessThanOrEqual(MAX_PERIODS);
			// compare=previous|last_year lists the comparison range's periods too
			expect(periodsOf(previousRange(range), grain).length).toBeLessThanOrEqual(MAX_PERIODS + 1);
			expect(periodsOf(lastYearRange(range), grain).length).toBeLessThanOrEqual(MAX_PERIODS + 1);
		}
	});

	it('names the bounds and the cap in the user’s language', async () => {
		const zh = (await inRequestLocale('zh-CN', () =>
			rangeProblem(new URL('http://x/?from=0001-01-01&to=9999-12-31&grain=day'), { today: TODAY })
		))!;
		expect(zh.status).toBe(400);
		expect(await zh.json()).toEqual({
			code: 'range_out_of_bounds',
			message: `日期超出可查询范围：只能查询 2000-01-01 至 ${MAX} 之间的日期`
		});
		const en = (await inRequestLocale('en', () =>
			rangeProblem(new URL('http://x/?from=2020-01-01&to=2025-12-31&grain=day'), { today: TODAY })
		))!;
		expect(await en.json()).toEqual({
			code: 'too_many_periods',
			message: 'At most 400 periods (day) per request: shorten the range or choose a coarser grain'
		});
		expect(rangeProblem(new URL('http://x/?from=2020-01-01&to=2025-12-31&grain=day'), { today: TODAY, periods: false })).toBeNull();
		expect(rangeIssue({ from: '2025-01-01', to: '2025-12-31' }, 'day', TODAY)).toBeNull();
	});
});

describe('pages cut an out-of-bounds range and say so', () => {
	it('keeps the part within the bounds, or falls back to the default when none is', () => {
		expect(rangeRequest(new URLSearchParams('from=1990-01-01&to=2025-03-31'), '2025-03-31', TODAY)).toEqual({
			range: { from: DATE_MIN, to: '2025-03-31' },
			adjusted: true
		});
		expect(rangeRequest(new URLSearchParams('from=9999-12-01&to=9999-12-31'), '2025-03-31', TODAY)).toEqual({
			range: { from: '2025-01-01', to: '2025-03-31' },
			adjusted: true
		});
		expect(rangeRequest(new URLSearchParams('from=2025-01-01&to=2025-03-31'), '2025-03-31', TODAY)).toEqual({
			range: { from: '2025-01-01', to: '2025-03-31' },
			adjusted: false
		});
		// data typed with a far-future year: the default is the latest quarter allowed, not year 9999
		expect(rangeRequest(new URLSearchParams(''), '9999-12-31', TODAY).range.to <= MAX).toBe(true);
	});
});
