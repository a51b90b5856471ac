/**
 * The headline metrics, in the order a manager reads them: the 总览 tiles and the quality report's
 * headline table show the same six.
 */
export const HEADLINE_METRICS = [
	'complaint_count',
	'complaint_rate',
	'first_response_median_h',
	'sla_resolution_compliance',
	'csat',
	'nps'
] as const;
