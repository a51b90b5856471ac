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

/** The headline metrics of the service process (服务过程): the six tiles of /service and the report's section. */
export const SERVICE_HEADLINE_METRICS = ['service_level', 'answer_rate', 'abandon_rate', 'asa_mean_s', 'aht_mean_s', 'fcr_repeat'] as const;
