import type { RelationRequest, RollupId, RollupSourceDef } from './types';

/**
 * The rollups as the compiler reads them: daily rows per store and dimension (pipelines/rollups/tables.ts
 * declares and maintains them). Each relation picks the request's days, filters and scope, as the raw
 * sources in sources.ts do, so a metric's expressions over a rollup give the raw rows' numbers.
 */

const where = (conds: string[]) => (conds.length ? conds.join(' AND ') : 'true');
const daysIn = ({ from, to }: RelationRequest, column = 'd') => `${column} BETWEEN ${from} AND ${to}`;
const rowsOf = (table: string) => (request: RelationRequest) =>
	`(SELECT * FROM ${table} WHERE ${where([daysIn(request), ...request.conditions('')])})`;

const COMPLAINT_CUTS = { store: 'store', department: 'department', channel: 'channel', category: 'category', severity: 'severity' };
const SURVEY_CUTS = { store: 'store', channel: 'channel', method: 'method' };

export const ROLLUP_SOURCES: Readonly<Record<RollupId, RollupSourceDef>> = {
	complaint_daily: {
		id: 'complaint_daily',
		dimensions: COMPLAINT_CUTS,
		filters: ['store', 'department', 'channel', 'category'],
		relation: rowsOf('complaint_daily')
	},
	/** as the complaint_days source: store-days with traffic, their transactions and complaints (filters narrow the complaints) */
	complaint_traffic: {
		id: 'complaint_traffic',
		dimensions: { store: 'store' },
		filters: ['store', 'department', 'channel', 'category'],
		relation: (request) => {
			const daily = `SELECT store, d, sum(n) AS n FROM complaint_daily WHERE ${where([daysIn(request), ...request.conditions('')])} GROUP BY ALL`;
			return `(SELECT t.date AS d, t.store AS store, t.transactions AS transactions, coalesce(c.n, 0) AS complaints
				FROM traffic t LEFT JOIN (${daily}) c ON c.store = t.store AND c.d = t.date
				WHERE ${where([daysIn(request, 't.date'), ...request.conditions('t.', ['store'])])})`;
		}
	},
	survey_daily: { id: 'survey_daily', dimensions: SURVEY_CUTS, filters: ['store', 'channel'], relation: rowsOf('survey_daily') },
	survey_answer_daily: {
		id: 'survey_answer_daily',
		dimensions: { ...SURVEY_CUTS, question: 'question' },
		filters: ['store', 'channel'],
		relation: rowsOf('survey_answer_daily')
	}
};
