import type { MetricUnit } from '$lib/shared/dashboard/types';

/**
 * Value axes that do not exaggerate. Bars start at 0 (a bar's length is its value). A line's axis spans
 * at least ±10% of its mean, and never less than the unit's floor, so a 5% move does not fill the
 * chart (complaint rates of 0.96–1.02‰ sit in a 0.9–1.1‰ axis, not one from 0.96 to 1.02). Every axis
 * stays inside its unit's range (percentages 0–100%, NPS −100…100, counts and durations from 0), bands
 * included.
 */

/** What a unit's values can be. */
export const UNIT_RANGE: Record<MetricUnit, readonly [number, number]> = {
	count: [0, Infinity],
	permille: [0, Infinity],
	percent: [0, 100],
	hours: [0, Infinity],
	score: [0, Infinity],
	nps: [-100, 100],
	seconds: [0, Infinity]
};

/** The smallest span of a line's axis, in the unit (5 percentage points, 10 NPS points, …). */
const MIN_SPAN: Record<MetricUnit, number> = { count: 5, permille: 0.1, percent: 5, hours: 2, score: 0.2, nps: 10, seconds: 5 };
/** A line's axis spans at least this share of its mean on each side. */
const MEAN_SHARE = 0.1;

export interface AxisBounds {
	min: number;
	max: number;
	/** the step between ticks */
	interval: number;
}

/** 1, 2 or 5 × a power of ten, the smallest at least `raw`. */
function niceStep(raw: number): number {
	const power = 10 ** Math.floor(Math.log10(raw));
	const f = raw / power;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** Rounds away floating-point dust (0.30000000000000004 → 0.3). */
const clean = (v: number) => Number(v.toPrecision(12));

/**
 * The bounds of a value axis: `values` are what the axis must show (the series, their bands and
 * targets), `line` the series' own values (their mean sets the minimum span). Null when there is
 * nothing to show.
 */
export function axisBounds(
	values: readonly (number | null)[],
	unit: MetricUnit,
	kind: 'bar' | 'line',
	line = values,
	/** about how many steps the axis has (fewer on a small chart) */
	steps = 5
): AxisBounds | null {
	const shown = values.filter((v): v is number => v !== null && Number.isFinite(v));
	if (!shown.length) return null;
	const [floor, ceiling] = UNIT_RANGE[unit];
	let lo = Math.min(...shown);
	let hi = Math.max(...shown);
	if (kind === 'bar') {
		lo = Math.min(0, lo);
		hi = Math.max(0, hi);
	} else {
		const own = line.filter((v): v is number => v !== null && Number.isFinite(v));
		const mean = own.length ? own.reduce((a, b) => a + b, 0) / own.length : (lo + hi) / 2;
		const span = Math.max(2 * MEAN_SHARE * Math.abs(mean), MIN_SPAN[unit]);
		if (hi - lo < span) {
			const centre = (lo + hi) / 2;
			lo = centre - span / 2;
			hi = centre + span / 2;
		}
		// pushed past an edge of the unit's range: slide back inside rather than lose span
		if (lo < floor) [lo, hi] = [floor, Math.min(ceiling, hi + (floor - lo))];
		if (hi > ceiling) [lo, hi] = [Math.max(floor, lo - (hi - ceiling)), ceiling];
	}
	if (hi === lo) hi = lo + 1;
	const interval = niceStep((hi - lo) / steps);
	const min = Math.max(floor, Math.floor(lo / interval) * interval);
	const max = Math.min(ceiling, Math.ceil(hi / interval) * interval);
	return { min: clean(min), max: clean(max), interval: clean(interval) };
}

/** A band (interval) kept inside the unit's range. */
export const clampToUnit = (v: number | null, unit: MetricUnit): number | null =>
	v === null ? null : Math.min(UNIT_RANGE[unit][1], Math.max(UNIT_RANGE[unit][0], v));
