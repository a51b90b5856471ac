import type { Dimension } from './types';

/**
 * Hours between register times, as SQL over a complaint row, and the hour buckets the time dimensions
 * cut them into. Shared by the complaint sources (bucket dimensions) and the complaint metrics.
 */

export const US_PER_HOUR = 3_600_000_000;
const hoursBetween = (later: string, earlier: string) => `((epoch_us(${later}) - epoch_us(${earlier})) / ${US_PER_HOUR}.0)`;
export const responseHours = hoursBetween('first_response_at', 'received_at');
export const resolutionHours = hoursBetween('resolved_at', 'received_at');
/** Hours since receipt by the time "now" (bound as `$now`, wall-clock of the registers). */
export const ageHours = (now: string) => hoursBetween(now, 'received_at');

/**
 * Hour buckets of the time dimensions, as upper bounds: a value h falls in the first bucket whose bound
 * exceeds it ("lo-hi", hi excluded), the last one is "lo+". The API returns the bucket as the group;
 * this order (not text order) is the one to show them in. Complaints without the time have no bucket.
 */
export const HOUR_BUCKETS = {
	/** age of a still-open complaint at "now" */
	age_bucket: [24, 72, 168, 720],
	/** hours from receipt to first response */
	response_bucket: [2, 4, 8, 12, 24, 48, 72],
	/** hours from receipt to resolution */
	resolution_bucket: [12, 24, 48, 72, 120, 168, 336]
} as const satisfies Partial<Record<Dimension, readonly number[]>>;
export type BucketDimension = keyof typeof HOUR_BUCKETS;

/** The bucket names of a time dimension, in order: ['0-24', '24-72', …, '720+']. */
export function bucketNames(dim: BucketDimension): string[] {
	const bounds = HOUR_BUCKETS[dim];
	return [...bounds.map((hi, i) => `${i === 0 ? 0 : bounds[i - 1]}-${hi}`), `${bounds[bounds.length - 1]}+`];
}

/** SQL of a bucket dimension: its name for rows where `hours` applies (`when`), NULL otherwise. */
export function bucketSql(dim: BucketDimension, hours: string, when: string): string {
	const names = bucketNames(dim);
	const arms = HOUR_BUCKETS[dim].map((hi, i) => `WHEN ${hours} < ${hi} THEN '${names[i]}'`).join(' ');
	return `(CASE WHEN NOT (${when}) OR (${when}) IS NULL THEN NULL ${arms} ELSE '${names[names.length - 1]}' END)`;
}
