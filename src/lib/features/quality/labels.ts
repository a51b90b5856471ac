import { m } from '$lib/paraglide/messages.js';

/** The control charts 质量监控 offers, by id (the server's QC_CHARTS has the same ids). */
export const QC_CHART_LABELS = {
	complaint_p: m.qc_chart_complaint_p,
	complaint_u: m.qc_chart_complaint_u,
	csat_p: m.qc_chart_csat_p,
	csat_mean_xmr: m.qc_chart_csat_mean_xmr,
	response_xmr: m.qc_chart_response_xmr,
	service_level_p: m.qc_chart_service_level_p,
	answer_rate_p: m.qc_chart_answer_rate_p,
	fcr_p: m.qc_chart_fcr_p,
	aht_xmr: m.qc_chart_aht_xmr,
	asa_xmr: m.qc_chart_asa_xmr,
	qa_pass_p: m.qc_chart_qa_pass_p,
	qa_fatal_p: m.qc_chart_qa_fatal_p
} as const;
export type QcChartChoice = keyof typeof QC_CHART_LABELS;

/** The eight Nelson rules' names, rule 1 first. */
export const NELSON_RULE_LABELS = [m.qc_rule_1, m.qc_rule_2, m.qc_rule_3, m.qc_rule_4, m.qc_rule_5, m.qc_rule_6, m.qc_rule_7, m.qc_rule_8];
