import type { ChartOption } from './types';

/** Below this width (px) a chart is drawn for a phone: fewer labels and grid lines. */
export const NARROW_CHART_WIDTH = 520;
/** At most this many category labels along a narrow chart's x axis. */
const MAX_X_LABELS = 5;
/** Grid lines of a narrow chart's value axes. */
const NARROW_SPLITS = 3;

type Axis = Record<string, unknown> & { type?: string; data?: unknown[]; axisLabel?: Record<string, unknown> };

const axesOf = (axis: unknown): Axis[] => (Array.isArray(axis) ? (axis as Axis[]) : axis ? [axis as Axis] : []);

/** fewer grid lines, and labels that would overlap (a short value axis beside a ranking's names) dropped */
const narrowValue = (axis: Axis): Axis => ({ ...axis, splitNumber: NARROW_SPLITS, axisLabel: { ...axis.axisLabel, hideOverlap: true } });

function narrowX(axis: Axis): Axis {
	if (axis.type === 'value') return narrowValue(axis);
	const n = Array.isArray(axis.data) ? axis.data.length : 0;
	// a builder that asks for every label (histogram buckets) keeps them
	if (axis.axisLabel?.interval !== undefined || n <= MAX_X_LABELS) return axis;
	// long labels (English weeks: "Wk of Nov 10") may still not fit five to a phone: overlapping ones are dropped
	return { ...axis, axisLabel: { ...axis.axisLabel, interval: Math.ceil(n / MAX_X_LABELS) - 1, hideOverlap: true } };
}

const narrowY = (axis: Axis): Axis => (axis.type === 'value' || axis.type === undefined ? narrowValue(axis) : axis);

const same = (original: unknown, mapped: Axis[]) => (Array.isArray(original) ? mapped : mapped[0]);

/**
 * The option a chart gets on a narrow screen: a category x axis labels at most MAX_X_LABELS periods
 * (evenly spaced), value axes get fewer grid lines and drop overlapping labels, the legend keeps to one
 * line. Everything else is the builder's.
 */
export function narrowOption(option: ChartOption): ChartOption {
	const o = option as Record<string, unknown>;
	const out: Record<string, unknown> = { ...o };
	if (o.xAxis) out.xAxis = same(o.xAxis, axesOf(o.xAxis).map(narrowX));
	if (o.yAxis) out.yAxis = same(o.yAxis, axesOf(o.yAxis).map(narrowY));
	// a legend of long names would wrap onto the plot: one line that pages instead
	if (o.legend && !Array.isArray(o.legend)) out.legend = { ...(o.legend as Record<string, unknown>), type: 'scroll' };
	return out as ChartOption;
}
