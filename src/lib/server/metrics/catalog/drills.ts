import type { DrillDef, SourceId } from './types';

/**
 * The rows a drill-down shows, per source: the register's own columns (times as epoch milliseconds of
 * the register's wall-clock, shown as text in JSON and CSV), their order and the searchable text. Customer name and phone are masked server-side
 * for users without `pii`, and so are phone numbers written into free text.
 */
export const DRILLS: Partial<Record<SourceId, DrillDef>> = (() => {
	const ts = (c: string) => `epoch_ms(${c})`;
	const complaints: DrillDef = {
		columns: [
			{ name: 'complaint_id', sql: 'complaint_id', type: 'string' },
			{ name: 'received_at', sql: ts('received_at'), type: 'timestamp' },
			{ name: 'store', sql: 'store', type: 'string' },
			{ name: 'department', sql: 'department', type: 'string' },
			{ name: 'channel', sql: 'channel::VARCHAR', type: 'string' },
			{ name: 'category', sql: 'category::VARCHAR', type: 'string' },
			{ name: 'severity', sql: 'severity::VARCHAR', type: 'string' },
			{ name: 'status', sql: 'status::VARCHAR', type: 'string' },
			{ name: 'summary', sql: 'summary', type: 'string' },
			{ name: 'customer_name', sql: 'customer_name', type: 'string' },
			{ name: 'customer_phone', sql: 'customer_phone', type: 'string' },
			{ name: 'first_response_at', sql: ts('first_response_at'), type: 'timestamp' },
			{ name: 'resolved_at', sql: ts('resolved_at'), type: 'timestamp' },
			{ name: 'escalated', sql: 'escalated', type: 'boolean' },
			{ name: 'follow_up_satisfaction', sql: 'follow_up_satisfaction::INTEGER', type: 'int' }
		],
		order: ['received_at', 'complaint_id'],
		search: 'summary',
		customerName: 'customer_name',
		texts: ['summary']
	};
	const surveys: DrillDef = {
		columns: [
			{ name: 'response_id', sql: 'response_id', type: 'string' },
			{ name: 'submitted_at', sql: "strftime(submitted_at, '%Y-%m-%d')", type: 'string' },
			{ name: 'wave', sql: 'wave', type: 'string' },
			{ name: 'method', sql: 'method::VARCHAR', type: 'string' },
			{ name: 'store', sql: 'store', type: 'string' },
			{ name: 'channel', sql: 'channel::VARCHAR', type: 'string' },
			{ name: 'staff_id', sql: 'staff_id', type: 'string' },
			{ name: 'overall', sql: 'overall::INTEGER', type: 'int' },
			{ name: 'nps', sql: 'nps::INTEGER', type: 'int' },
			{ name: 'environment', sql: 'environment::INTEGER', type: 'int' },
			{ name: 'product_quality', sql: 'product_quality::INTEGER', type: 'int' },
			{ name: 'service_quality', sql: 'service_quality::INTEGER', type: 'int' },
			{ name: 'price', sql: 'price::INTEGER', type: 'int' },
			{ name: 'comment', sql: 'comment', type: 'string' }
		],
		order: ['submitted_at DESC', 'response_id'],
		search: 'comment',
		texts: ['comment']
	};
	// contacts: no free text; the phone is masked for users without pii like a complaint's
	const contacts: DrillDef = {
		columns: [
			{ name: 'contact_id', sql: 'contact_id', type: 'string' },
			{ name: 'arrived_at', sql: ts('arrived_at'), type: 'timestamp' },
			{ name: 'store', sql: 'store', type: 'string' },
			{ name: 'channel', sql: 'channel::VARCHAR', type: 'string' },
			{ name: 'direction', sql: 'direction::VARCHAR', type: 'string' },
			{ name: 'agent_id', sql: 'agent_id', type: 'string' },
			{ name: 'topic', sql: 'topic', type: 'string' },
			{ name: 'answered_at', sql: ts('answered_at'), type: 'timestamp' },
			{ name: 'ended_at', sql: ts('ended_at'), type: 'timestamp' },
			{ name: 'wait_s', sql: 'round(wait_s)::INTEGER', type: 'int' },
			{ name: 'handle_s', sql: 'round(handle_s)::INTEGER', type: 'int' },
			{ name: 'resolved', sql: 'resolved', type: 'boolean' },
			{ name: 'customer_phone', sql: 'customer_phone', type: 'string' },
			{ name: 'callback_at', sql: ts('callback_at'), type: 'timestamp' },
			{ name: 'complaint_id', sql: 'complaint_id', type: 'string' }
		],
		order: ['arrived_at', 'contact_id'],
		texts: []
	};
	const inspections: DrillDef = {
		columns: [
			{ name: 'inspection_id', sql: 'inspection_id', type: 'string' },
			{ name: 'inspected_at', sql: "strftime(inspected_at, '%Y-%m-%d')", type: 'string' },
			{ name: 'inspector', sql: 'inspector', type: 'string' },
			{ name: 'staff_id', sql: 'staff_id', type: 'string' },
			{ name: 'store', sql: 'store', type: 'string' },
			{ name: 'channel', sql: 'channel::VARCHAR', type: 'string' },
			{ name: 'contact_id', sql: 'contact_id', type: 'string' },
			{ name: 'score', sql: 'score::DOUBLE', type: 'number' },
			{ name: 'fatal_type', sql: 'fatal_type', type: 'string' },
			{ name: 'note', sql: 'note', type: 'string' }
		],
		order: ['inspected_at DESC', 'inspection_id'],
		search: 'note',
		texts: ['note']
	};
	// the registers read as stored pick a page by its keys first; the derived relations (repeats, a contact's
	// sequence or complaint, scored inspections) are read once
	const narrow = (def: DrillDef): DrillDef => ({ ...def, narrowFirst: true });
	return {
		complaints: narrow(complaints),
		complaint_repeats: complaints,
		surveys: narrow(surveys),
		contacts: narrow(contacts),
		contact_sequences: contacts,
		contact_complaints: contacts,
		inspections
	};
})();
