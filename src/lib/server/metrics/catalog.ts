/**
 * The metric catalog: every metric the product shows, declared once as data. Pages, the metric API,
 * exports and alerts read these definitions; `compile.ts` turns a request for one of them into SQL with
 * bound parameters. Identifiers in SQL come only from here, never from a request.
 *
 * The definitions live by domain under `catalog/` (the shapes in `types.ts`, the sources and their
 * relations in `sources.ts`, the metrics in `complaints.ts`, `surveys.ts`, `appraisals.ts`, `contacts.ts`); this module
 * assembles them in the order the API lists them and is what the rest of the product imports.
 */
import { APPRAISAL_METRICS } from './catalog/appraisals';
import { COMPLAINT_METRICS } from './catalog/complaints';
import { CONTACT_METRICS } from './catalog/contacts';
import { INSPECTION_METRICS } from './catalog/inspections';
import { bucketNames, HOUR_BUCKETS, type BucketDimension } from './catalog/hours';
import { SOURCES } from './catalog/sources';
import { SURVEY_METRICS } from './catalog/surveys';
import type { MetricDef } from './catalog/types';

export * from './catalog/types';
export { bucketNames, HOUR_BUCKETS, US_PER_HOUR, type BucketDimension } from './catalog/hours';
export * from './catalog/limits';
export { SOURCES } from './catalog/sources';
export { ROLLUP_SOURCES, complaintSlaTail } from './catalog/rollups';
export { DRILLS } from './catalog/drills';
export { SURVEY_ITEMS } from './catalog/surveys';

export const METRICS: readonly MetricDef[] = [
	...COMPLAINT_METRICS,
	...SURVEY_METRICS,
	...APPRAISAL_METRICS,
	...CONTACT_METRICS,
	...INSPECTION_METRICS
];

export const METRIC_IDS = METRICS.map((m) => m.id);

const BY_ID = new Map(METRICS.map((m) => [m.id, m]));

export const metricById = (id: string): MetricDef | undefined => BY_ID.get(id);

/** Checks the catalog itself: unique snake_case ids, dimensions the source has. Run by the tests. */
export function catalogProblems(): string[] {
	const out: string[] = [];
	const seen = new Set<string>();
	for (const m of METRICS) {
		if (!/^[a-z][a-z0-9_]*$/u.test(m.id)) out.push(`${m.id}: not snake_case`);
		if (seen.has(m.id)) out.push(`${m.id}: duplicate id`);
		seen.add(m.id);
		for (const d of m.dimensions) if (!SOURCES[m.source].dimensions[d]) out.push(`${m.id}: dimension ${d} not in source ${m.source}`);
	}
	return out;
}

/** What the API lists: everything but the SQL. */
export function publicCatalog() {
	return METRICS.map((m) => ({
		id: m.id,
		label: m.label,
		unit: m.unit,
		direction: m.direction,
		kind: m.kind === 'aggregate' ? 'value' : m.kind === 'nps' || (m.kind === 'ratio' && m.survey) ? 'survey_ratio' : 'ratio',
		dimensions: m.dimensions,
		buckets: Object.fromEntries(m.dimensions.filter((d): d is BucketDimension => d in HOUR_BUCKETS).map((d) => [d, bucketNames(d)])),
		filters: SOURCES[m.source].filters,
		passport: m.passport
	}));
}
