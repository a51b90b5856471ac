import { CONTACT_HOUR, CONTACT_TIMES, CONTACT_WEEKDAY, CONTACT_WEEKDAY_HOUR, NEXT_CONTACTS } from '$pipelines/rollups/contacts';
import { COMPLAINT_LINK_DAYS, MAX_FCR_DAYS } from './limits';
import type { Dimension, RelationRequest, SourceDef, SourceId } from './types';

/**
 * The contact sources (来电与在线会话): one row per call or chat, with the seconds metrics read —
 * `wait_s` (arrival to answer, answered contacts), `abandon_s` (arrival to hang-up, contacts not
 * answered), `handle_s` (talk + hold + wrap, or end − answer when the log has none of the three).
 * `contact_sequences` adds what the same phone did next, at any store and in any later file;
 * `contact_complaints` whether that phone complained afterwards.
 */

const where = (conds: string[]) => (conds.length ? conds.join(' AND ') : 'true');
const arrivedIn = ({ from, to }: RelationRequest) => `arrived_at >= ${from} AND arrived_at < ${to} + INTERVAL 1 DAY`;
const TIMES = CONTACT_TIMES;
const hourOf = CONTACT_HOUR;
export const CONTACT_DIMENSIONS: Partial<Record<Dimension, string>> = {
	store: 'store',
	channel: 'channel',
	/** the agent (坐席工号): one dimension for "the person", so privacy rules and scorecards treat agents as staff */
	staff: 'agent_id',
	topic: 'topic',
	hour: hourOf,
	weekday: CONTACT_WEEKDAY,
	weekday_hour: CONTACT_WEEKDAY_HOUR
};
const FILTERS = ['store', 'channel'] as const;

type ContactSourceId = Extract<SourceId, 'contacts' | 'contact_sequences' | 'contact_complaints'>;

export const CONTACT_SOURCES: Readonly<Record<ContactSourceId, SourceDef>> = {
	contacts: {
		id: 'contacts',
		tables: 'contacts',
		dimensions: CONTACT_DIMENSIONS,
		filters: FILTERS,
		relation: (request) => `(SELECT *, ${TIMES} FROM contacts WHERE ${where([arrivedIn(request), ...request.conditions('')])})`
	},
	contact_sequences: {
		id: 'contact_sequences',
		tables: 'contacts',
		dimensions: CONTACT_DIMENSIONS,
		filters: FILTERS,
		relation: (request) => {
			const { from, to, conditions } = request;
			// What the phone did next may lie after the range and at any store: look ahead first, filter after.
			const ahead = `arrived_at >= ${from} AND arrived_at < ${to} + INTERVAL ${MAX_FCR_DAYS + 1} DAY`;
			// (computed here, not read from the times each contact stores for the rollups' upkeep, `stored_next_*`: the raw
			// path stands on its own)
			return `(SELECT * FROM (SELECT *, ${TIMES}, ${NEXT_CONTACTS}
				FROM contacts WHERE ${ahead})
				WHERE ${where([arrivedIn(request), ...conditions('')])})`;
		}
	},
	contact_complaints: {
		id: 'contact_complaints',
		tables: 'contacts, complaints',
		dimensions: CONTACT_DIMENSIONS,
		filters: FILTERS,
		relation: (request) =>
			`(SELECT c.*, ${TIMES},
				EXISTS (SELECT 1 FROM complaints k WHERE k.customer_phone_hash = c.customer_phone_hash
					AND k.received_at >= c.arrived_at AND k.received_at < c.arrived_at + INTERVAL ${COMPLAINT_LINK_DAYS} DAY) AS later_complaint
			FROM contacts c WHERE ${where([arrivedIn(request), ...request.conditions('c.')])})`
	}
};
