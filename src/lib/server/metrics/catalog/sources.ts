import { CONTACT_SOURCES } from './contact-sources';
import { ageHours, bucketSql, resolutionHours, responseHours } from './hours';
import { REPEAT_WINDOW_DAYS } from './limits';
import type { Dimension, RelationRequest, SourceDef, SourceId } from './types';

/**
 * The sources metrics read, each with its relation: the SQL that picks a request's rows (range, filters,
 * store scope — all bound by the compiler) and names the day each row counts on `d`.
 */

const where = (conds: string[]) => (conds.length ? conds.join(' AND ') : 'true');
const receivedIn = ({ from, to }: RelationRequest) => `received_at >= ${from} AND received_at < ${to} + INTERVAL 1 DAY`;

/** The common shape: a table's rows in the range that pass the filters and scope, with the day they count on as `d`. */
const rowsOf =
	(table: string, day: string, inRange: (request: RelationRequest) => string) =>
	(request: RelationRequest): string =>
		`(SELECT *, ${day} AS d FROM ${table} WHERE ${where([inRange(request), ...request.conditions('')])})`;

const submittedIn = ({ from, to }: RelationRequest) => `submitted_at BETWEEN ${from} AND ${to}`;

const COMPLAINT_DIMENSIONS: Partial<Record<Dimension, string>> = {
	store: 'store',
	department: 'department',
	channel: 'channel',
	category: 'category',
	severity: 'severity',
	age_bucket: bucketSql('age_bucket', ageHours('$now'), `status <> '已办结'`),
	response_bucket: bucketSql('response_bucket', responseHours, 'first_response_at >= received_at'),
	resolution_bucket: bucketSql('resolution_bucket', resolutionHours, 'resolved_at >= received_at'),
	/** the staff member complained about (被投诉员工工号): the evidence beside an appraisal */
	staff: 'subject_staff_id'
};

/**
 * Inspections scored with the checklist in force on their day (qa_checklists, the newest effective on or
 * before it: an ASOF join): the items' points summed over the checklist's items, the fatal rule, the pass
 * line. The same rule as scoreInspection in src/lib/shared/inspections/checklist.ts. The score is computed
 * here, never read from the file's 总分.
 */
const scoredInspections = (request: RelationRequest) =>
	`(SELECT i.*, i.inspected_at AS d, c.effective_from AS checklist_from, c.items AS checklist_items, c.pass_line AS pass_line,
		list_sum(list_transform(c.items, x -> coalesce(i.item_points[x.item], 0))) AS items_score,
		CASE WHEN i.fatal AND c.fatal_zero THEN 0 ELSE items_score END AS score,
		NOT i.fatal AND score >= c.pass_line AS passed
		FROM (SELECT * FROM inspections WHERE ${where([`inspected_at BETWEEN ${request.from} AND ${request.to}`, ...request.conditions('')])}) i
		ASOF JOIN qa_checklists c ON i.inspected_at >= c.effective_from)`;

const INSPECTION_DIMENSIONS: Partial<Record<Dimension, string>> = {
	store: 'store',
	channel: 'channel',
	staff: 'staff_id',
	inspector: 'inspector',
	fatal_type: 'fatal_type'
};

export const SOURCES: Readonly<Record<SourceId, SourceDef>> = {
	complaints: {
		id: 'complaints',
		tables: 'complaints',
		dimensions: COMPLAINT_DIMENSIONS,
		filters: ['store', 'department', 'channel', 'category'],
		relation: rowsOf('complaints', 'received_at::DATE', receivedIn)
	},
	complaint_repeats: {
		id: 'complaint_repeats',
		tables: 'complaints',
		dimensions: COMPLAINT_DIMENSIONS,
		filters: ['store', 'department', 'channel', 'category'],
		relation: (request) => {
			const { from, to, conditions } = request;
			// The previous complaint of the same phone may precede the range and be at any store: look back first, filter after.
			const lookback = `received_at >= ${from} - INTERVAL ${REPEAT_WINDOW_DAYS} DAY AND received_at < ${to} + INTERVAL 1 DAY`;
			return `(SELECT * FROM (SELECT *, received_at::DATE AS d,
				epoch_us(received_at) - lag(epoch_us(received_at)) OVER (PARTITION BY customer_phone_hash ORDER BY received_at, complaint_id) AS since_prev_us
				FROM complaints WHERE customer_phone_hash IS NOT NULL AND ${lookback})
				WHERE ${where([receivedIn(request), ...conditions('')])})`;
		}
	},
	/** one row per store-day with traffic: its transactions and the complaints received that day */
	complaint_days: {
		id: 'complaint_days',
		tables: 'complaints, traffic',
		dimensions: { store: 'store' },
		filters: ['store', 'department', 'channel', 'category'],
		relation: (request) => {
			const { from, to, conditions } = request;
			// Every filter narrows the complaints; only the store filter and scope apply to traffic (it has no other split).
			const daily = `SELECT store, received_at::DATE AS d, count(*) AS n FROM complaints WHERE ${where([receivedIn(request), ...conditions('')])} GROUP BY ALL`;
			return `(SELECT t.date AS d, t.store AS store, t.transactions AS transactions, coalesce(c.n, 0) AS complaints
				FROM traffic t LEFT JOIN (${daily}) c ON c.store = t.store AND c.d = t.date
				WHERE ${where([`t.date BETWEEN ${from} AND ${to}`, ...conditions('t.', ['store'])])})`;
		}
	},
	surveys: {
		id: 'surveys',
		tables: 'surveys',
		dimensions: { store: 'store', channel: 'channel', method: 'method', staff: 'staff_id' },
		filters: ['store', 'channel'],
		relation: rowsOf('surveys', 'submitted_at', submittedIn)
	},
	/** one row per answer to an extra question of a survey file (beyond the four items), question = its column header */
	survey_answers: {
		id: 'survey_answers',
		tables: 'surveys (extra_answers)',
		dimensions: { store: 'store', channel: 'channel', method: 'method', question: 'question' },
		filters: ['store', 'channel'],
		relation: (request) =>
			`(SELECT store, channel, method, submitted_at AS d, unnest(map_keys(extra_answers)) AS question, unnest(map_values(extra_answers)) AS answer
				FROM surveys WHERE extra_answers IS NOT NULL AND ${where([submittedIn(request), ...request.conditions('')])})`
	},
	appraisals: {
		id: 'appraisals',
		tables: 'appraisals',
		dimensions: { store: 'store', department: 'department', grade: 'grade' },
		filters: ['store', 'department'],
		relation: rowsOf('appraisals', 'period_start', ({ from, to }) => `period_start BETWEEN ${from} AND ${to}`),
		staffColumn: 'staff_id',
		attributeDimensions: ['grade']
	},
	...CONTACT_SOURCES,
	/** one row per inspection (质检), with its score under the checklist of its day (score, passed) */
	inspections: {
		id: 'inspections',
		tables: 'inspections, qa_checklists',
		dimensions: INSPECTION_DIMENSIONS,
		filters: ['store', 'channel'],
		relation: scoredInspections,
		staffColumn: 'staff_id'
	},
	/** one row per item of the checklist an inspection was scored with: its points and the points it lost */
	inspection_items: {
		id: 'inspection_items',
		tables: 'inspections, qa_checklists',
		dimensions: { ...INSPECTION_DIMENSIONS, item: 'item' },
		filters: ['store', 'channel'],
		relation: (request) =>
			`(SELECT *, it.item AS item, it.max_points AS max_points, coalesce(item_points[it.item], 0) AS points, it.max_points - points AS lost
				FROM (SELECT *, unnest(checklist_items) AS it FROM ${scoredInspections(request)}))`,
		staffColumn: 'staff_id'
	}
};
