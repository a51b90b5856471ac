import { m } from '$lib/paraglide/messages.js';

/** The columns of a contact drill-down, in the order of the API's rows (server catalog/drills.ts). */
export const CONTACT_ROWS = {
	kind: 'contacts',
	columns: [
		{ key: 'contact_id', label: m.svc_col_contact_id },
		{ key: 'arrived_at', label: m.svc_col_arrived_at },
		{ key: 'store', label: m.cmp_col_store },
		{ key: 'channel', label: m.svc_col_channel },
		{ key: 'direction', label: m.svc_col_direction },
		{ key: 'agent_id', label: m.svc_col_agent },
		{ key: 'topic', label: m.svc_col_topic },
		{ key: 'answered_at', label: m.svc_col_answered_at },
		{ key: 'ended_at', label: m.svc_col_ended_at },
		{ key: 'wait_s', label: m.svc_col_wait_s },
		{ key: 'handle_s', label: m.svc_col_handle_s },
		{ key: 'resolved', label: m.svc_col_resolved },
		{ key: 'customer_phone', label: m.cmp_col_customer_phone },
		{ key: 'callback_at', label: m.svc_col_callback_at },
		{ key: 'complaint_id', label: m.svc_col_complaint_id }
	],
	times: ['arrived_at', 'answered_at', 'ended_at', 'callback_at'],
	title: (inputs: { what: string }) => m.svc_drill_title(inputs)
} as const;
